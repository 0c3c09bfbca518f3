import { DataType, type CollectionSchema } from '../core/schema.js';
import type { FieldOrder } from '../search/field-keys.js';
import { dataTypeName } from './schema-codec.js';
import { invalidParameter } from './status.js';

/**
 * Milvus's `order_by_fields`: a comma-separated list of `field[:asc|desc]` (the SDK joins
 * `[{field, order}]` into it), ascending by default. Query ORDER BY sorts the matching rows
 * and takes a page of them; search ORDER BY re-sorts a search's page. Both read the spec
 * with Milvus's rules and messages, which differ between the two (query: pkg/util/orderby
 * ParseOrderByFields; search: the proxy's parseOrderByFields). Nulls follow PostgreSQL:
 * last ascending, first descending.
 */

/** Types an order_by field may have (Milvus IsSortableType). */
const SORTABLE = new Set([
  DataType.Bool,
  DataType.Int8,
  DataType.Int16,
  DataType.Int32,
  DataType.Int64,
  DataType.Float,
  DataType.Double,
  DataType.String,
  DataType.VarChar,
]);

/** The non-empty comma-separated items of a spec. */
const items = (raw: string) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * A query's order_by_fields: `field[:direction[:nulls_first|nulls_last]]` per item, over the
 * schema's own fields (not dynamic keys or JSON paths, as in Milvus).
 */
export function parseQueryOrderBy(schema: CollectionSchema, raw: string): FieldOrder[] {
  return items(raw).map((item) => {
    const parts = item.split(':');
    const name = parts[0]!.trim();
    let ascending = true;
    if (parts.length > 1) {
      const dir = parts[1]!.trim().toLowerCase();
      if (dir === 'desc' || dir === 'descending') ascending = false;
      else if (dir !== 'asc' && dir !== 'ascending' && dir !== '')
        throw invalidParameter(`invalid order direction '${dir}' for field '${name}', must be 'asc' or 'desc'`);
    }
    let nullsFirst = !ascending;
    if (parts.length > 2) {
      const nulls = parts[2]!.trim().toLowerCase();
      if (nulls === 'nulls_first') nullsFirst = true;
      else if (nulls === 'nulls_last') nullsFirst = false;
      else throw invalidParameter(`invalid null ordering '${nulls}', must be 'nulls_first' or 'nulls_last'`);
    }
    const field = schema.fields.find((f) => f.name === name);
    if (!field) throw invalidParameter(`order_by field '${name}' does not exist in collection schema`);
    if (!SORTABLE.has(field.dataType))
      throw invalidParameter(`order_by field '${name}' has type ${dataTypeName(field.dataType)} which is not sortable`);
    return { field, ascending, nullsFirst };
  });
}

/** The last `:` of an item outside brackets (a JSON path may hold colons), or -1. */
function directionColon(item: string): number {
  let depth = 0;
  let at = -1;
  for (let i = 0; i < item.length; i++) {
    const c = item[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ':' && depth === 0) at = i;
  }
  return at;
}

/**
 * A search's order_by_fields: `field[:direction]` per item. Milvus also sorts by dynamic
 * keys and JSON paths there; Mishards refuses those by name rather than ignore them.
 */
export function parseSearchOrderBy(schema: CollectionSchema, raw: string): FieldOrder[] {
  return items(raw).map((item) => {
    const colon = directionColon(item);
    const name = (colon < 0 ? item : item.slice(0, colon)).trim();
    const direction = colon < 0 ? '' : item.slice(colon + 1).trim();
    if (name === '') throw invalidParameter('empty field name in order_by_fields');
    let ascending = true;
    if (direction !== '') {
      const dir = direction.toLowerCase();
      if (dir === 'desc' || dir === 'descending') ascending = false;
      else if (dir !== 'asc' && dir !== 'ascending')
        throw invalidParameter(`invalid order direction '${direction}' for field '${name}', expected 'asc' or 'desc'`);
    }
    if (name.includes('[') && name.includes(']'))
      throw invalidParameter(`order_by on a JSON path (${name}) is not supported by Mishards: order by a scalar field`);
    const field = schema.fields.find((f) => f.name === name);
    if (!field) {
      if (schema.enableDynamicField)
        throw invalidParameter(`order_by on the dynamic field key '${name}' is not supported by Mishards: order by a scalar field`);
      throw invalidParameter(`order_by field '${name}' does not exist in collection schema`);
    }
    if (!SORTABLE.has(field.dataType))
      throw invalidParameter(
        `order_by field '${name}' has unsortable type ${dataTypeName(field.dataType)}; supported types: bool, int8/16/32/64, float, double, string, varchar; for JSON fields use path syntax like field["key"]`,
      );
    return { field, ascending, nullsFirst: !ascending };
  });
}

import { rowWidth, typedArrayFor, type Column, type PrimaryKey } from '../core/columns.js';
import { wktFromWkb } from '../core/geometry.js';
import { DataType, DYNAMIC_FIELD, isVectorType, type CollectionSchema, type FieldSchema, primaryField } from '../core/schema.js';
import type { IDs } from '../proto/generated/milvus/proto/schema/IDs.js';
import type { Hit } from '../search/hits.js';
import type { OutgoingFieldData } from './result-fields.js';
import { dataTypeName } from './schema-codec.js';
import { fieldNotFound, invalidParameter } from './status.js';
import { encodeVectorRows } from './vector-codecs.js';

/**
 * Output fields and the encoding of result rows into Milvus `FieldData` columns, shared by
 * search and query.
 */

export interface OutputSelection {
  fields: FieldSchema[];
  /** Dynamic keys to return inside `$meta`; 'all' for the whole object. */
  dynamicKeys: string[] | 'all' | undefined;
  /** Names echoed in the response's `output_fields`. */
  names: string[];
}

/**
 * Resolves requested output fields as Milvus does: `*` is every field, the primary key is
 * always returned, unknown names are dynamic keys when the dynamic field is on.
 */
export function resolveOutputFields(schema: CollectionSchema, requested: string[], includeVector: boolean): OutputSelection {
  const chosen = new Map<string, FieldSchema>();
  const dynamicKeys: string[] = [];
  let allDynamic = false;
  const pk = primaryField(schema);
  for (const raw of requested) {
    const name = raw.trim();
    if (!name) continue;
    if (name === '*') {
      for (const f of schema.fields) {
        if (f.isDynamic) allDynamic = true;
        // BM25 outputs hold term hashes, not data: Milvus's `*` leaves them out.
        else if ((includeVector || !isVectorType(f.dataType)) && !f.isFunctionOutput) chosen.set(f.name, f);
      }
      continue;
    }
    const field = schema.fields.find((f) => f.name === name);
    if (field?.isFunctionOutput) throw invalidParameter(`not allowed to retrieve raw data of field ${name}`);
    if (field) {
      if (field.isDynamic) allDynamic = true;
      else chosen.set(name, field);
      continue;
    }
    if (!schema.enableDynamicField) throw fieldNotFound(name, schema.name);
    dynamicKeys.push(name);
  }
  // The SDK reads result columns by the names in output_fields: the key must be among them.
  if (!chosen.has(pk.name)) chosen.set(pk.name, pk);
  const names = [...chosen.keys()];
  const dyn = allDynamic ? 'all' : dynamicKeys.length ? dynamicKeys : undefined;
  if (dyn === 'all') names.push(DYNAMIC_FIELD);
  else if (dyn) names.push(...dynamicKeys);
  return { fields: [...chosen.values()], dynamicKeys: dyn, names };
}

/** The value of row `row` of a column as a JS value; null for null. */
export function readValue(col: Column, row: number): unknown {
  if (col.valid && !col.valid[row]) return null;
  if (typedArrayFor(col.type) && isVectorType(col.type)) {
    const width = rowWidth(col.type, col.dim);
    return (col.values as Float32Array).subarray(row * width, (row + 1) * width);
  }
  return (col.values as ArrayLike<unknown>)[row];
}

/** The `ScalarField` member holding values of each scalar type. */
export const scalarKey: Partial<Record<DataType, string>> = {
  [DataType.Bool]: 'bool_data',
  [DataType.Int8]: 'int_data',
  [DataType.Int16]: 'int_data',
  [DataType.Int32]: 'int_data',
  [DataType.Int64]: 'long_data',
  [DataType.Float]: 'float_data',
  [DataType.Double]: 'double_data',
  [DataType.VarChar]: 'string_data',
  [DataType.JSON]: 'json_data',
  [DataType.Array]: 'array_data',
  // UTC microseconds between nodes; answers carry strings instead (milvus/timestamptz.ts).
  [DataType.Timestamptz]: 'timestamptz_data',
  // As Milvus's proxy answers (ValidateGeometryFieldSearchResult): WKT, not the stored WKB.
  [DataType.Geometry]: 'geometry_wkt_data',
};

function placeholder(type: DataType): unknown {
  switch (type) {
    case DataType.Bool:
      return false;
    case DataType.VarChar:
    case DataType.Geometry:
      return '';
    case DataType.JSON:
      return Buffer.from('{}');
    case DataType.Array:
      return {};
    case DataType.Int64:
    case DataType.Timestamptz:
      return '0';
    default:
      return 0;
  }
}

function encodeScalar(type: DataType, v: unknown, elementType?: DataType): unknown {
  switch (type) {
    case DataType.Bool:
      return Boolean(v);
    case DataType.Int64:
    case DataType.Timestamptz:
      return String(v);
    case DataType.JSON:
      return Buffer.from(JSON.stringify(v));
    case DataType.Geometry:
      return wktFromWkb(v as Uint8Array);
    case DataType.Array: {
      const key = scalarKey[elementType!]!;
      const values = (v as unknown[]).map((e) => (elementType === DataType.Int64 ? String(e) : e));
      return { [key]: { data: values } };
    }
    default:
      return v;
  }
}

function pickDynamic(obj: unknown, keys: string[] | 'all'): unknown {
  if (keys === 'all' || obj === null || typeof obj !== 'object') return obj ?? {};
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in (obj as object)) out[k] = (obj as Record<string, unknown>)[k];
  return out;
}

/** A selected output column: its field and how to read a hit's value of it. */
export interface OutputColumn {
  field: FieldSchema;
  value: (h: Hit) => unknown;
}

/** The column of a schema field, read as stored. */
export const fieldColumn = (f: FieldSchema): OutputColumn => ({ field: f, value: (h) => readValue(h.segment.column(f.name)!, h.row) });

/** The selected output columns in answer order: the fields, then the dynamic keys. */
export function outputColumns(schema: CollectionSchema, sel: OutputSelection): OutputColumn[] {
  const out: OutputColumn[] = sel.fields.map(fieldColumn);
  if (sel.dynamicKeys) {
    const meta = schema.fields.find((f) => f.isDynamic)!;
    const keys = sel.dynamicKeys;
    out.push({
      field: meta,
      value: (h) => {
        const col = h.segment.column(meta.name);
        return pickDynamic(col ? readValue(col, h.row) : null, keys);
      },
    });
  }
  return out;
}

/** One `FieldData` per selected field, over `hits` in order. */
export function encodeFieldsData(schema: CollectionSchema, hits: Hit[], sel: OutputSelection): OutgoingFieldData[] {
  return outputColumns(schema, sel).map((c) => encodeField(c.field, hits, c.value));
}

/**
 * The `FieldData` of one field over `hits` in order, each value read by `value`. Vectors are
 * gathered into their type's payload (vector-codecs.ts: encodeVectorRows).
 */
export function encodeField(f: FieldSchema, hits: Hit[], value: (h: Hit) => unknown): OutgoingFieldData {
  const base = {
    type: dataTypeName(f.dataType),
    field_name: f.name,
    field_id: String(f.fieldId),
    is_dynamic: f.isDynamic,
    valid_data: [] as boolean[],
  };
  if (isVectorType(f.dataType))
    return {
      ...base,
      vectors: encodeVectorRows(
        f,
        hits.map((h) => value(h) as ArrayBufferView),
      ),
    };
  const key = scalarKey[f.dataType]!;
  const values: unknown[] = [];
  for (const h of hits) {
    const v = value(h);
    if (f.nullable) base.valid_data.push(v !== null);
    values.push(v === null ? placeholder(f.dataType) : encodeScalar(f.dataType, v, f.elementType));
  }
  const payload: Record<string, unknown> = { data: values };
  if (f.dataType === DataType.Array) payload.element_type = dataTypeName(f.elementType!);
  return { ...base, scalars: { [key]: payload } };
}

const MIN_EXACT = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * An int64 key as protobufjs encodes it: a number where that is exact (converted without the
 * decimal parsing a string needs), its decimal string beyond; the bytes are the same.
 */
const int64Value = (pk: PrimaryKey) => (typeof pk === 'bigint' && pk >= MIN_EXACT && pk <= MAX_EXACT ? Number(pk) : String(pk));

/** The `schema.IDs` message for a list of primary keys of one type. */
export function encodeIds(pkType: DataType, pks: PrimaryKey[]): IDs {
  return pkType === DataType.Int64 ? { int_id: { data: pks.map(int64Value) } } : { str_id: { data: pks as string[] } };
}

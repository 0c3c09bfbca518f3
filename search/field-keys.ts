import { DataType, type FieldSchema } from '../core/schema.js';
import type { Hit } from './hits.js';

/**
 * A scalar field's value as grouping and ordering compare it, one representation per type
 * whatever it was read from (a segment's column, a partial answer's bytes or FieldData, a
 * request's JSON): Bool as 0 or 1, Int64 as a bigint, the other numbers as numbers, VarChar
 * as a string, null for null. Map and Set compare these by value.
 */
export type FieldKey = number | bigint | string | null;

/** The key of a value of a field of `type` as any reader hands it over (Int64 may come as a decimal string). */
export function fieldKey(type: DataType, v: unknown): FieldKey {
  if (v === null || v === undefined) return null;
  switch (type) {
    case DataType.Bool:
      return v === true || v === 1 ? 1 : 0;
    case DataType.Int64:
      return BigInt(v as bigint | number | string);
    case DataType.VarChar:
    case DataType.String:
      return String(v);
    default:
      return Number(v);
  }
}

/** Reads a hit's key of `field` (null where the row is null). */
export function hitKeyReader(field: FieldSchema): (h: Hit) => FieldKey {
  const type = field.dataType;
  return (h) => {
    const col = h.segment.column(field.name);
    if (!col || (col.valid && !col.valid[h.row])) return null;
    return fieldKey(type, (col.values as ArrayLike<unknown>)[h.row]);
  };
}

/** How one key sorts: its direction, and where nulls go. */
export interface KeyOrder {
  ascending: boolean;
  nullsFirst: boolean;
}

/** A field to order rows by, and how (Milvus order_by_fields, parsed by milvus/order-by.ts). */
export interface FieldOrder extends KeyOrder {
  field: FieldSchema;
}

/** Compares two keys of one field in `order` (negative: `a` first). */
export function compareKeys(a: FieldKey, b: FieldKey, order: KeyOrder): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === order.nullsFirst ? -1 : 1;
  }
  const c = a < b ? -1 : a > b ? 1 : 0;
  return order.ascending ? c : -c;
}

/** Compares two rows' key tuples, field by field, in `orders` (0 when every key is equal). */
export function compareKeyTuples(a: readonly FieldKey[], b: readonly FieldKey[], orders: readonly KeyOrder[]): number {
  for (let i = 0; i < orders.length; i++) {
    const c = compareKeys(a[i]!, b[i]!, orders[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

/** A key as JSON (a bigint as its decimal string), for a request that carries keys. */
export const keyToJson = (k: FieldKey): string | number | null => (typeof k === 'bigint' ? String(k) : k);

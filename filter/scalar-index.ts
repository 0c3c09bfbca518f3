/**
 * A scalar index of one column: its non-null rows ordered by value (the order the filter
 * compares in: numbers, Int64s and Timestamptz microseconds numerically, strings as `compareStrings`, false < true).
 * Milvus's INVERTED, STL_SORT, BITMAP and TRIE indexes are all served by it: each of the
 * predicates they speed up (`==`, `in`, `<`, `<=`, `>`, `>=`, ranges, and `like "prefix%"`
 * for strings) selects one run of that order, or a few, found by binary search.
 *
 * The answer is by construction the scan's: values are read with the scan's getter and
 * compared with the scan's comparison, so a run holds exactly the rows the scan would pass.
 * A column holding NaN (unordered) gets no index, and the filter scans it.
 */
import type { Column, ScalarIndex } from '../core/columns.js';
import { DataType } from '../core/schema.js';
import type { CmpOp } from './ast.js';
import { compareValues } from './json.js';

/** Column types a scalar index orders. */
const INDEXABLE = new Set([
  DataType.Bool,
  DataType.Int8,
  DataType.Int16,
  DataType.Int32,
  DataType.Int64,
  DataType.Float,
  DataType.Double,
  DataType.VarChar,
  DataType.Timestamptz,
]);

export const isIndexableType = (t: DataType) => INDEXABLE.has(t);

/** The value of every row as the scan reads it (Int64: a number when exact, else a bigint). */
function rowValue(col: Column): (i: number) => unknown {
  const values = col.values;
  if (col.type === DataType.Bool) return (i) => (values as Uint8Array)[i] !== 0;
  if (col.type === DataType.Int64 || col.type === DataType.Timestamptz) {
    return (i) => {
      const v = (values as BigInt64Array)[i]!;
      return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
    };
  }
  return (i) => (values as ArrayLike<unknown>)[i];
}

/** Builds the index of a column of `rows` rows, or undefined when it cannot be ordered (a NaN). */
export function buildScalarIndex(col: Column, rows: number): ScalarIndex | undefined {
  if (!INDEXABLE.has(col.type)) return undefined;
  const get = rowValue(col);
  const order: number[] = [];
  for (let i = 0; i < rows; i++) {
    if (col.valid && col.valid[i] === 0) continue;
    const v = get(i);
    if (typeof v === 'number' && Number.isNaN(v)) return undefined;
    order.push(i);
  }
  const values = order.map(get);
  // Positions into `order` (ascending rows), so ties fall to the lower row.
  const sorted = Array.from(order.keys()).sort((a, b) => compareValues(values[a], values[b]) || a - b);
  return { order: Int32Array.from(sorted, (j) => order[j]!), keys: sorted.map((j) => values[j]) };
}

/** The first position whose key compares >= v (strict: > v). */
function bound(index: ScalarIndex, v: unknown, strict: boolean): number {
  let lo = 0;
  let hi = index.keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = compareValues(index.keys[mid], v);
    if (c < 0 || (strict && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A run [start, end) of the index's order. */
export type Run = [number, number];

/** The run of rows whose value satisfies `value <op> v`; undefined for `!=` (not one run). */
export function cmpRun(index: ScalarIndex, op: CmpOp, v: unknown): Run | undefined {
  const n = index.keys.length;
  switch (op) {
    case '==':
      return [bound(index, v, false), bound(index, v, true)];
    case '<':
      return [0, bound(index, v, false)];
    case '<=':
      return [0, bound(index, v, true)];
    case '>':
      return [bound(index, v, true), n];
    case '>=':
      return [bound(index, v, false), n];
    default:
      return undefined;
  }
}

/** The run of rows within a range (each end inclusive or not). */
export function rangeRun(index: ScalarIndex, lo: unknown, loInclusive: boolean, hi: unknown, hiInclusive: boolean): Run {
  const start = bound(index, lo, !loInclusive);
  const end = bound(index, hi, hiInclusive);
  return [start, Math.max(start, end)];
}

/** The run of strings that start with `prefix` (they are contiguous in the order). */
export function prefixRun(index: ScalarIndex, prefix: string): Run {
  const start = bound(index, prefix, false);
  let end = start;
  while (end < index.keys.length && (index.keys[end] as string).startsWith(prefix)) end++;
  return [start, end];
}

/** Whether a constant is comparable with a column's values by the index's order (same kind of value). */
export function comparableWith(type: DataType, v: unknown): boolean {
  if (type === DataType.Bool) return typeof v === 'boolean';
  if (type === DataType.VarChar) return typeof v === 'string';
  return (typeof v === 'number' && !Number.isNaN(v)) || typeof v === 'bigint';
}

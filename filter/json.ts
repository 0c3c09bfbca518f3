import { compareStrings } from './values.js';

/**
 * Row-value semantics shared by JSON paths, Array fields and scalar columns. A missing JSON
 * key is `undefined`. Comparisons return -1/0/1, or NaN when the two values are not
 * comparable (different JSON types, missing key, NaN): every operator but `!=` is then
 * false and `!=` is true, which is what Milvus's JSON comparisons do.
 */

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

/** One JSON-pointer step: object key, or array index when the key is a canonical integer. */
function stepper(key: string): (cur: unknown) => unknown {
  const index = ARRAY_INDEX.test(key) ? Number(key) : -1;
  // Keys such as "constructor" exist on every object's prototype; only own keys count.
  const inherited = key in Object.prototype;
  return (cur) => {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) return index >= 0 && index < cur.length ? cur[index] : undefined;
    if (inherited) return Object.hasOwn(cur, key) ? (cur as Record<string, unknown>)[key] : undefined;
    return (cur as Record<string, unknown>)[key];
  };
}

/** Compiles a JSON path into a function from a document to the value at that path. */
export function pathGetter(path: readonly string[]): (doc: unknown) => unknown {
  if (path.length === 0) return (doc) => doc;
  if (path.length === 1) return stepper(path[0]!);
  const steps = path.map(stepper);
  return (doc) => {
    let cur = doc;
    for (const s of steps) {
      cur = s(cur);
      if (cur === undefined) return undefined;
    }
    return cur;
  };
}

/** Numeric order across number and bigint (Int64 values beyond 2^53 are bigints). */
export function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const [x, y, flip] = typeof a === 'bigint' ? [a, b as number, 1] : [b as bigint, a, -1];
  if (Number.isNaN(y)) return NaN;
  if (!Number.isInteger(y)) return flip * (Number(x) < y ? -1 : 1);
  const yy = BigInt(y);
  return flip * (x < yy ? -1 : x > yy ? 1 : 0);
}

export function compareValues(a: unknown, b: unknown): number {
  const ta = typeof a;
  const tb = typeof b;
  if ((ta === 'number' || ta === 'bigint') && (tb === 'number' || tb === 'bigint')) {
    return compareNumbers(a as number | bigint, b as number | bigint);
  }
  if (ta === 'string' && tb === 'string') return compareStrings(a as string, b as string);
  if (ta === 'boolean' && tb === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return NaN;
}

/** Deep equality of JSON-like values; numbers compare by value (1 equals 1.0). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
    return true;
  }
  return compareValues(a, b) === 0;
}

/**
 * Milvus's `exists` is false for a null value and for objects/arrays holding nothing but
 * nulls and empty containers (segcore's isObjectEmpty).
 */
export function isEmptyJson(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (Array.isArray(v)) return v.every(isEmptyJson);
  if (typeof v === 'object') return Object.values(v as object).every(isEmptyJson);
  return false;
}

import type { Column, ScalarIndex } from '../core/columns.js';
import { DataType, DYNAMIC_FIELD } from '../core/schema.js';
import type { CmpOp } from './ast.js';
import { intersectRows, rowsWhere, type Binder, type Ctx, type Kernel } from './kernel.js';
import { cmpRun, comparableWith, isIndexableType, prefixRun, rangeRun, type Run } from './scalar-index.js';
import { compareNumbers, compareValues, isEmptyJson, pathGetter, valuesEqual } from './json.js';
import { compileLike } from './like.js';
import { isValidTest, markSpatial, spatialTest } from './spatial.js';
import { markPhraseMatches, markTextMatches } from '../text/token-index.js';
import { valueType, type ColRef, type Lit, type Pred } from './plan.js';
import { compareStrings, litToJs, testCmp } from './values.js';
import { shiftByInterval } from '../core/timestamptz.js';

/**
 * Leaf kernels: one column (two for column comparisons) against constants. Whole-column
 * loops for the hot shapes on typed arrays, per-row predicate closures for the rest.
 */

// ---- column access --------------------------------------------------------------------------

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;
/** Int64 values whose high word is in this range are exact doubles (|v| <= 2^53). */
const SAFE_HI = 0x200000;

/**
 * Int64 columns are BigInt64Array. Reading them as bigint allocates per row, so kernels
 * read the two 32-bit halves through an Int32Array view instead: exact, allocation-free,
 * and always in sync with the column (no shadow copy to go stale).
 */
function int32View(values: BigInt64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

function int64At(w: Int32Array, i: number): number | bigint {
  const hi = w[2 * i + HI]!;
  const lo = w[2 * i + LO]! >>> 0;
  if (hi >= -SAFE_HI && hi < SAFE_HI) return hi * 4294967296 + lo;
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
}

/** Whether a column type is stored as Int64 values: Int64 itself, and Timestamptz (UTC microseconds). */
const isInt64Column = (t: DataType) => t === DataType.Int64 || t === DataType.Timestamptz;

/** Row value getter for a column reference; `undefined` means absent (missing key, index out of range). */
function getter(ref: ColRef, col: Column): (i: number) => unknown {
  const values = col.values;
  switch (ref.type) {
    case DataType.Bool: {
      const v = values as Uint8Array;
      return (i) => v[i] !== 0;
    }
    case DataType.Int64:
    case DataType.Timestamptz: {
      const w = int32View(values as BigInt64Array);
      return (i) => int64At(w, i);
    }
    case DataType.JSON: {
      const docs = values as unknown[];
      const get = pathGetter(ref.path);
      return (i) => get(docs[i] ?? null);
    }
    case DataType.Array: {
      const arrays = values as unknown[][];
      if (ref.path.length === 0) return (i) => arrays[i];
      const index = Number(ref.path[0]);
      return (i) => {
        const a = arrays[i];
        return a && index < a.length ? a[index] : undefined;
      };
    }
    default: {
      const v = values as ArrayLike<unknown>;
      return (i) => v[i];
    }
  }
}

/** Milvus compares Float fields in float32: constants are rounded to float32 first. */
function litValue(ref: ColRef, l: Lit): unknown {
  const t = ref.type === DataType.Array ? ref.elementType : ref.type;
  const v = litToJs(l);
  return t === DataType.Float ? roundFloats(v) : v;
}

function roundFloats(v: unknown): unknown {
  if (typeof v === 'number') return Math.fround(v);
  if (Array.isArray(v)) return v.map(roundFloats);
  return v;
}

/**
 * Resolves a reference's column in the batch. A missing schema column (e.g. a segment
 * written before the field was added) reads as all-null; a missing $meta as rows without
 * dynamic keys.
 */
function columnOf(ctx: Ctx, ref: ColRef): { col: Column; valid: Uint8Array | null } | null {
  const col = ctx.batch.column(ref.column);
  if (col) return { col, valid: col.valid ?? null };
  if (ref.column === DYNAMIC_FIELD) return { col: { type: DataType.JSON, values: new Array(ctx.n).fill(null) }, valid: null };
  return null;
}

// ---- leaves ------------------------------------------------------------------------------

/** Predicates on one column, evaluated row by row or by a whole-column loop. */
type LeafPred = Extract<
  Pred,
  {
    k:
      | 'cmp'
      | 'range'
      | 'in'
      | 'arith'
      | 'arrayLength'
      | 'like'
      | 'exists'
      | 'contains'
      | 'textMatch'
      | 'phraseMatch'
      | 'tszArith'
      | 'spatial'
      | 'isValid';
  }
>;

/**
 * A leaf over one column: a per-row test, and for the hot shapes a whole-column loop that
 * must write out[i] for every i < n and agree with the test. The test evaluates listed rows
 * (a conjunction restricted to the rows its indexed clauses selected); a leaf with the loop
 * only (text match) is evaluated over a mask of them instead.
 */
type Leaf =
  | { pred: (i: number) => boolean; fast?: (out: Uint8Array, mask: Uint8Array | null, n: number) => void }
  | { pred?: undefined; fast: (out: Uint8Array, mask: Uint8Array | null, n: number) => void };

function drive(n: number, pred: (i: number) => boolean, out: Uint8Array, mask: Uint8Array | null): void {
  if (mask === null) for (let i = 0; i < n; i++) out[i] = pred(i) ? 1 : 0;
  else for (let i = 0; i < n; i++) out[i] = mask[i] !== 0 && pred(i) ? 1 : 0;
}

export function leafBinder(p: LeafPred): Binder {
  const build = leafBuilder(p);
  const lookup = indexLookup(p);
  return (ctx) => {
    const c = columnOf(ctx, p.col);
    if (c === null) {
      const none = new Uint8Array(ctx.n);
      return { run: (out) => out.fill(0, 0, ctx.n), valid: () => none };
    }
    const index = lookup && ctx.batch.scalarIndex?.(p.col.column);
    const runs = index && lookup(index);
    if (index && runs && selected(runs) <= ctx.n * INDEXED_SHARE) return indexedKernel(ctx, index, runs, c.valid);
    const impl = build(c.col);
    const { pred } = impl;
    const valid = c.valid;
    return {
      run(out, cand) {
        const m = ctx.mask(cand, valid);
        if (impl.fast) impl.fast(out, m, ctx.n);
        else drive(ctx.n, impl.pred!, out, m);
        ctx.release(m, cand, valid);
      },
      valid: () => valid,
      filterRows: pred && ((rows) => rowsWhere(rows, valid === null ? pred : (i) => valid[i] !== 0 && pred(i))),
    };
  };
}

// ---- indexed leaves ----------------------------------------------------------------------

/**
 * Most of a column's rows a scalar index answers for: past this share, writing the selected rows
 * one by one costs more than the scan's tight loop, and the scan answers (identically).
 */
const INDEXED_SHARE = 0.25;

const selected = (runs: readonly Run[]) => runs.reduce((n, [a, b]) => n + b - a, 0);

/**
 * The runs of a scalar index (scalar-index.ts) that hold the rows a leaf passes, when the leaf
 * is of a shape the index serves: a field itself (no JSON path, no array element) compared with
 * a constant of its kind by ==, <, <=, >, >=, a range, `in`, or `like` with a bare prefix
 * pattern. Null otherwise: the leaf scans.
 */
function indexLookup(p: LeafPred): ((index: ScalarIndex) => Run[] | undefined) | null {
  const ref = p.col;
  if (ref.path.length > 0 || !isIndexableType(ref.type)) return null;
  const fits = (l: Lit) => comparableWith(ref.type, litValue(ref, l));
  switch (p.k) {
    case 'cmp': {
      if (!fits(p.v)) return null;
      const v = litValue(ref, p.v);
      return (index) => {
        const run = cmpRun(index, p.op, v);
        return run && [run];
      };
    }
    case 'range':
      if (!fits(p.lo) || !fits(p.hi)) return null;
      return (index) => [rangeRun(index, litValue(ref, p.lo), p.loInclusive, litValue(ref, p.hi), p.hiInclusive)];
    case 'in':
      if (!p.values.every(fits)) return null;
      return (index) => p.values.map((v) => cmpRun(index, '==', litValue(ref, v))!);
    case 'like': {
      const prefix = /^([^%_\\]*)%$/.exec(p.pattern)?.[1];
      if (prefix === undefined || ref.type !== DataType.VarChar) return null;
      return (index) => [prefixRun(index, prefix)];
    }
    default:
      return null;
  }
}

/** A leaf answered from index runs: the selected rows that are candidates pass, nothing else. */
function indexedKernel(ctx: Ctx, index: ScalarIndex, runs: Run[], valid: Uint8Array | null): Kernel {
  let rows: Int32Array | undefined;
  const selectedRows = () => {
    if (rows === undefined) {
      rows = new Int32Array(selected(runs));
      let n = 0;
      for (const [start, end] of runs) for (let j = start; j < end; j++) rows[n++] = index.order[j]!;
      rows.sort();
      // Runs of `in` may overlap (a value listed twice): the sort brings duplicates together.
      if (runs.length > 1) rows = uniqueSorted(rows);
    }
    return rows;
  };
  return {
    selected: selectedRows,
    filterRows: (candidates) => intersectRows(candidates, selectedRows()),
    run(out, cand) {
      // `cand` may be `out`: its rows are kept aside before `out` is cleared.
      const c = cand === out ? ctx.take().fill(0) : cand;
      if (c !== cand && cand) c!.set(cand.subarray(0, ctx.n));
      out.fill(0, 0, ctx.n);
      for (const [start, end] of runs) {
        for (let j = start; j < end; j++) {
          const r = index.order[j] as number;
          if (c === null || c[r] !== 0) out[r] = 1;
        }
      }
      if (c !== cand) ctx.give(c!);
    },
    valid: () => valid,
  };
}

/** An ascending list without its repeated rows (in place). */
function uniqueSorted(rows: Int32Array): Int32Array {
  let n = 0;
  for (let j = 0; j < rows.length; j++) if (j === 0 || rows[j] !== rows[n - 1]) rows[n++] = rows[j]!;
  return rows.subarray(0, n);
}

function leafBuilder(p: LeafPred): (col: Column) => Leaf {
  const ref = p.col;
  switch (p.k) {
    case 'cmp': {
      const fast = fastCompare(ref, p.op, p.v);
      if (fast) return fast;
      const test = valueTest(p.op, litValue(ref, p.v));
      const outOfRangeFalse = ref.type === DataType.Array && ref.path.length > 0;
      return (col) => {
        const get = getter(ref, col);
        // An Array element index past the end matches nothing, not even '!='.
        if (outOfRangeFalse)
          return {
            pred: (i) => {
              const x = get(i);
              return x !== undefined && test(x);
            },
          };
        return { pred: (i) => test(get(i)) };
      };
    }
    case 'range': {
      const lo = valueTest(p.loInclusive ? '>=' : '>', litValue(ref, p.lo));
      const hi = valueTest(p.hiInclusive ? '<=' : '<', litValue(ref, p.hi));
      return (col) => {
        const get = getter(ref, col);
        return {
          pred: (i) => {
            const x = get(i);
            return lo(x) && hi(x);
          },
        };
      };
    }
    case 'in':
      return inBuilder(ref, p.values);
    case 'arith':
      return arithBuilder(p);
    case 'tszArith': {
      const test = valueTest(p.op, litValue(ref, { t: 'int', v: p.v }));
      return (col) => {
        const get = getter(ref, col);
        return {
          pred: (i) => {
            const shifted = shiftByInterval(BigInt(get(i) as number | bigint), p.interval, p.sign);
            return test(Number.isSafeInteger(Number(shifted)) ? Number(shifted) : shifted);
          },
        };
      };
    }
    case 'arrayLength': {
      const test = valueTest(p.op, Number(p.v));
      return (col) => {
        const get = getter(ref, col);
        return {
          pred: (i) => {
            const x = get(i);
            return Array.isArray(x) && test(x.length);
          },
        };
      };
    }
    case 'like': {
      const match = compileLike(p.pattern);
      return (col) => {
        const get = getter(ref, col);
        return {
          pred: (i) => {
            const x = get(i);
            return typeof x === 'string' && match(x);
          },
        };
      };
    }
    case 'exists':
      return (col) => {
        const get = getter(ref, col);
        return {
          pred: (i) => {
            const x = get(i);
            return x !== undefined && !isEmptyJson(x);
          },
        };
      };
    case 'textMatch':
      return textLeaf((texts, n, matched) => markTextMatches(texts, n, p.analyzerParams, p.terms, matched, p.minShouldMatch));
    case 'phraseMatch':
      return textLeaf((texts, n, matched) => markPhraseMatches(texts, n, p.analyzerParams, p.phrase, p.slop, matched));
    case 'spatial': {
      const test = spatialTest(p.op, p.query, p.distance);
      return (col) => ({ fast: (out, mask, n) => markSpatial(col.values as unknown[], n, test, mask, out) });
    }
    case 'isValid':
      return (col) => ({ fast: (out, mask, n) => markSpatial(col.values as unknown[], n, isValidTest, mask, out) });
    case 'contains': {
      const wanted = p.values.map((v) => litValue(ref, v));
      const has = (arr: unknown[], w: unknown) => arr.some((e) => valuesEqual(e, w));
      const test =
        p.mode === 'any' ? (arr: unknown[]) => wanted.some((w) => has(arr, w)) : (arr: unknown[]) => wanted.every((w) => has(arr, w));
      return (col) => {
        const get = getter(ref, col);
        return {
          pred: (i) => {
            const x = get(i);
            return Array.isArray(x) && test(x);
          },
        };
      };
    }
  }
}

/**
 * `x <op> constant` for one row value. Scalars compare in their own type (the checker has
 * made the types agree); JSON values of another type are not comparable (NaN), which makes
 * `!=` true and the rest false. Arrays compare by deep equality.
 */
/**
 * A leaf over a text column whose matches `mark` sets in a fresh array (`mask` may be `out`
 * itself, so the matches are marked apart first).
 */
function textLeaf(mark: (texts: string[], n: number, matched: Uint8Array) => void): (col: Column) => Leaf {
  return (col) => ({
    fast(out, mask, n) {
      const matched = new Uint8Array(n);
      mark(col.values as string[], n, matched);
      for (let i = 0; i < n; i++) out[i] = (mask === null || mask[i] !== 0) && matched[i] !== 0 ? 1 : 0;
    },
  });
}

function valueTest(op: CmpOp, lit: unknown): (x: unknown) => boolean {
  if (Array.isArray(lit)) {
    return op === '==' ? (x) => valuesEqual(x, lit) : (x) => !valuesEqual(x, lit);
  }
  if (op === '==') {
    if (typeof lit === 'string' || typeof lit === 'boolean') return (x) => x === lit;
    if (typeof lit === 'number') return (x) => x === lit || (typeof x === 'bigint' && compareNumbers(x, lit) === 0);
  }
  if (op === '!=') {
    if (typeof lit === 'string' || typeof lit === 'boolean') return (x) => x !== lit;
  }
  if (typeof lit === 'string') return (x) => typeof x === 'string' && testCmp(op, compareStrings(x, lit));
  return (x) => testCmp(op, compareValues(x, lit));
}

/** Result table for fast comparisons, indexed by less / equal / greater / unordered (NaN). */
function cmpTable(op: CmpOp): Uint8Array {
  return new Uint8Array([testCmp(op, -1), testCmp(op, 0), testCmp(op, 1), testCmp(op, NaN)].map(Number));
}

const NUMERIC_TYPED = new Set([DataType.Bool, DataType.Int8, DataType.Int16, DataType.Int32, DataType.Float, DataType.Double]);

/** Tight loops for `field <op> constant` on typed-array columns (no JSON, no Array). */
function fastCompare(ref: ColRef, op: CmpOp, v: Lit): ((col: Column) => Leaf) | null {
  if (ref.path.length > 0) return null;
  const table = cmpTable(op);
  if (isInt64Column(ref.type) && v.t === 'int') {
    const ch = Number(BigInt.asIntN(32, v.v >> 32n));
    const cl = Number(BigInt.asUintN(32, v.v));
    return (col) => {
      const w = int32View(col.values as BigInt64Array);
      return {
        fast: (out, mask, n) => int64CompareLoop(w, ch, cl, table, out, mask, n),
        pred: (i) => table[int64Order(w[2 * i + HI]!, w[2 * i + LO]! >>> 0, ch, cl)] === 1,
      };
    };
  }
  if (!NUMERIC_TYPED.has(ref.type)) return null;
  let c: number;
  if (v.t === 'bool') c = v.v ? 1 : 0;
  else if (v.t === 'int')
    c = Number(v.v < -(2n ** 53n) ? -(2n ** 53n) : v.v > 2n ** 53n ? 2n ** 53n : v.v); // int32 columns: clamping keeps every comparison exact
  else if (v.t === 'float') c = ref.type === DataType.Float ? Math.fround(v.v) : v.v;
  else return null;
  return (col) => {
    const vals = col.values as Int32Array | Float32Array | Float64Array | Uint8Array;
    return {
      fast: (out, mask, n) => numberCompareLoop(vals, c, table, out, mask, n),
      pred: (i) => table[numberOrder(vals[i]!, c)] === 1,
    };
  };
}

/** Where x falls against c, as a slot of a comparison table: less, equal, greater, unordered (NaN). */
const numberOrder = (x: number, c: number) => (x < c ? 0 : x > c ? 2 : x === c ? 1 : 3);

/** Where the Int64 (h, l) falls against (ch, cl), as a slot of a comparison table. */
const int64Order = (h: number, l: number, ch: number, cl: number) => (h < ch ? 0 : h > ch ? 2 : l < cl ? 0 : l > cl ? 2 : 1);

/** The hot loop of `numeric field <op> constant`; NaN values use the table's "unordered" slot. */
function numberCompareLoop(
  vals: Int32Array | Float32Array | Float64Array | Uint8Array,
  c: number,
  table: Uint8Array,
  out: Uint8Array,
  mask: Uint8Array | null,
  n: number,
): void {
  for (let i = 0; i < n; i++) {
    const r = table[numberOrder(vals[i]!, c)]!;
    out[i] = mask === null || mask[i] !== 0 ? r : 0;
  }
}

/**
 * The hot loop of `int64 field <op> constant`: compares the (high, low) words of each
 * value with the constant's. A plain function of its arguments, which V8 compiles to a
 * much tighter loop than a closure over the same values.
 */
function int64CompareLoop(
  w: Int32Array,
  ch: number,
  cl: number,
  table: Uint8Array,
  out: Uint8Array,
  mask: Uint8Array | null,
  n: number,
): void {
  const lt = table[0]!;
  const eq = table[1]!;
  const gt = table[2]!;
  for (let i = 0, j = 0; i < n; i++, j += 2) {
    const h = w[j + HI]!;
    const l = w[j + LO]! >>> 0;
    const r = h < ch ? lt : h > ch ? gt : l < cl ? lt : l > cl ? gt : eq;
    out[i] = mask === null || mask[i] !== 0 ? r : 0;
  }
}

/** The hot loop of `int64 field in [...]`: a Set<number> probe, bigints only beyond 2^53. */
function int64InLoop(w: Int32Array, small: Set<number>, big: Set<bigint>, out: Uint8Array, mask: Uint8Array | null, n: number): void {
  for (let i = 0, j = 0; i < n; i++, j += 2) {
    if (mask !== null && mask[i] === 0) {
      out[i] = 0;
      continue;
    }
    out[i] = int64In(w, j, small, big) ? 1 : 0;
  }
}

/** Whether the Int64 at word `j` of `w` is one of the values (numbers up to 2^53, bigints beyond). */
function int64In(w: Int32Array, j: number, small: Set<number>, big: Set<bigint>): boolean {
  const h = w[j + HI]!;
  const l = w[j + LO]! >>> 0;
  if (h >= -SAFE_HI && h < SAFE_HI) return small.has(h * 4294967296 + l);
  return big.size > 0 && big.has(BigInt.asIntN(64, (BigInt(h) << 32n) | BigInt(l)));
}

function inBuilder(ref: ColRef, values: Lit[]): (col: Column) => Leaf {
  const lits = values.map((v) => litValue(ref, v));
  if (ref.path.length === 0 && isInt64Column(ref.type)) {
    const small = new Set<number>();
    const big = new Set<bigint>();
    for (const l of lits) {
      if (typeof l === 'number') small.add(l);
      else big.add(l as bigint);
    }
    return (col) => {
      const w = int32View(col.values as BigInt64Array);
      return { fast: (out, mask, n) => int64InLoop(w, small, big, out, mask, n), pred: (i) => int64In(w, 2 * i, small, big) };
    };
  }
  // Scalars of one type: a Set lookup (numbers by value, so 1 and 1.0 meet).
  const scalars = new Set<unknown>();
  const others: unknown[] = [];
  for (const l of lits) {
    if (typeof l === 'number' || typeof l === 'string' || typeof l === 'boolean') scalars.add(l);
    else others.push(l);
  }
  const isBool = valueType(ref) === DataType.Bool;
  return (col) => {
    if (ref.path.length === 0 && isBool) {
      const v = col.values as Uint8Array;
      return { pred: (i) => scalars.has(v[i] !== 0) };
    }
    if (ref.path.length === 0 && ref.type !== DataType.JSON && ref.type !== DataType.Array && !isInt64Column(ref.type)) {
      const v = col.values as ArrayLike<unknown>;
      return { pred: (i) => scalars.has(v[i]) };
    }
    const get = getter(ref, col);
    return {
      pred(i) {
        const x = get(i);
        if (x === undefined) return false;
        if (scalars.has(x)) return true;
        // Arrays, bigints and numbers beyond 2^53 need a by-value comparison.
        if (others.length === 0 && typeof x !== 'bigint') return false;
        return lits.some((l) => valuesEqual(x, l));
      },
    };
  };
}

/**
 * `field <arith> c1 <op> c2`. Integer fields compute in Int64 (wrapping, truncating
 * division, remainder with the dividend's sign) through bigint: exact, if slower. JSON
 * values use integer arithmetic when the value and the constant are both integers,
 * floating point otherwise; a missing or non-numeric JSON value matches nothing.
 */
function arithBuilder(p: Pred & { k: 'arith' }): (col: Column) => Leaf {
  const intResult = p.operand.t === 'int';
  const opInt = p.operand.t === 'int' ? p.operand.v : 0n;
  const opNum = Number(p.operand.v);
  const vInt = p.v.t === 'int' ? p.v.v : 0n;
  const vNum = Number(p.v.v);
  const applyInt = (x: bigint): bigint => {
    switch (p.arith) {
      case '+':
        return BigInt.asIntN(64, x + opInt);
      case '-':
        return BigInt.asIntN(64, x - opInt);
      case '*':
        return BigInt.asIntN(64, x * opInt);
      case '/':
        return BigInt.asIntN(64, x / opInt);
      case '%':
        return x % opInt;
    }
  };
  const applyNum = (x: number): number => {
    switch (p.arith) {
      case '+':
        return x + opNum;
      case '-':
        return x - opNum;
      case '*':
        return x * opNum;
      case '/':
        return x / opNum;
      case '%':
        return x % opNum;
    }
  };
  // Integer results are compared with an integer constant (the checker guarantees it).
  const test = (x: unknown): boolean => {
    if (intResult && (typeof x === 'bigint' || (typeof x === 'number' && Number.isInteger(x)))) {
      return testCmp(p.op, compareNumbers(applyInt(BigInt(x)), vInt));
    }
    if (typeof x !== 'number') return false;
    return testCmp(p.op, compareNumbers(applyNum(x), vNum));
  };
  return (col) => {
    const get = getter(p.col, col);
    return { pred: (i) => test(get(i)) };
  };
}

// ---- nulls and column pairs -------------------------------------------------------------

export function nullBinder(ref: ColRef, wantNull: boolean): Binder {
  return (ctx) => {
    const c = columnOf(ctx, ref);
    const valid = c === null ? new Uint8Array(ctx.n) : c.valid;
    const passes = (i: number) => (valid !== null && valid[i] === 0) === wantNull;
    return {
      run(out, cand) {
        for (let i = 0; i < ctx.n; i++) out[i] = (cand === null || cand[i] !== 0) && passes(i) ? 1 : 0;
      },
      valid: () => null,
      filterRows: (rows) => rowsWhere(rows, passes),
    };
  };
}

export function cmpColsBinder(a: ColRef, b: ColRef, op: CmpOp): Binder {
  return (ctx) => {
    const ca = columnOf(ctx, a);
    const cb = columnOf(ctx, b);
    if (ca === null || cb === null) {
      const none = new Uint8Array(ctx.n);
      return { run: (out) => out.fill(0, 0, ctx.n), valid: () => none };
    }
    let valid: Uint8Array | null = ca.valid ?? cb.valid;
    if (ca.valid && cb.valid) {
      valid = new Uint8Array(ctx.n);
      for (let i = 0; i < ctx.n; i++) valid[i] = ca.valid[i]! & cb.valid[i]!;
    }
    const ga = getter(a, ca.col);
    const gb = getter(b, cb.col);
    const pred = (i: number) => testCmp(op, compareValues(ga(i), gb(i)));
    return {
      run(out, cand) {
        const m = ctx.mask(cand, valid);
        drive(ctx.n, pred, out, m);
        ctx.release(m, cand, valid);
      },
      valid: () => valid,
      filterRows: (rows) => rowsWhere(rows, (i) => (valid === null || valid[i] !== 0) && pred(i)),
    };
  };
}

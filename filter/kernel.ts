import type { ColumnBatch } from '../core/columns.js';

/**
 * Evaluation works a column at a time over byte masks. A kernel writes, for every row
 * i < n, out[i] = 1 when the row is a candidate and matches, else 0. `cand` (null = all
 * rows) may be the same array as `out`: kernels read cand[i] before writing out[i], and
 * composite kernels copy it first when they need it afterwards. And-chains therefore
 * evaluate later clauses only on rows that passed the earlier ones.
 *
 * Nulls follow segcore: every leaf also has a validity bitmap (0 for null rows, whose
 * result is 0); `and`/`or` rows are valid when any input is; `not` flips only valid rows.
 */
export interface Kernel {
  run(out: Uint8Array, cand: Uint8Array | null): void;
  /** Validity per row, or null when every row is valid. */
  valid(): Uint8Array | null;
  /**
   * When a scalar index answers the kernel: the rows it passes, ascending, found without a
   * scan. A conjunction holding such kernels evaluates its other clauses on those rows only.
   */
  selected?(): Int32Array;
  /**
   * The rows of `rows` (ascending) that match, ascending, at a cost proportional to
   * `rows.length`; kernels without it are evaluated over a mask of the rows (`filterRows`).
   */
  filterRows?(rows: Int32Array): Int32Array;
}

/** Per-evaluation state: the batch, and a pool of scratch masks. */
export class Ctx {
  private readonly free: Uint8Array[] = [];

  constructor(
    readonly batch: ColumnBatch,
    readonly n: number,
  ) {}

  take(): Uint8Array {
    return this.free.pop() ?? new Uint8Array(this.n);
  }

  give(b: Uint8Array): void {
    this.free.push(b);
  }

  /** cand AND valid as one mask (null when neither restricts). */
  mask(cand: Uint8Array | null, valid: Uint8Array | null): Uint8Array | null {
    if (valid === null) return cand;
    if (cand === null) return valid;
    const m = this.take();
    for (let i = 0; i < this.n; i++) m[i] = cand[i] !== 0 && valid[i] !== 0 ? 1 : 0;
    return m;
  }

  release(m: Uint8Array | null, cand: Uint8Array | null, valid: Uint8Array | null): void {
    if (m !== null && m !== cand && m !== valid) this.give(m);
  }
}

/** A predicate compiled once per request, bound to each batch it is evaluated over. */
export type Binder = (ctx: Ctx) => Kernel;

/** The rows of `rows` that `k` passes: by its own `filterRows`, else by a run over a mask of them. */
export function filterRows(ctx: Ctx, k: Kernel, rows: Int32Array): Int32Array {
  if (k.filterRows) return k.filterRows(rows);
  const mask = ctx.take().fill(0);
  for (const r of rows) mask[r] = 1;
  k.run(mask, mask);
  const out = rows.filter((r) => mask[r] !== 0);
  ctx.give(mask);
  return out;
}

/** The rows of `rows` for which `test` holds. */
export function rowsWhere(rows: Int32Array, test: (i: number) => boolean): Int32Array {
  const out = new Int32Array(rows.length);
  let n = 0;
  for (const r of rows) if (test(r)) out[n++] = r;
  return out.subarray(0, n);
}

/** The rows in both ascending lists. */
export function intersectRows(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(Math.min(a.length, b.length));
  let n = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      out[n++] = a[i]!;
      i++;
      j++;
    }
  }
  return out.subarray(0, n);
}

/** The rows in either ascending list, ascending. */
export function unionRows(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let n = 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j === b.length || (i < a.length && a[i]! < b[j]!)) out[n++] = a[i++]!;
    else if (i === a.length || b[j]! < a[i]!) out[n++] = b[j++]!;
    else {
      out[n++] = a[i++]!;
      j++;
    }
  }
  return out.subarray(0, n);
}

/** Writes a row list as the result mask: 1 for the rows, 0 elsewhere. */
export function writeRows(out: Uint8Array, n: number, rows: Int32Array): void {
  out.fill(0, 0, n);
  for (const r of rows) out[r] = 1;
}

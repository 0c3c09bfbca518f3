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

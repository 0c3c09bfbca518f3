/**
 * Per-segment search planning: exact scan of the allowed rows, or the HNSW graph with
 * over-fetch. Both run on the same data; the plan only decides which is cheaper for an
 * answer of the required quality. See docs/engine.md for the measurements behind the
 * constants.
 */

/** Defaults chosen so that a search without params reaches recall@10 >= 0.95 (docs/engine.md). */
export const HNSW_DEFAULTS = { M: 24, efConstruction: 200, ef: 64 } as const;

/**
 * Exact-scan rows that cost as much as one unit of beam width in a graph of degree M, per
 * unit of M: each unit of beam scores up to 2M neighbours in the bottom layer. Measured at
 * 100k x 128, M = 16: ~0.25-0.3 us per scanned row, ~0.8-1.6 us per unit of beam, crossing
 * over at 3-5 allowed rows per unit of beam, i.e. ~0.25 per unit of M. Both costs grow with
 * dim, so the ratio holds across dimensions to first order.
 */
const EXACT_ROWS_PER_BEAM_STEP_PER_M = 0.25;

/** Growth of the over-fetch when a pass returned fewer than k allowed hits. */
export const FETCH_GROWTH = 4;

/** Multiply-adds below which a scan runs on the calling thread (a worker hop costs more). */
export const INLINE_WORK = 1 << 17;

/**
 * Estimated multiply-adds one worker job may take: a search is sent to the workers in slices
 * of queries of about this much work (at least one query each), ~20-40 ms of one core at the
 * 0.45-1 G multiply-adds/s an exact scan runs at, so that a cancelled search sends no more and
 * the search that comes next in a worker's queue of searches in turns waits about one slice.
 */
export const SLICE_WORK = 1 << 24;

/**
 * Estimated multiply-adds a worker computes of one search before its event loop turns (about a
 * millisecond): a search within it runs as soon as it reaches the worker; a longer one runs in
 * turns of whole queries of about this much, and the requests that reach the worker meanwhile
 * run between them (engine-worker.ts). A small search waits about one turn, whatever runs.
 */
export const TURN_WORK = 1 << 20;

/**
 * Beam width (nq * max(ef, k)) up to which an unfiltered graph search runs on the calling
 * thread: at 128-d such a search takes ~70-150 us, less than the ~40 us worker hop plus the
 * worker's wake-up, and short enough not to delay health checks or small calls noticeably.
 */
export const INLINE_BEAM = 128;

/**
 * Beam width (and hits fetched) for a graph search where `allowed` of `rows` pass. A filter
 * passing a fraction s of the rows needs the unfiltered top max(ef, k) / s to contain the
 * allowed top k with the unfiltered recall, so the beam scales by 1/s.
 */
export function overFetch(rows: number, allowed: number, k: number, ef: number): number {
  return Math.min(rows, Math.ceil((Math.max(ef, k) * rows) / allowed));
}

/** True when scanning the allowed rows is cheaper than a search of this beam width in a graph of degree M. */
export function exactIsCheaper(allowed: number, beam: number, rows: number, M: number): boolean {
  return beam >= rows || allowed <= beam * M * EXACT_ROWS_PER_BEAM_STEP_PER_M;
}

/** The first plan for a segment: scan exactly, or search the graph with this beam. */
export function planSearch(rows: number, allowed: number, k: number, ef: number, M: number): { exact: boolean; beam: number } {
  const beam = overFetch(rows, allowed, k, ef);
  return { exact: exactIsCheaper(allowed, beam, rows, M), beam };
}

/**
 * Estimated multiply-adds of one query under `plan` at dimension `dim`: a scan of the allowed
 * rows, or a beam through a graph of degree M, each unit of which costs about as much as
 * EXACT_ROWS_PER_BEAM_STEP_PER_M * M scanned rows.
 */
export function queryWork(plan: { exact: boolean; beam: number }, allowed: number, M: number, dim: number): number {
  return (plan.exact ? allowed : plan.beam * M * EXACT_ROWS_PER_BEAM_STEP_PER_M) * dim;
}

/**
 * The sparse inverted index (Milvus's SPARSE_INVERTED_INDEX and SPARSE_WAND): per dimension, the
 * rows that have it and their weights (a posting list, rows ascending) and the largest weight;
 * a search (IP) walks the query's lists document at a time with WAND pruning: a row is only
 * scored when the sum of its lists' upper bounds (query weight x largest weight) could beat the
 * k-th best score so far. Weights are never negative (the insert path refuses them), so the
 * bounds hold and the answer is the exact top k by construction.
 *
 * Milvus's approximations are honoured as knowhere has them: `drop_ratio_build` leaves the
 * smallest values of the segment (that share of all its values) out of the lists, and
 * `drop_ratio_search` the smallest of the query's. With either, more candidates than k are taken
 * from the lists and every reported score is re-scored from the full rows, so scores are exact
 * for the rows returned, as every index's are here.
 *
 * Every array is in shared memory: a search posts the lists to any worker without a copy.
 */
import { blockScorer, type ExactData } from './block-scorer.js';
import { stopIfCancelled, type CancelFlag } from './cancel.js';
import type { VectorSearchResult } from './engine.js';
import { rescore, TopK } from './flat.js';
import { rowCount, sliceRows, type SparseVectors, type VectorSet } from './vectors.js';

export interface SparseLists {
  /** The dimensions that have a list, ascending. */
  dims: Uint32Array;
  /** List i (of dims[i]) is entries offsets[i] .. offsets[i + 1]. */
  offsets: Int32Array;
  rows: Int32Array;
  weights: Float32Array;
  /** The largest weight of each list. */
  maxWeights: Float32Array;
  /** The share of the segment's smallest values left out of the lists. */
  dropRatioBuild: number;
}

/** Candidates taken from the lists per hit wanted when values were dropped, re-scored from the full rows. */
const DROPPED_REFINE = 10;

const sharedOf = <T extends Int32Array | Uint32Array | Float32Array>(make: new (b: SharedArrayBuffer) => T, n: number, bytes = 4): T =>
  new make(new SharedArrayBuffer(Math.max(1, n) * bytes)).subarray(0, n) as T;

/**
 * The value below which a share `ratio` of `values` lies (the smallest kept value): values
 * smaller than it are dropped. 0 keeps every value.
 */
function dropThreshold(values: Float32Array, ratio: number): number {
  if (ratio <= 0 || values.length === 0) return 0;
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(ratio * sorted.length))] as number;
}

/** Builds the lists of a segment's sparse rows. */
export function buildSparseLists(set: SparseVectors, dropRatioBuild: number): SparseLists {
  const threshold = dropThreshold(set.weights, dropRatioBuild);
  const n = rowCount(set);
  const counts = new Map<number, number>();
  for (let e = 0; e < set.ids.length; e++) {
    if ((set.weights[e] as number) < threshold) continue;
    const d = set.ids[e] as number;
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  const dims = sharedOf(Uint32Array, counts.size);
  dims.set([...counts.keys()].sort((a, b) => a - b));
  const offsets = sharedOf(Int32Array, dims.length + 1);
  const slot = new Map<number, number>();
  for (const [i, d] of dims.entries()) {
    offsets[i + 1] = (offsets[i] as number) + counts.get(d)!;
    slot.set(d, offsets[i] as number);
  }
  const total = offsets[dims.length] as number;
  const rows = sharedOf(Int32Array, total);
  const weights = sharedOf(Float32Array, total);
  const maxWeights = sharedOf(Float32Array, dims.length);
  // Rows in ascending order: each list fills ascending.
  for (let r = 0; r < n; r++) {
    for (let e = set.offsets[r] as number; e < (set.offsets[r + 1] as number); e++) {
      const w = set.weights[e] as number;
      if (w < threshold) continue;
      const at = slot.get(set.ids[e] as number)!;
      slot.set(set.ids[e] as number, at + 1);
      rows[at] = r;
      weights[at] = w;
    }
  }
  for (let i = 0; i < dims.length; i++) {
    let m = 0;
    for (let j = offsets[i] as number; j < (offsets[i + 1] as number); j++) m = Math.max(m, weights[j] as number);
    maxWeights[i] = m;
  }
  return { dims, offsets, rows, weights, maxWeights, dropRatioBuild };
}

/** The list of dimension d, by binary search; -1 when no row has it. */
function listOf(lists: SparseLists, d: number): number {
  let lo = 0;
  let hi = lists.dims.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = lists.dims[mid] as number;
    if (x === d) return mid;
    if (x < d) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** A query term's walk along its list. */
interface Cursor {
  at: number;
  end: number;
  weight: number;
  bound: number;
}

const NO_ROW = 0x7fffffff;

/** The first entry at or after `at` in [at, end) whose row is >= row (galloping, then binary search). */
function seek(rows: Int32Array, at: number, end: number, row: number): number {
  let step = 1;
  let hi = at;
  while (hi < end && (rows[hi] as number) < row) {
    at = hi + 1;
    hi += step;
    step *= 2;
  }
  hi = Math.min(hi, end);
  while (at < hi) {
    const mid = (at + hi) >> 1;
    if ((rows[mid] as number) < row) at = mid + 1;
    else hi = mid;
  }
  return at;
}

/** The best `want` rows for one query by WAND over the lists, as (badness = -IP, row). */
function wand(lists: SparseLists, query: SparseVectors, want: number, dropRatioSearch: number, allowed?: Uint8Array): Int32Array {
  const qStart = query.offsets[0] as number;
  const qEnd = query.offsets[1] as number;
  const qWeights = query.weights.subarray(qStart, qEnd);
  const threshold = dropThreshold(qWeights, dropRatioSearch);
  const cursors: Cursor[] = [];
  for (let e = qStart; e < qEnd; e++) {
    const weight = query.weights[e] as number;
    if (weight < threshold || weight <= 0) continue;
    const l = listOf(lists, query.ids[e] as number);
    if (l < 0) continue;
    cursors.push({
      at: lists.offsets[l] as number,
      end: lists.offsets[l + 1] as number,
      weight,
      bound: weight * (lists.maxWeights[l] as number),
    });
  }
  const { rows, weights } = lists;
  const rowAt = (c: Cursor) => (c.at < c.end ? (rows[c.at] as number) : NO_ROW);
  const heap = new TopK(want);
  for (;;) {
    cursors.sort((a, b) => rowAt(a) - rowAt(b));
    // The pivot: the first cursor at which the bounds so far could beat the k-th best score.
    const bar = heap.size < want ? 0 : -heap.worst();
    let sum = 0;
    let p = -1;
    for (let i = 0; i < cursors.length && rowAt(cursors[i]!) !== NO_ROW; i++) {
      sum += cursors[i]!.bound;
      if (sum > bar) {
        p = i;
        break;
      }
    }
    if (p < 0) break;
    const pivot = rowAt(cursors[p]!);
    if (rowAt(cursors[0]!) === pivot) {
      let score = 0;
      for (const c of cursors) {
        if (rowAt(c) !== pivot) break;
        score += c.weight * (weights[c.at] as number);
        c.at++;
      }
      if (score > 0 && allowed?.[pivot] !== 0) heap.push(-score, pivot);
    } else {
      // The rows before the pivot cannot beat the bar: the cursors before it skip to it.
      for (let i = 0; i < p; i++) cursors[i]!.at = seek(rows, cursors[i]!.at, cursors[i]!.end, pivot);
    }
  }
  return heap.drain('L2').offsets;
}

/**
 * The top k of every query: candidates from the lists (k of them, or DROPPED_REFINE * k when
 * values were dropped), re-scored from the full rows; a row sharing no index with the query is
 * no hit.
 */
export function sparseSearch(
  data: ExactData,
  lists: SparseLists,
  queries: VectorSet,
  nq: number,
  k: number,
  dropRatioSearch: number,
  allowed?: Uint8Array,
  cancel?: CancelFlag,
): VectorSearchResult {
  const dropped = lists.dropRatioBuild > 0 || dropRatioSearch > 0;
  const result: VectorSearchResult = { offsets: [], scores: [] };
  for (let q = 0; q < nq; q++) {
    stopIfCancelled(cancel);
    const query = sliceRows(queries, q, q + 1) as SparseVectors;
    const candidates = wand(lists, query, dropped ? DROPPED_REFINE * k : k, dropRatioSearch, allowed);
    const exact = rescore(blockScorer(data, query, 1), data.metric, 0, candidates);
    let n = Math.min(k, exact.offsets.length);
    while (n > 0 && !((exact.scores[n - 1] as number) > 0)) n--;
    result.offsets.push(exact.offsets.subarray(0, n));
    result.scores.push(exact.scores.subarray(0, n));
  }
  return result;
}

/** The lists' arrays end to end, as `save` writes them (and `sparseListsFromBytes` reads them back). */
export function sparseListParts(lists: SparseLists): ArrayBufferView[] {
  return [lists.dims, lists.offsets, lists.rows, lists.weights, lists.maxWeights];
}

/** Lists read back from their file's bytes, into shared memory. */
export function sparseListsFromBytes(
  bytes: Uint8Array,
  shape: { dims: number; entries: number; rows: number; dropRatioBuild: number },
): SparseLists {
  const { dims, entries, rows } = shape;
  const sizes = [dims, dims + 1, entries, entries, dims].map((n) => n * 4);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (bytes.length !== total) throw new Error(`sparse list file holds ${bytes.length} bytes, expected ${total}`);
  const buffer = new SharedArrayBuffer(Math.max(1, total));
  new Uint8Array(buffer).set(bytes);
  const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const lists: SparseLists = {
    dims: new Uint32Array(buffer, starts[0], dims),
    offsets: new Int32Array(buffer, starts[1], dims + 1),
    rows: new Int32Array(buffer, starts[2], entries),
    weights: new Float32Array(buffer, starts[3], entries),
    maxWeights: new Float32Array(buffer, starts[4], dims),
    dropRatioBuild: shape.dropRatioBuild,
  };
  if (lists.offsets[0] !== 0 || lists.offsets[dims] !== entries) throw new Error('sparse list file lists do not cover the entries');
  for (const r of lists.rows) if (r < 0 || r >= rows) throw new Error(`sparse list file names row ${r} of ${rows}`);
  return lists;
}

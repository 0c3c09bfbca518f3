/**
 * Exact (brute-force) search with Milvus scores: L2 is the squared distance, ascending;
 * IP and COSINE are similarities, descending; COSINE divides by both norms. This is the
 * FLAT index, the search over growing segments, the exact scan of small allowed sets
 * behind HNSW, and the rescoring of HNSW hits, so every path reports identical scores.
 *
 * Sums run in double precision (float32 products are exact in a double), with four
 * partial sums to break the add dependency chain; the result differs from a one-sum loop
 * only far below float32 resolution. Ties go to the lower offset.
 *
 * Typed-array reads here are `as number`: every index lies inside bounds fixed before its loop
 * (d < dim, rows of the segment, entries of the heap), so a read cannot miss, and a check per
 * element in these loops would only be cost.
 */
import { stopIfCancelled, type CancelFlag } from './cancel.js';
import type { MetricType, VectorSearchResult } from './engine.js';

/** Raw vectors of a segment, with what exact scoring needs beside them. */
export interface ExactData {
  vectors: Float32Array;
  dim: number;
  metric: MetricType;
  /** COSINE only: the Euclidean norm of every row (see `rowNorms`). */
  norms?: Float64Array;
}

/** Rows scanned per block: a block (256 * 128 floats = 128 KiB) stays in cache across queries. */
const BLOCK_ROWS = 256;

/** The Euclidean norm of each of the first out.length rows, into `out`. */
export function rowNorms(vectors: Float32Array, dim: number, out: Float64Array): Float64Array {
  const rows = out.length;
  for (let r = 0; r < rows; r++) out[r] = Math.sqrt(dot(vectors, r * dim, vectors, r * dim, dim));
  return out;
}

function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    s0 += (a[ao + d] as number) * (b[bo + d] as number);
    s1 += (a[ao + d + 1] as number) * (b[bo + d + 1] as number);
    s2 += (a[ao + d + 2] as number) * (b[bo + d + 2] as number);
    s3 += (a[ao + d + 3] as number) * (b[bo + d + 3] as number);
  }
  for (; d < dim; d++) s0 += (a[ao + d] as number) * (b[bo + d] as number);
  return s0 + s1 + (s2 + s3);
}

function l2(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    const e0 = (a[ao + d] as number) - (b[bo + d] as number);
    const e1 = (a[ao + d + 1] as number) - (b[bo + d + 1] as number);
    const e2 = (a[ao + d + 2] as number) - (b[bo + d + 2] as number);
    const e3 = (a[ao + d + 3] as number) - (b[bo + d + 3] as number);
    s0 += e0 * e0;
    s1 += e1 * e1;
    s2 += e2 * e2;
    s3 += e3 * e3;
  }
  for (; d < dim; d++) {
    const e = (a[ao + d] as number) - (b[bo + d] as number);
    s0 += e * e;
  }
  return s0 + s1 + (s2 + s3);
}

/**
 * The k best (offset, score) pairs seen so far. A binary heap whose root is the worst kept
 * entry, so a candidate that cannot enter costs one comparison. Scores are stored as
 * "badness" (L2 distance, or minus the similarity) so one ordering serves every metric.
 */
export class TopK {
  private readonly bad: Float64Array;
  private readonly ids: Int32Array;
  size = 0;

  constructor(readonly k: number) {
    this.bad = new Float64Array(k);
    this.ids = new Int32Array(k);
  }

  push(bad: number, id: number): void {
    const { k } = this;
    if (this.size < k) {
      this.siftUp(this.size++, bad, id);
    } else if (this.worse(0, bad, id)) {
      this.siftDown(bad, id);
    }
  }

  /** Sorted best first; scores converted back to the metric's sign. */
  drain(metric: MetricType): { offsets: Int32Array; scores: Float32Array } {
    const n = this.size;
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (x, y) => (this.bad[x] as number) - (this.bad[y] as number) || (this.ids[x] as number) - (this.ids[y] as number),
    );
    const offsets = new Int32Array(n);
    const scores = new Float32Array(n);
    const sign = metric === 'L2' ? 1 : -1;
    for (const [i, entry] of order.entries()) {
      offsets[i] = this.ids[entry] as number;
      scores[i] = sign * (this.bad[entry] as number);
    }
    this.size = 0;
    return { offsets, scores };
  }

  /** Whether entry i is worse than (bad, id). */
  private worse(i: number, bad: number, id: number): boolean {
    const b = this.bad[i] as number;
    return b > bad || (b === bad && (this.ids[i] as number) > id);
  }

  private move(from: number, to: number): void {
    this.bad[to] = this.bad[from] as number;
    this.ids[to] = this.ids[from] as number;
  }

  private siftUp(i: number, bad: number, id: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.worse(p, bad, id)) break;
      this.move(p, i);
      i = p;
    }
    this.bad[i] = bad;
    this.ids[i] = id;
  }

  private siftDown(bad: number, id: number): void {
    const n = this.size;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.worse(c + 1, this.bad[c] as number, this.ids[c] as number)) c++;
      if (!this.worse(c, bad, id)) break;
      this.move(c, i);
      i = c;
    }
    this.bad[i] = bad;
    this.ids[i] = id;
  }
}

/**
 * Badness (see TopK) of rows[start..end) (or of rows start..end when `rows` is undefined)
 * for the query at qo, into out[0..]. One loop per metric and addressing mode, so nothing
 * is re-tested per row.
 */
function scoreBlock(
  data: ExactData,
  query: Float32Array,
  qo: number,
  qNorm: number,
  rows: Int32Array | undefined,
  start: number,
  end: number,
  out: Float64Array,
): void {
  const { vectors, dim, metric, norms } = data;
  const n = end - start;
  if (metric === 'L2') {
    if (rows) for (let i = 0; i < n; i++) out[i] = l2(query, qo, vectors, (rows[start + i] as number) * dim, dim);
    else for (let i = 0; i < n; i++) out[i] = l2(query, qo, vectors, (start + i) * dim, dim);
  } else if (metric === 'IP') {
    if (rows) for (let i = 0; i < n; i++) out[i] = -dot(query, qo, vectors, (rows[start + i] as number) * dim, dim);
    else for (let i = 0; i < n; i++) out[i] = -dot(query, qo, vectors, (start + i) * dim, dim);
  } else {
    for (let i = 0; i < n; i++) {
      const r = rows ? (rows[start + i] as number) : start + i;
      const denom = qNorm * (norms![r] as number);
      out[i] = denom === 0 ? -0 : -(dot(query, qo, vectors, r * dim, dim) / denom);
    }
  }
}

/**
 * Exact scores of the given rows for query q, best first: HNSW hits are re-scored here so
 * that every index reports the same score for the same row. The rows arrive in the graph's
 * order, which is the exact order up to float32 rounding, so an insertion sort does about
 * one comparison per row.
 */
export function rescore(
  data: ExactData,
  queries: Float32Array,
  q: number,
  qNorm: number,
  rows: Int32Array,
): { offsets: Int32Array; scores: Float32Array } {
  const n = rows.length;
  const bad = new Float64Array(n);
  scoreBlock(data, queries, q * data.dim, qNorm, rows, 0, n, bad);
  const offsets = Int32Array.from(rows);
  for (let i = 1; i < n; i++) {
    const b = bad[i] as number;
    const o = offsets[i] as number;
    let j = i - 1;
    for (; j >= 0 && ((bad[j] as number) > b || (bad[j] === b && (offsets[j] as number) > o)); j--) {
      bad[j + 1] = bad[j] as number;
      offsets[j + 1] = offsets[j] as number;
    }
    bad[j + 1] = b;
    offsets[j + 1] = o;
  }
  const sign = data.metric === 'L2' ? 1 : -1;
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) scores[i] = sign * (bad[i] as number);
  return { offsets, scores };
}

/** Norm of each query, for COSINE. */
export function queryNorms(queries: Float32Array, nq: number, dim: number): Float64Array {
  return rowNorms(queries, dim, new Float64Array(nq));
}

/**
 * Offsets of the allowed rows, ascending. Reads the bitset four bytes at a time where it
 * is aligned, so a sparse filter costs little more than its length / 4 word tests.
 */
export function allowedRows(allowed: Uint8Array, count: number): Int32Array {
  const out = new Int32Array(count);
  let j = 0;
  let r = 0;
  if (allowed.byteOffset % 4 === 0) {
    const words = new Uint32Array(allowed.buffer, allowed.byteOffset, allowed.length >> 2);
    for (let w = 0; w < words.length && j < count; w++) {
      if (words[w] === 0) continue;
      for (let b = w * 4; b < w * 4 + 4; b++) if (allowed[b] !== 0) out[j++] = b;
    }
    r = words.length * 4;
  }
  for (; r < allowed.length && j < count; r++) if (allowed[r] !== 0) out[j++] = r;
  return j === count ? out : out.subarray(0, j);
}

/**
 * The exact top k of every query over `rows` (offsets to consider, ascending), or over
 * every row when `rows` is undefined. Rows are visited in cache-sized blocks, each block
 * scored against every query before moving on, so nq > 1 reads the vectors once. With
 * `cancel`, the flag is read before each block: a cancelled scan stops within one block.
 */
export function exactSearch(
  data: ExactData,
  queries: Float32Array,
  nq: number,
  k: number,
  rows?: Int32Array,
  cancel?: CancelFlag,
): VectorSearchResult {
  const { dim, metric } = data;
  const total = rows ? rows.length : data.vectors.length / dim;
  const qNorms = metric === 'COSINE' ? queryNorms(queries, nq, dim) : undefined;
  const heaps = Array.from({ length: nq }, () => new TopK(Math.min(k, total)));
  const block = new Float64Array(BLOCK_ROWS);
  for (let start = 0; start < total; start += BLOCK_ROWS) {
    stopIfCancelled(cancel);
    const end = Math.min(total, start + BLOCK_ROWS);
    for (const [q, heap] of heaps.entries()) {
      scoreBlock(data, queries, q * dim, qNorms?.[q] ?? 0, rows, start, end, block);
      if (rows) for (let i = start; i < end; i++) heap.push(block[i - start] as number, rows[i] as number);
      else for (let i = start; i < end; i++) heap.push(block[i - start] as number, i);
    }
  }
  const result: VectorSearchResult = { offsets: [], scores: [] };
  for (const heap of heaps) {
    const { offsets, scores } = heap.drain(metric);
    result.offsets.push(offsets);
    result.scores.push(scores);
  }
  return result;
}

/**
 * Exact (brute-force) search with Milvus scores: L2, HAMMING and JACCARD are distances,
 * ascending; IP and COSINE are similarities, descending; COSINE divides by both norms. This is
 * the FLAT index (and every exact index of the other vector types), the search over growing
 * segments, the exact scan of small allowed sets behind HNSW, and the rescoring of HNSW hits,
 * so every path reports identical scores. The kernels are in kernels.ts, the per-type scoring
 * of blocks of rows in block-scorer.ts. Ties go to the lower offset.
 *
 * Typed-array reads here are `as number`: every index lies inside bounds fixed before its loop
 * (rows of the segment, entries of the heap), so a read cannot miss, and a check per element
 * in these loops would only be cost.
 */
import { largerIsBetter, type MetricType } from '../core/vector-types.js';
import { BLOCK_ROWS, blockScorer, type BlockScorer, type ExactData } from './block-scorer.js';
import { stopIfCancelled, type CancelFlag } from './cancel.js';
import type { VectorSearchResult } from './engine.js';
import { rowCount, type VectorSet } from './vectors.js';

export type { ExactData } from './block-scorer.js';

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

  /** The badness of the worst entry kept; meaningful once an entry is kept. */
  worst(): number {
    return this.bad[0] as number;
  }

  /** Sorted best first; scores converted back to the metric's sign. */
  drain(metric: MetricType): { offsets: Int32Array; scores: Float32Array } {
    const n = this.size;
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (x, y) => (this.bad[x] as number) - (this.bad[y] as number) || (this.ids[x] as number) - (this.ids[y] as number),
    );
    const offsets = new Int32Array(n);
    const scores = new Float32Array(n);
    const sign = largerIsBetter(metric) ? -1 : 1;
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
 * Exact scores of the given rows for query q of `scorer`, best first: HNSW hits are re-scored
 * here so that every index reports the same score for the same row. The rows arrive in the
 * graph's order, which is the exact order up to float32 rounding, so an insertion sort does
 * about one comparison per row.
 */
export function rescore(
  scorer: BlockScorer,
  metric: MetricType,
  q: number,
  rows: Int32Array,
): { offsets: Int32Array; scores: Float32Array } {
  const n = rows.length;
  const bad = new Float64Array(n);
  const block = new Float64Array(BLOCK_ROWS);
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const end = Math.min(n, start + BLOCK_ROWS);
    scorer.load(rows, start, end);
    scorer.score(q, block);
    bad.set(block.subarray(0, end - start), start);
  }
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
  const sign = largerIsBetter(metric) ? -1 : 1;
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) scores[i] = sign * (bad[i] as number);
  return { offsets, scores };
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
  queries: VectorSet,
  nq: number,
  k: number,
  rows?: Int32Array,
  cancel?: CancelFlag,
): VectorSearchResult {
  const total = rows ? rows.length : rowCount(data.vectors);
  const scorer = blockScorer(data, queries, nq);
  const heaps = Array.from({ length: nq }, () => new TopK(Math.min(k, total)));
  const block = new Float64Array(BLOCK_ROWS);
  for (let start = 0; start < total; start += BLOCK_ROWS) {
    stopIfCancelled(cancel);
    const end = Math.min(total, start + BLOCK_ROWS);
    scorer.load(rows, start, end);
    for (const [q, heap] of heaps.entries()) {
      scorer.score(q, block);
      for (let i = start; i < end; i++) {
        const bad = block[i - start] as number;
        if (scorer.admits(bad)) heap.push(bad, rows ? (rows[i] as number) : i);
      }
    }
  }
  const result: VectorSearchResult = { offsets: [], scores: [] };
  for (const heap of heaps) {
    const { offsets, scores } = heap.drain(data.metric);
    result.offsets.push(offsets);
    result.scores.push(scores);
  }
  return result;
}

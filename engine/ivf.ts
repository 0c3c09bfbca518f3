/**
 * Inverted-file (IVF) indexes over dense vectors: k-means splits a segment's rows into `nlist`
 * lists around centroids at build time; a search scans only the rows of the `nprobe` lists
 * whose centroids are nearest the query, trading recall for speed as Milvus's IVF indexes do.
 *
 * - IVF_FLAT scans the probed rows exactly (flat.ts's block scorers).
 * - IVF_SQ8 keeps every row as 8-bit codes (per-dimension min and step, as faiss's SQ8) and
 *   scores the probed rows from their codes; the best SQ8_REFINE * k are then re-scored from the
 *   raw vectors, so the scores reported are exact, as every index's are here.
 *
 * Float16, bfloat16 and int8 rows are clustered as the float32 values they hold. Binary rows
 * (BIN_IVF_FLAT) are clustered as 0/1 vectors, whose squared L2 is their Hamming distance, with
 * centroids rounded to bits: lists by Hamming distance, as faiss's binary IVF. COSINE clusters
 * unit vectors around unit centroids (spherical k-means); IP probes the lists by inner product
 * with centroids trained by L2 k-means, as faiss does.
 *
 * Every array is in shared memory, so a search posts the lists to any worker without a copy,
 * as FLAT posts its rows.
 */
import type { MetricType } from '../core/vector-types.js';
import { blockScorer, floatRows, type ExactData } from './block-scorer.js';
import { stopIfCancelled, type CancelFlag } from './cancel.js';
import type { VectorSearchResult } from './engine.js';
import { exactSearch, rescore, TopK } from './flat.js';
import { dot, l2 } from './kernels.js';
import { rowCount, sliceRows, type DenseVectors, type VectorSet } from './vectors.js';

export type IvfQuantizer = 'FLAT' | 'SQ8';

export interface IvfLists {
  quantizer: IvfQuantizer;
  nlist: number;
  /** Dimensions of the clustering space (a binary vector's bits). */
  dim: number;
  /** nlist * dim centroid coordinates. */
  centroids: Float32Array;
  /** List l holds rows[offsets[l] .. offsets[l + 1]), ascending. */
  offsets: Int32Array;
  rows: Int32Array;
  /** SQ8 only: per-dimension minimum and step, and rows * dim codes in row order. */
  sq?: { min: Float32Array; step: Float32Array; codes: Uint8Array };
}

/** Knowhere's defaults: 128 lists, 8 probed. */
export const IVF_DEFAULTS = { nlist: 128, nprobe: 8 } as const;

/** Candidates scored from SQ8 codes per hit wanted, re-scored from the raw vectors. */
const SQ8_REFINE = 4;
/** Training points per list at most (faiss samples 256; 64 keep a build of a large segment short). */
const TRAIN_PER_LIST = 64;
const KMEANS_ITERATIONS = 10;

const sharedF32 = (n: number) => new Float32Array(new SharedArrayBuffer(Math.max(1, n) * 4)).subarray(0, n);
const sharedI32 = (n: number) => new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4)).subarray(0, n);
const sharedU8 = (n: number) => new Uint8Array(new SharedArrayBuffer(Math.max(1, n))).subarray(0, n);

/** A deterministic PRNG (mulberry32): a segment's lists are the same on every build. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normalize(values: Float32Array, dim: number): void {
  for (let at = 0; at < values.length; at += dim) {
    const norm = Math.sqrt(dot(values, at, values, at, dim));
    if (norm > 0) for (let d = 0; d < dim; d++) values[at + d] = (values[at + d] as number) / norm;
  }
}

/** Rows of a set in the clustering space: floats (unit length for COSINE), or 0/1 per bit. */
function clusteringRows(set: DenseVectors, metric: MetricType): Float32Array {
  if (set.element === 'binary') {
    const bytes = set.values as Uint8Array;
    const out = new Float32Array(bytes.length * 8);
    // Bit 7 of byte 0 is dimension 0, as Milvus packs binary vectors.
    for (let i = 0; i < out.length; i++) out[i] = ((bytes[i >> 3] as number) >> (7 - (i & 7))) & 1;
    return out;
  }
  const rows = floatRows(set);
  if (metric !== 'COSINE') return rows;
  const copy = set.element === 'float32' ? rows.slice() : rows;
  normalize(copy, set.dim);
  return copy;
}

/** Badness of each centroid for the point at x[at..]: L2, or minus the inner product for IP. */
function centroidScores(ivf: Pick<IvfLists, 'nlist' | 'dim' | 'centroids'>, ip: boolean, x: Float32Array, at: number, out: Float64Array) {
  const { nlist, dim, centroids } = ivf;
  for (let c = 0; c < nlist; c++) out[c] = ip ? -dot(x, at, centroids, c * dim, dim) : l2(x, at, centroids, c * dim, dim);
}

function nearest(scores: Float64Array): number {
  let best = 0;
  for (let c = 1; c < scores.length; c++) if ((scores[c] as number) < (scores[best] as number)) best = c;
  return best;
}

/** Lloyd's k-means of `points` (n x dim) into k centroids, from k distinct points drawn at random. */
function kmeans(points: Float32Array, n: number, dim: number, k: number, rand: () => number): Float32Array {
  const centroids = sharedF32(k * dim);
  const picked = new Set<number>();
  while (picked.size < k) picked.add(Math.floor(rand() * n));
  for (const [c, p] of [...picked].entries()) centroids.set(points.subarray(p * dim, (p + 1) * dim), c * dim);
  const scores = new Float64Array(k);
  const sums = new Float64Array(k * dim);
  const counts = new Int32Array(k);
  const lists = { nlist: k, dim, centroids };
  for (let it = 0; it < KMEANS_ITERATIONS; it++) {
    sums.fill(0);
    counts.fill(0);
    for (let p = 0; p < n; p++) {
      centroidScores(lists, false, points, p * dim, scores);
      const c = nearest(scores);
      counts[c]!++;
      for (let d = 0; d < dim; d++) sums[c * dim + d]! += points[p * dim + d] as number;
    }
    for (let c = 0; c < k; c++) {
      // An empty list takes a point at random, as faiss splits a large one.
      if (counts[c] === 0) {
        const p = Math.floor(rand() * n);
        centroids.set(points.subarray(p * dim, (p + 1) * dim), c * dim);
        continue;
      }
      for (let d = 0; d < dim; d++) centroids[c * dim + d] = (sums[c * dim + d] as number) / (counts[c] as number);
    }
  }
  return centroids;
}

/** SQ8 codes of float rows: per dimension, min + code * step reconstructs a value within step / 2. */
function sq8(rows: Float32Array, n: number, dim: number): NonNullable<IvfLists['sq']> {
  const min = sharedF32(dim).fill(Number.POSITIVE_INFINITY);
  const max = new Float32Array(dim).fill(Number.NEGATIVE_INFINITY);
  for (let r = 0; r < n; r++) {
    for (let d = 0; d < dim; d++) {
      const v = rows[r * dim + d] as number;
      if (v < (min[d] as number)) min[d] = v;
      if (v > (max[d] as number)) max[d] = v;
    }
  }
  const step = sharedF32(dim);
  for (let d = 0; d < dim; d++) step[d] = ((max[d] as number) - (min[d] as number)) / 255;
  const codes = sharedU8(n * dim);
  for (let r = 0; r < n; r++) {
    for (let d = 0; d < dim; d++) {
      const s = step[d] as number;
      codes[r * dim + d] = s === 0 ? 0 : Math.round(((rows[r * dim + d] as number) - (min[d] as number)) / s);
    }
  }
  return { min, step, codes };
}

/** Builds the lists of a segment: k-means on a sample of its rows, then every row into its nearest list. */
export function buildIvf(data: ExactData, nlist: number, quantizer: IvfQuantizer): IvfLists {
  const set = data.vectors;
  if (set.element === 'sparse') throw new Error('IVF indexes hold dense vectors');
  if (quantizer === 'SQ8' && set.element === 'binary') throw new Error('SQ8 quantizes float vectors, not binary ones');
  const n = rowCount(set);
  const points = clusteringRows(set, data.metric);
  const dim = points.length / Math.max(1, n);
  const k = Math.max(1, Math.min(nlist, n));
  const rand = random(0x1f1f + n);
  // A sample of at most TRAIN_PER_LIST points per list trains the centroids.
  const sampleSize = Math.min(n, k * TRAIN_PER_LIST);
  let sample = points;
  if (sampleSize < n) {
    sample = new Float32Array(sampleSize * dim);
    for (let i = 0; i < sampleSize; i++) {
      const p = Math.floor((i * n) / sampleSize + rand() * (n / sampleSize));
      sample.set(points.subarray(Math.min(p, n - 1) * dim, (Math.min(p, n - 1) + 1) * dim), i * dim);
    }
  }
  const centroids = n === 0 ? sharedF32(dim) : kmeans(sample, sampleSize, dim, k, rand);
  if (data.metric === 'COSINE') normalize(centroids, dim);
  if (set.element === 'binary') for (let i = 0; i < centroids.length; i++) centroids[i] = Math.round(centroids[i] as number);
  const ip = data.metric === 'IP';
  const assigned = new Int32Array(n);
  const counts = new Int32Array(k);
  const scores = new Float64Array(k);
  const lists = { nlist: k, dim, centroids };
  for (let r = 0; r < n; r++) {
    centroidScores(lists, ip, points, r * dim, scores);
    const c = nearest(scores);
    assigned[r] = c;
    counts[c]!++;
  }
  const offsets = sharedI32(k + 1);
  for (let c = 0; c < k; c++) offsets[c + 1] = (offsets[c] as number) + (counts[c] as number);
  const rows = sharedI32(n);
  const fill = offsets.slice(0, k);
  for (let r = 0; r < n; r++) rows[fill[assigned[r] as number]!++] = r;
  const ivf: IvfLists = { quantizer, nlist: k, dim, centroids, offsets, rows };
  if (quantizer === 'SQ8') ivf.sq = sq8(floatRows(set), n, set.dim);
  return ivf;
}

/** The `nprobe` lists whose centroids are best for the query at x[at..], best first. */
function probedLists(ivf: IvfLists, ip: boolean, x: Float32Array, at: number, nprobe: number): Int32Array {
  const scores = new Float64Array(ivf.nlist);
  centroidScores(ivf, ip, x, at, scores);
  const heap = new TopK(Math.min(nprobe, ivf.nlist));
  for (let c = 0; c < ivf.nlist; c++) heap.push(scores[c] as number, c);
  return heap.drain('L2').offsets;
}

/** The rows of the first `count` probed lists that `allowed` lets through. */
function candidateRows(ivf: IvfLists, lists: Int32Array, count: number, allowed: Uint8Array | undefined): Int32Array {
  let total = 0;
  for (let i = 0; i < count; i++) total += (ivf.offsets[(lists[i] as number) + 1] as number) - (ivf.offsets[lists[i] as number] as number);
  const out = new Int32Array(total);
  let n = 0;
  for (let i = 0; i < count; i++) {
    const l = lists[i] as number;
    for (let j = ivf.offsets[l] as number; j < (ivf.offsets[l + 1] as number); j++) {
      const r = ivf.rows[j] as number;
      if (allowed?.[r] !== 0) out[n++] = r;
    }
  }
  return out.subarray(0, n);
}

/** The best `want` candidates of query x[at..] by their SQ8 codes, as badness: L2, or minus IP (over the row norm for COSINE). */
function sq8Shortlist(ivf: IvfLists, data: ExactData, x: Float32Array, at: number, candidates: Int32Array, want: number): Int32Array {
  const { min, step, codes } = ivf.sq!;
  const dim = min.length;
  const heap = new TopK(Math.min(want, candidates.length));
  for (const r of candidates) {
    const base = r * dim;
    let bad = 0;
    if (data.metric === 'L2') {
      for (let d = 0; d < dim; d++) {
        const e = (x[at + d] as number) - ((min[d] as number) + (codes[base + d] as number) * (step[d] as number));
        bad += e * e;
      }
    } else {
      for (let d = 0; d < dim; d++) bad -= (x[at + d] as number) * ((min[d] as number) + (codes[base + d] as number) * (step[d] as number));
      if (data.metric === 'COSINE') bad /= (data.norms![r] as number) || 1;
    }
    heap.push(bad, r);
  }
  return heap.drain('L2').offsets;
}

/**
 * The top k of every query, scanning the rows of its `nprobe` nearest lists (those `allowed`
 * lets through). A filter that leaves fewer than k candidates in the probed lists widens the
 * probe, doubling it until k are found or every list is probed.
 */
export function ivfSearch(
  data: ExactData,
  ivf: IvfLists,
  queries: VectorSet,
  nq: number,
  k: number,
  nprobe: number,
  allowed?: Uint8Array,
  cancel?: CancelFlag,
): VectorSearchResult {
  const set = queries as DenseVectors;
  const coarse = clusteringRows(set, data.metric);
  const raw = ivf.sq ? floatRows(set) : undefined;
  const ip = data.metric === 'IP';
  const result: VectorSearchResult = { offsets: [], scores: [] };
  for (let q = 0; q < nq; q++) {
    stopIfCancelled(cancel);
    const lists = probedLists(ivf, ip, coarse, q * ivf.dim, ivf.nlist);
    let probe = Math.min(nprobe, ivf.nlist);
    let candidates = candidateRows(ivf, lists, probe, allowed);
    while (candidates.length < k && probe < ivf.nlist) {
      probe = Math.min(ivf.nlist, probe * 2);
      candidates = candidateRows(ivf, lists, probe, allowed);
    }
    const query = sliceRows(queries, q, q + 1);
    let hits: { offsets: Int32Array; scores: Float32Array };
    if (raw) {
      const shortlist = sq8Shortlist(ivf, data, raw, q * set.dim, candidates, SQ8_REFINE * k);
      const exact = rescore(blockScorer(data, query, 1), data.metric, 0, shortlist);
      hits = { offsets: exact.offsets.subarray(0, k), scores: exact.scores.subarray(0, k) };
    } else {
      candidates.sort();
      const found = exactSearch(data, query, 1, k, candidates, cancel);
      hits = { offsets: found.offsets[0]!, scores: found.scores[0]! };
    }
    result.offsets.push(hits.offsets);
    result.scores.push(hits.scores);
  }
  return result;
}

/** Rows scanned by one query probing `nprobe` of the lists, on average. */
export const probedRows = (ivf: Pick<IvfLists, 'nlist'>, rows: number, nprobe: number) =>
  Math.ceil((rows * Math.min(nprobe, ivf.nlist)) / Math.max(1, ivf.nlist));

/** The lists' arrays end to end, as `save` writes them (and `ivfFromBytes` reads them back). */
export function ivfParts(ivf: IvfLists): ArrayBufferView[] {
  const parts: ArrayBufferView[] = [ivf.centroids, ivf.offsets, ivf.rows];
  if (ivf.sq) parts.push(ivf.sq.min, ivf.sq.step, ivf.sq.codes);
  return parts;
}

/** Lists read back from their file's bytes, into shared memory. */
export function ivfFromBytes(
  bytes: Uint8Array,
  shape: { quantizer: IvfQuantizer; nlist: number; dim: number; rows: number; vectorDim: number },
): IvfLists {
  const { quantizer, nlist, dim, rows, vectorDim } = shape;
  const sizes = [nlist * dim * 4, (nlist + 1) * 4, rows * 4];
  if (quantizer === 'SQ8') sizes.push(vectorDim * 4, vectorDim * 4, rows * vectorDim);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (bytes.length !== total) throw new Error(`IVF file holds ${bytes.length} bytes, expected ${total}`);
  const buffer = new SharedArrayBuffer(Math.max(1, total));
  new Uint8Array(buffer).set(bytes);
  let at = 0;
  const take = <T>(make: (b: SharedArrayBuffer, at: number, n: number) => T, size: number, unit: number): T => {
    const view = make(buffer, at, size / unit);
    at += size;
    return view;
  };
  const centroids = take((b, o, n) => new Float32Array(b, o, n), sizes[0]!, 4);
  const offsets = take((b, o, n) => new Int32Array(b, o, n), sizes[1]!, 4);
  const rowIds = take((b, o, n) => new Int32Array(b, o, n), sizes[2]!, 4);
  if (offsets[0] !== 0 || offsets[nlist] !== rows) throw new Error('IVF file lists do not cover the rows');
  const ivf: IvfLists = { quantizer, nlist, dim, centroids, offsets, rows: rowIds };
  if (quantizer === 'SQ8') {
    ivf.sq = {
      min: take((b, o, n) => new Float32Array(b, o, n), sizes[3]!, 4),
      step: take((b, o, n) => new Float32Array(b, o, n), sizes[4]!, 4),
      codes: take((b, o, n) => new Uint8Array(b, o, n), sizes[5]!, 1),
    };
  }
  return ivf;
}

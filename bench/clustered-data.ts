/**
 * Seeded synthetic vectors for the engine tests and the node benchmark, plus the naive
 * brute-force reference they are scored against.
 *
 * The data is a mixture of clusters. Real embeddings have a low intrinsic dimension, so a
 * point is not an isotropic blob around its centre: it is the centre plus a random
 * combination of a few directions owned by its cluster, plus a little isotropic noise.
 * Row i is drawn from its own generator seeded by (seed, i), so a stream can be cut
 * anywhere: `clusteredVectors(nq, dim, c, seed, n)` gives queries from the same mixture that
 * are not among the first n rows.
 *
 * Typed-array reads in the numeric loops are `as number`: their indexes stay inside the
 * arrays' sizes by construction (d < dim, c < clusters, l < LATENT_DIM).
 */
import { largerIsBetter } from '../core/vector-types.js';
import type { MetricType, VectorSearchResult } from '../engine/engine.js';
import { prng } from '../test/harness/prng.js';

/** Directions spanned inside one cluster (its intrinsic dimension). */
const LATENT_DIM = 12;
/** Per-coordinate spread of a cluster's directions, relative to the unit spread of centres. */
const LATENT_SCALE = 0.25;
/** Per-coordinate isotropic noise added to every point. */
const NOISE = 0.1;

/** Fills `out` with normal samples of standard deviation `scale` (Box-Muller, both outputs used). */
function fillGaussian(rand: () => number, out: Float64Array, scale = 1): void {
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rand()));
    const t = 2 * Math.PI * rand();
    out[i] = r * Math.cos(t) * scale;
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(t) * scale;
  }
}

function rowSeed(seed: number, row: number): number {
  return Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(row + 1, 0xc2b2ae35);
}

/** The benchmarks' data set: 128-d float32 vectors of 100 seeded clusters, searched top 10. */
export const DATA = { dim: 128, clusters: 100, seed: 1, k: 10 } as const;

/** Rows [offset, offset + n) of the seeded mixture, row-major, n * dim floats. */
export function clusteredVectors(n: number, dim: number, clusters: number, seed: number, offset = 0): Float32Array {
  const rand = prng(seed);
  const centres = new Float64Array(clusters * dim);
  fillGaussian(rand, centres);
  const bases = new Float64Array(clusters * LATENT_DIM * dim);
  fillGaussian(rand, bases, LATENT_SCALE);

  const out = new Float32Array(n * dim);
  const latent = new Float64Array(LATENT_DIM);
  const noise = new Float64Array(dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const r = prng(rowSeed(seed, offset + i));
    const c = Math.floor(r() * clusters);
    fillGaussian(r, latent);
    fillGaussian(r, noise);
    for (let d = 0; d < dim; d++) row[d] = (centres[c * dim + d] as number) + NOISE * (noise[d] as number);
    for (const [l, z] of latent.entries()) {
      const base = (c * LATENT_DIM + l) * dim;
      for (let d = 0; d < dim; d++) row[d] = (row[d] as number) + z * (bases[base + d] as number);
    }
    out.set(row, i * dim);
  }
  return out;
}

/** Milvus-convention score of two vectors, computed the plainest way. */
function score(metric: MetricType, a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let s = 0;
  if (metric === 'L2') {
    for (let d = 0; d < dim; d++) s += ((a[aOff + d] as number) - (b[bOff + d] as number)) ** 2;
    return s;
  }
  let na = 0;
  let nb = 0;
  for (let d = 0; d < dim; d++) {
    const x = a[aOff + d] as number;
    const y = b[bOff + d] as number;
    s += x * y;
    na += x * x;
    nb += y * y;
  }
  if (metric === 'IP') return s;
  return na === 0 || nb === 0 ? 0 : s / (Math.sqrt(na) * Math.sqrt(nb));
}

/**
 * The true top k of every query among the allowed rows, best first, ties by lower offset.
 * Deliberately naive (every row scored, sorted insertion into a k-list): it is the
 * reference that the engine's exact and approximate searches are judged against.
 */
export function bruteForceTopK(
  vectors: Float32Array,
  dim: number,
  queries: Float32Array,
  nq: number,
  k: number,
  metric: MetricType,
  allowed?: Uint8Array,
): VectorSearchResult {
  const rows = vectors.length / dim;
  const better = (a: number, b: number) => (metric === 'L2' ? a < b : a > b);
  const result: VectorSearchResult = { offsets: [], scores: [] };
  for (let q = 0; q < nq; q++) {
    const ids: number[] = [];
    const vals: number[] = [];
    for (let r = 0; r < rows; r++) {
      if (allowed && !allowed[r]) continue;
      const s = score(metric, queries, q * dim, vectors, r * dim, dim);
      const worst = vals[k - 1];
      if (worst !== undefined && !better(s, worst)) continue;
      // Before the first kept score s beats: after its equals, so ties keep the lower offset.
      let pos = vals.findIndex((v) => better(s, v));
      if (pos < 0) pos = vals.length;
      ids.splice(pos, 0, r);
      vals.splice(pos, 0, s);
      if (ids.length > k) {
        ids.pop();
        vals.pop();
      }
    }
    result.offsets.push(Int32Array.from(ids));
    result.scores.push(Float32Array.from(vals));
  }
  return result;
}

/** Mean fraction of the reference's ids that `got` also returned, over all queries. */
export function recallAt(got: VectorSearchResult, truth: VectorSearchResult): number {
  let hit = 0;
  let total = 0;
  for (const [q, wanted] of truth.offsets.entries()) {
    const want = new Set(wanted);
    total += want.size;
    for (const o of got.offsets[q] ?? []) if (want.has(o)) hit++;
  }
  return total === 0 ? 1 : hit / total;
}

/**
 * Recall counting ties: a hit is any returned row whose exact score is at least as good as the
 * reference's k-th (ann-benchmarks' threshold recall). Binary distances are small integers, so
 * many rows tie with the k-th; which of them an index returns is arbitrary and none is a miss.
 * `got.scores` must be exact (every index here re-scores its hits).
 */
export function recallWithTies(got: VectorSearchResult, truth: VectorSearchResult, metric: MetricType): number {
  const better = (a: number, b: number) => (largerIsBetter(metric) ? a >= b - 1e-6 * Math.abs(b) : a <= b + 1e-6 * Math.abs(b));
  let hit = 0;
  let total = 0;
  for (const [q, wanted] of truth.scores.entries()) {
    total += wanted.length;
    const kth = wanted[wanted.length - 1];
    if (kth === undefined) continue;
    let ok = 0;
    for (const s of got.scores[q] ?? []) if (better(s, kth)) ok++;
    hit += Math.min(ok, wanted.length);
  }
  return total === 0 ? 1 : hit / total;
}

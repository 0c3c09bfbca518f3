import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bruteForceTopK, clusteredVectors, recallAt } from '../../bench/clustered-data.js';
import type { IndexType, MetricType, VectorIndex, VectorSearchResult } from '../../engine/engine.js';
import { exactSearch } from '../../engine/flat.js';
import { createEngine, floatSet, sharedDense } from '../../engine/index.js';
import type { DenseVectors } from '../../engine/vectors.js';
import { hitsOf } from './hits.js';

/**
 * IVF_FLAT, IVF_SQ8 and binary IVF on a few thousand clustered vectors against a brute force:
 * recall@10 at Milvus's default nlist/nprobe, recall growing with nprobe up to the exact answer,
 * filters, and the files of a saved index.
 */
const ROWS = 4000;
const DIM = 64;
const CLUSTERS = 40;
const NQ = 100;
const K = 10;

const engine = createEngine({ threads: 2 });
const vectors = sharedDense('float32', ROWS * DIM) as Float32Array;
vectors.set(clusteredVectors(ROWS, DIM, CLUSTERS, 7));
const queries = clusteredVectors(NQ, DIM, CLUSTERS, 7, ROWS);
const built = new Map<string, VectorIndex>();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'engine-ivf-'));
});

afterAll(async () => {
  await Promise.all([...built.values()].map((ix) => ix.close()));
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

async function index(type: IndexType, metric: MetricType, nlist?: number): Promise<VectorIndex> {
  const key = `${type}/${metric}/${nlist}`;
  let ix = built.get(key);
  if (!ix) {
    ix = await engine.build(floatSet(vectors, DIM), metric, type, nlist ? { nlist } : {});
    built.set(key, ix);
  }
  return ix;
}

const search = (ix: VectorIndex, nprobe?: number, allowed?: Uint8Array) =>
  ix.search({ queries: floatSet(queries, DIM), nq: NQ, k: K, allowed, params: nprobe ? { nprobe } : undefined });

describe.each(['IVF_FLAT', 'IVF_SQ8'] as const)('%s', (type) => {
  it.each(['L2', 'IP', 'COSINE'] as const)('reaches recall@10 >= 0.95 at the default nlist and nprobe (%s)', async (metric) => {
    const truth = bruteForceTopK(vectors, DIM, queries, NQ, K, metric);
    const recall = recallAt(await search(await index(type, metric)), truth);
    console.log(`${type} ${metric} recall@10 at nlist 128, nprobe 8: ${recall.toFixed(3)}`);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('trades recall for speed with nprobe, and probing every list finds the exact answer', async () => {
    const ix = await index(type, 'L2', 256);
    const truth = bruteForceTopK(vectors, DIM, queries, NQ, K, 'L2');
    const one = recallAt(await search(ix, 1), truth);
    const all = await search(ix, 256);
    expect(one).toBeLessThan(0.9);
    if (type === 'IVF_FLAT') expect(all.offsets.map((o) => Array.from(o))).toEqual(truth.offsets.map((o) => Array.from(o)));
    else expect(recallAt(all, truth)).toBeGreaterThanOrEqual(0.99);
  });

  it("reports each hit's exact score, as every index does", async () => {
    const ix = await index(type, 'COSINE');
    const result = await search(ix);
    const data = { vectors: floatSet(vectors, DIM), metric: 'COSINE' as const, norms: norms(vectors) };
    for (let q = 0; q < 5; q++) {
      const query = floatSet(queries.subarray(q * DIM, (q + 1) * DIM), DIM);
      const rows = Int32Array.from(result.offsets[q]!).sort();
      const exact = exactSearch(data, query, 1, K, rows);
      const byRow = new Map(Array.from(exact.offsets[0]!, (o, i) => [o, exact.scores[0]![i]]));
      for (const [i, o] of result.offsets[q]!.entries()) expect(result.scores[q]![i]).toBe(byRow.get(o));
    }
  });

  it('finds the true best allowed rows under a filter that leaves few rows in the probed lists', async () => {
    const ix = await index(type, 'L2');
    // Every 97th row: ~41 rows, fewer than the probed lists hold, so the plan scans them.
    const sparse = new Uint8Array(ROWS).map((_, i) => (i % 97 === 0 ? 1 : 0));
    const truth = bruteForceTopK(vectors, DIM, queries, NQ, K, 'L2', sparse);
    expect(recallAt(await search(ix, undefined, sparse), truth)).toBe(1);
    // Half the rows: the lists are probed, each hit an allowed row, k of them.
    const half = new Uint8Array(ROWS).map((_, i) => i & 1);
    const result = await search(ix, undefined, half);
    for (const offsets of result.offsets) {
      expect(offsets.length).toBe(K);
      for (const o of offsets) expect(half[o]).toBe(1);
    }
    expect(recallAt(result, bruteForceTopK(vectors, DIM, queries, NQ, K, 'L2', half))).toBeGreaterThanOrEqual(0.9);
  });

  it('saves and loads to the same answers, and refuses a corrupted list file', async () => {
    const ix = await index(type, 'IP');
    const at = join(dir, type);
    await mkdir(at);
    await ix.save(at);
    const loaded = await engine.load(at, floatSet(vectors, DIM), 'IP', type);
    try {
      expect((await search(loaded)).offsets.map((o) => Array.from(o))).toEqual((await search(ix)).offsets.map((o) => Array.from(o)));
    } finally {
      await loaded.close();
    }
    await writeFile(join(at, 'ivf.bin'), 'garbage');
    await expect(engine.load(at, floatSet(vectors, DIM), 'IP', type)).rejects.toThrow(/corrupt/);
  });
});

function norms(values: Float32Array): Float64Array {
  const out = new Float64Array(values.length / DIM);
  for (let r = 0; r < out.length; r++) {
    let s = 0;
    for (let d = 0; d < DIM; d++) s += values[r * DIM + d]! ** 2;
    out[r] = Math.sqrt(s);
  }
  return out;
}

describe('IVF on other kinds of vectors', () => {
  /** The clustered rows as bits (a coordinate's sign), a binary set of DIM bits. */
  function signs(values: Float32Array, rows: number): DenseVectors {
    const bytes = sharedDense('binary', (rows * DIM) / 8) as Uint8Array;
    for (let i = 0; i < rows * DIM; i++) if (values[i]! > 0) bytes[i >> 3]! |= 0x80 >> (i & 7);
    return { element: 'binary', dim: DIM, values: bytes };
  }

  it.each(['HAMMING', 'JACCARD'] as const)('BIN_IVF_FLAT lists binary vectors by Hamming distance (%s)', async (metric) => {
    const rows = signs(vectors, ROWS);
    const qs = signs(queries, NQ);
    const ix = await engine.build(rows, metric, 'IVF_FLAT');
    built.set(`bin/${metric}`, ix);
    const truth = exactSearch({ vectors: rows, metric }, qs, NQ, K);
    const got = await ix.search({ queries: qs, nq: NQ, k: K });
    const recall = recallOfScores(got, truth);
    console.log(`BIN_IVF_FLAT ${metric} recall@10 at nlist 128, nprobe 8: ${recall.toFixed(3)}`);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('IVF_SQ8 over float16 rows reaches the recall of float32 ones', async () => {
    const { float32ToFloat16 } = await import('../../core/half-float.js');
    const halves = sharedDense('float16', ROWS * DIM) as Uint16Array;
    for (let i = 0; i < halves.length; i++) halves[i] = float32ToFloat16(vectors[i]!);
    const qHalves = Uint16Array.from(queries, float32ToFloat16);
    const rows: DenseVectors = { element: 'float16', dim: DIM, values: halves };
    const qs: DenseVectors = { element: 'float16', dim: DIM, values: qHalves };
    const ix = await engine.build(rows, 'L2', 'IVF_SQ8');
    built.set('f16', ix);
    const truth = exactSearch({ vectors: rows, metric: 'L2' }, qs, NQ, K);
    expect(recallAt(await ix.search({ queries: qs, nq: NQ, k: K }), truth)).toBeGreaterThanOrEqual(0.95);
  });

  it('refuses SQ8 of binary vectors', async () => {
    const bits = signs(vectors, 16);
    await expect(engine.build(bits, 'HAMMING', 'IVF_SQ8')).rejects.toThrow(/float vectors/);
  });
});

/**
 * Recall where ties are common (binary distances are integers): a hit counts when its score is
 * within the true k-th best, whichever of the tied rows it is.
 */
function recallOfScores(got: VectorSearchResult, truth: VectorSearchResult): number {
  let hit = 0;
  let total = 0;
  for (const [q, scores] of truth.scores.entries()) {
    const kth = scores[scores.length - 1]!;
    total += scores.length;
    hit += hitsOf(got, q).scores.filter((s) => s <= kth).length;
  }
  return hit / total;
}

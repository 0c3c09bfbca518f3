import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bruteForceTopK, clusteredVectors, recallAt } from '../../bench/clustered-data.js';
import type { MetricType, VectorIndex, VectorSearchResult } from '../../engine/engine.js';
import { createEngine, HNSW_DEFAULTS, sharedDense, floatSet } from '../../engine/index.js';
import { score } from '../harness/reference.js';
import { hitsOf } from './hits.js';

const ROWS = 100_000;
const DIM = 128;
const CLUSTERS = 100;
const K = 10;

const engine = createEngine();
const vectors = sharedDense('float32', ROWS * DIM) as Float32Array;
vectors.set(clusteredVectors(ROWS, DIM, CLUSTERS, 1));
const queries = clusteredVectors(200, DIM, CLUSTERS, 1, ROWS);
let index: VectorIndex;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'engine-hnsw-'));
  const started = performance.now();
  index = await engine.build(floatSet(vectors, DIM), 'L2', 'HNSW');
  console.log(`HNSW build ${ROWS} x ${DIM} at defaults: ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

afterAll(async () => {
  await index?.close();
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

/** Each query on its own, as a node runs them: nq = 1 per call. */
async function searchEach(ix: VectorIndex, nq: number, allowed?: Uint8Array, ef?: number): Promise<VectorSearchResult> {
  const out: VectorSearchResult = { offsets: [], scores: [] };
  for (let q = 0; q < nq; q++) {
    const r = await ix.search({
      queries: floatSet(queries.subarray(q * DIM, (q + 1) * DIM), DIM),
      nq: 1,
      k: K,
      allowed,
      params: ef ? { ef } : undefined,
    });
    out.offsets.push(...r.offsets);
    out.scores.push(...r.scores);
  }
  return out;
}

/** A seeded bitset passing about `fraction` of the rows. */
function randomFilter(fraction: number, seed: number): Uint8Array {
  const allowed = new Uint8Array(ROWS);
  let s = seed;
  for (let i = 0; i < ROWS; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    allowed[i] = s / 2 ** 32 < fraction ? 1 : 0;
  }
  return allowed;
}

describe('HNSW on 100k x 128 clustered vectors', () => {
  it('reaches recall@10 >= 0.95 with no search params', async () => {
    const truth = bruteForceTopK(vectors, DIM, queries, 200, K, 'L2');
    const started = performance.now();
    const got = await searchEach(index, 200);
    const recall = recallAt(got, truth);
    console.log(
      `recall@10 at ef=${HNSW_DEFAULTS.ef}: ${recall.toFixed(4)}, ${(200_000 / (performance.now() - started)).toFixed(0)} QPS (nq=1 calls)`,
    );
    expect(recall).toBeGreaterThanOrEqual(0.95);
    // Hits carry the exact Milvus scores of their rows, in exact order.
    for (let q = 0; q < 20; q++) {
      const hits = hitsOf(got, q);
      const only = new Uint8Array(ROWS);
      for (const o of hits.offsets) only[o] = 1;
      const exact = bruteForceTopK(vectors, DIM, queries.subarray(q * DIM), 1, K, 'L2', only);
      expect(hits).toEqual(hitsOf(exact));
    }
  });

  for (const fraction of [0.001, 0.01, 0.1, 0.5, 1]) {
    it(`reaches recall@10 >= 0.95 when a filter passes ${fraction * 100}% of the rows`, async () => {
      const allowed = randomFilter(fraction, 1000 + fraction * 1000);
      const nq = 100;
      const truth = bruteForceTopK(vectors, DIM, queries, nq, K, 'L2', allowed);
      const got = await searchEach(index, nq, allowed);
      const recall = recallAt(got, truth);
      console.log(`filtered ${fraction * 100}%: recall@10 ${recall.toFixed(4)}`);
      expect(recall).toBeGreaterThanOrEqual(0.95);
      for (const offsets of got.offsets) for (const o of offsets) expect(allowed[o]).toBe(1);
    });
  }

  it('finds the allowed rows when the filter excludes everything near the query', async () => {
    // Only the 10% of rows farthest from query 0 pass: the graph's neighbourhood of the
    // query holds none of them, so the search has to widen and fall back to a scan.
    const query = Array.from(queries.subarray(0, DIM));
    const dist = Float64Array.from({ length: ROWS }, (_, r) => score.L2(query, Array.from(vectors.subarray(r * DIM, (r + 1) * DIM))));
    const threshold = Float64Array.from(dist).sort()[ROWS - ROWS / 10];
    if (threshold === undefined) throw new Error('no distance at the 90th percentile');
    const allowed = Uint8Array.from(dist, (x) => (x >= threshold ? 1 : 0));
    const truth = bruteForceTopK(vectors, DIM, queries, 1, K, 'L2', allowed);
    const got = await index.search({ queries: floatSet(queries.subarray(0, DIM), DIM), nq: 1, k: K, allowed });
    expect(hitsOf(got).offsets).toEqual(hitsOf(truth).offsets);
  });

  it('gives identical results after save and load', async () => {
    await index.save(dir);
    const loaded = await engine.load(dir, floatSet(vectors, DIM), 'L2', 'HNSW');
    try {
      const allowed = randomFilter(0.3, 7);
      for (const req of [
        { queries, nq: 50, k: K },
        { queries, nq: 50, k: K, allowed },
        { queries, nq: 50, k: 100, params: { ef: 150 } },
      ]) {
        const before = await index.search({ ...req, queries: floatSet(queries.subarray(0, 50 * DIM), DIM) });
        const after = await loaded.search({ ...req, queries: floatSet(queries.subarray(0, 50 * DIM), DIM) });
        expect(after).toEqual(before);
      }
    } finally {
      await loaded.close();
    }
  });

  it('gives a search with ef the beam of an index created with expansion_search = ef', async () => {
    // The engine's graphs are created with expansion_search 1 and searched with
    // wanted = max(k, ef); a usearch view created with expansion_search = ef is the
    // reference for what `ef` means.
    await index.save(dir);
    const usearch = createRequire(import.meta.url)('usearch') as typeof import('usearch');
    for (const ef of [16, 40, 120]) {
      const view = new usearch.Index({
        dimensions: DIM,
        metric: usearch.MetricKind.L2sq,
        quantization: usearch.ScalarKind.F32,
        connectivity: HNSW_DEFAULTS.M,
        expansion_add: HNSW_DEFAULTS.efConstruction,
        expansion_search: ef,
        multi: false,
      });
      view.view(join(dir, 'hnsw.usearch'));
      const got = await searchEach(index, 20, undefined, ef);
      for (let q = 0; q < 20; q++) {
        const ref = view.search(queries.subarray(q * DIM, (q + 1) * DIM), K, 1);
        expect(hitsOf(got, q).offsets.sort()).toEqual(Array.from(ref.keys, Number).sort());
      }
    }
  });
});

describe('HNSW with IP and COSINE', () => {
  for (const metric of ['IP', 'COSINE'] as MetricType[]) {
    it(`${metric}: recall@10 >= 0.95 and exact scores`, async () => {
      const rows = 10_000;
      const dim = 32;
      const data = clusteredVectors(rows, dim, 20, 5);
      const qs = clusteredVectors(50, dim, 20, 5, rows);
      const ix = await engine.build(floatSet(data, dim), metric, 'HNSW');
      try {
        const got = await ix.search({ queries: floatSet(qs, dim), nq: 50, k: K });
        const truth = bruteForceTopK(data, dim, qs, 50, K, metric);
        expect(recallAt(got, truth)).toBeGreaterThanOrEqual(0.95);
        // Rows that both return carry the same score: one scoring path for every index.
        const flatIndex = await engine.build(floatSet(data, dim), metric, 'FLAT');
        const flat = await flatIndex.search({ queries: floatSet(qs, dim), nq: 50, k: K });
        await flatIndex.close();
        for (let q = 0; q < 50; q++) {
          const want = hitsOf(flat, q);
          const ref = new Map(want.offsets.map((o, i) => [o, want.scores[i]]));
          const hits = hitsOf(got, q);
          for (const [i, o] of hits.offsets.entries()) if (ref.has(o)) expect(hits.scores[i]).toBe(ref.get(o));
        }
      } finally {
        await ix.close();
      }
    });
  }
});

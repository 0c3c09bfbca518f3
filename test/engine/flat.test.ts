import { afterAll, describe, expect, it } from 'vitest';
import { bruteForceTopK, clusteredVectors } from '../../bench/clustered-data.js';
import type { MetricType, VectorSearchResult } from '../../engine/engine.js';
import { rowNorms } from '../../engine/block-scorer.js';
import { exactSearch, TopK } from '../../engine/flat.js';
import { createEngine, floatSet } from '../../engine/index.js';
import { hitsOf } from './hits.js';

const engine = createEngine({ threads: 2 });
afterAll(() => engine.close());

const METRICS: MetricType[] = ['L2', 'IP', 'COSINE'];

/** Clustered rows plus the awkward cases: exact duplicates (ties) and a zero vector. */
function awkwardRows(rows: number, dim: number, seed: number): Float32Array {
  const v = clusteredVectors(rows, dim, 8, seed);
  v.copyWithin(5 * dim, 3 * dim, 4 * dim); // row 5 duplicates row 3
  v.copyWithin(9 * dim, 3 * dim, 4 * dim); // and so does row 9
  v.fill(0, 7 * dim, 8 * dim); // row 7 is all zeros
  return v;
}

/** Allowed bitsets at several densities, including none and all. */
function bitsets(rows: number): Uint8Array[] {
  return [0, 0.01, 0.3, 0.9, 1].map((p, s) => {
    const b = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) b[i] = (Math.imul(i + 1, 2654435761 + s) >>> 0) / 2 ** 32 < p ? 1 : 0;
    if (p === 0.01) for (const dup of [3, 5, 9]) b[dup] = 1; // keep the duplicates in a sparse set
    return b;
  });
}

function expectSameHits(got: VectorSearchResult, want: VectorSearchResult): void {
  expect(got.offsets.map((o) => Array.from(o))).toEqual(want.offsets.map((o) => Array.from(o)));
  expect(got.scores.map((s) => Array.from(s))).toEqual(want.scores.map((s) => Array.from(s)));
}

describe('exact search (FLAT)', () => {
  for (const metric of METRICS) {
    it(`${metric}: equals the naive reference, with and without allowed sets`, async () => {
      // 3000 x 24 with nq 4 goes to a worker; the 1%-allowed searches run inline.
      const dim = 24;
      const rows = 3000;
      const vectors = awkwardRows(rows, dim, 11);
      const queries = clusteredVectors(4, dim, 8, 11, rows);
      queries.set(vectors.subarray(3 * dim, 4 * dim), dim); // query 1 sits on the duplicated row
      const index = await engine.build(floatSet(vectors, dim), metric, 'FLAT');
      for (const allowed of [undefined, ...bitsets(rows)]) {
        for (const k of [1, 10, 57]) {
          const want = bruteForceTopK(vectors, dim, queries, 4, k, metric, allowed);
          expectSameHits(await index.search({ queries: floatSet(queries, dim), nq: 4, k, allowed }), want);
        }
      }
      await index.close();
    });
  }

  it('returns fewer than k hits when fewer rows exist or pass, never padding', async () => {
    const dim = 8;
    const vectors = clusteredVectors(5, dim, 2, 3);
    const index = await engine.build(floatSet(vectors, dim), 'L2', 'FLAT');
    const queries = clusteredVectors(2, dim, 2, 3, 5);
    const all = await index.search({ queries: floatSet(queries, dim), nq: 2, k: 10 });
    expect(all.offsets.map((o) => o.length)).toEqual([5, 5]);
    const none = await index.search({ queries: floatSet(queries, dim), nq: 2, k: 10, allowed: new Uint8Array(5), allowedCount: 0 });
    expect(none.offsets.map((o) => o.length)).toEqual([0, 0]);
    const two = await index.search({ queries: floatSet(queries, dim), nq: 2, k: 10, allowed: Uint8Array.of(0, 1, 0, 1, 0) });
    expect(hitsOf(two, 0).offsets.sort()).toEqual([1, 3]);
  });

  it('scores follow Milvus conventions on a hand-checked example', () => {
    const vectors = Float32Array.of(1, 0, 0, 2, 3, 4);
    const query = Float32Array.of(1, 1);
    const run = (metric: MetricType) =>
      exactSearch(
        { vectors: floatSet(vectors, 2), metric, norms: rowNorms(floatSet(vectors, 2), new Float64Array(3)) },
        floatSet(query, 2),
        1,
        3,
      );
    // L2: squared distances 1, 2, 13, ascending; IP: 1, 2, 7, descending.
    expect(hitsOf(run('L2'))).toEqual({ offsets: [0, 1, 2], scores: [1, 2, 13] });
    expect(hitsOf(run('IP'))).toEqual({ offsets: [2, 1, 0], scores: [7, 2, 1] });
    // COSINE: 7/(5*sqrt2), 1/sqrt2, 1/sqrt2: tie broken by lower offset.
    expect(hitsOf(run('COSINE'))).toEqual({
      offsets: [2, 0, 1],
      scores: [expect.closeTo(7 / (5 * Math.SQRT2), 6), expect.closeTo(Math.SQRT1_2, 6), expect.closeTo(Math.SQRT1_2, 6)],
    });
  });

  it('keeps the k smallest of a shuffled stream, ties by lower id', () => {
    const heap = new TopK(5);
    const values = [5, 3, 9, 3, 1, 7, 3, 0, 8, 2];
    for (const [i, v] of values.entries()) heap.push(v, i);
    const { offsets, scores } = heap.drain('L2');
    expect(Array.from(scores)).toEqual([0, 1, 2, 3, 3]);
    expect(Array.from(offsets)).toEqual([7, 4, 9, 1, 3]);
  });

  it('rejects malformed requests with a reason', async () => {
    const index = await engine.build(floatSet(clusteredVectors(10, 4, 2, 1), 4), 'IP', 'FLAT');
    await expect(index.search({ queries: floatSet(new Float32Array(3), 3), nq: 1, k: 1 })).rejects.toThrow(/dim/);
    await expect(index.search({ queries: floatSet(new Float32Array(4), 4), nq: 1, k: 0 })).rejects.toThrow(/k must be/);
    await expect(index.search({ queries: floatSet(new Float32Array(4), 4), nq: 1, k: 1, allowed: new Uint8Array(3) })).rejects.toThrow(
      /allowed has 3/,
    );
    await expect(engine.build(floatSet(new Float32Array(10), 4), 'L2', 'FLAT')).rejects.toThrow(/not a multiple of the row width 4/);
    await index.close();
    await expect(index.search({ queries: floatSet(new Float32Array(4), 4), nq: 1, k: 1 })).rejects.toThrow(/closed/);
  });
});

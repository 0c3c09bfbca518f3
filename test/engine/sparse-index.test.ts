import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recallAt } from '../../bench/clustered-data.js';
import type { VectorIndex, VectorSearchResult } from '../../engine/engine.js';
import { exactSearch } from '../../engine/flat.js';
import { createEngine } from '../../engine/index.js';
import type { SparseVectors } from '../../engine/vectors.js';
import { prng } from '../harness/prng.js';
import { hitsOf } from './hits.js';

/**
 * The sparse inverted index (WAND over posting lists) against the exact scan: identical answers
 * and scores without dropped values, with filters and after a save and load; Milvus's drop
 * ratios trade recall while the scores reported stay exact.
 */
const ROWS = 3000;
const VOCABULARY = 2000;
const NQ = 40;
const K = 10;

/** Rows of about `terms` entries each, dimensions skewed towards small ids as term frequencies are. */
function sparseRows(n: number, terms: number, seed: number): SparseVectors {
  const rand = prng(seed);
  const offsets = new Int32Array(n + 1);
  const ids: number[] = [];
  const weights: number[] = [];
  for (let r = 0; r < n; r++) {
    const row = new Map<number, number>();
    const count = 1 + Math.floor(rand() * terms * 2);
    for (let t = 0; t < count; t++) row.set(Math.floor(VOCABULARY * rand() ** 2), Math.fround(0.05 + rand()));
    for (const id of [...row.keys()].sort((a, b) => a - b)) {
      ids.push(id);
      weights.push(row.get(id)!);
    }
    offsets[r + 1] = ids.length;
  }
  return { element: 'sparse', offsets, ids: Uint32Array.from(ids), weights: Float32Array.from(weights) };
}

const engine = createEngine({ threads: 2 });
const rows = sparseRows(ROWS, 20, 11);
const queries = sparseRows(NQ, 6, 12);
const indexes: VectorIndex[] = [];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'engine-sparse-'));
});

afterAll(async () => {
  await Promise.all(indexes.map((ix) => ix.close()));
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

async function build(dropRatioBuild?: number): Promise<VectorIndex> {
  const ix = await engine.build(rows, 'IP', 'SPARSE_INVERTED', dropRatioBuild === undefined ? {} : { dropRatioBuild });
  indexes.push(ix);
  return ix;
}

const search = (ix: VectorIndex, allowed?: Uint8Array, dropRatioSearch?: number) =>
  ix.search({ queries, nq: NQ, k: K, allowed, params: dropRatioSearch === undefined ? undefined : { dropRatioSearch } });

const plain = (r: VectorSearchResult) => r.offsets.map((_, q) => hitsOf(r, q));

describe('SPARSE_INVERTED', () => {
  it('answers exactly as the scan does, scores included', async () => {
    const ix = await build();
    const exact = exactSearch({ vectors: rows, metric: 'IP' }, queries, NQ, K);
    expect(plain(await search(ix))).toEqual(plain(exact));
  });

  it('answers exactly under filters, sparse and dense', async () => {
    const ix = await build();
    for (const keep of [3, 53]) {
      const allowed = new Uint8Array(ROWS).map((_, i) => (i % 100 < keep ? 1 : 0));
      const exact = exactSearch(
        { vectors: rows, metric: 'IP' },
        queries,
        NQ,
        K,
        Int32Array.from(allowed.keys()).filter((i) => allowed[i]),
      );
      expect(plain(await search(ix, allowed))).toEqual(plain(exact));
    }
  });

  it('drops the smallest values at build and search time as Milvus does, reporting exact scores', async () => {
    const exact = exactSearch({ vectors: rows, metric: 'IP' }, queries, NQ, K);
    const dropped = await search(await build(0.6), undefined, 0.5);
    const recall = recallAt(dropped, exact);
    console.log(`sparse recall@10 with drop_ratio_build 0.6, drop_ratio_search 0.5: ${recall.toFixed(3)}`);
    expect(recall).toBeLessThan(1);
    expect(recall).toBeGreaterThan(0.5);
    for (let q = 0; q < NQ; q++) {
      const { offsets, scores } = hitsOf(dropped, q);
      const own = exactSearch({ vectors: rows, metric: 'IP' }, sliceQuery(q), 1, K, Int32Array.from(offsets).sort());
      const byRow = new Map(hitsOf(own).offsets.map((o, i) => [o, hitsOf(own).scores[i]]));
      expect(scores).toEqual(offsets.map((o) => byRow.get(o)));
    }
  });

  it('saves and loads to the same answers, and refuses a corrupted list file', async () => {
    const ix = await build(0.2);
    const at = join(dir, 'sparse');
    await mkdir(at);
    await ix.save(at);
    const loaded = await engine.load(at, rows, 'IP', 'SPARSE_INVERTED');
    try {
      expect(plain(await search(loaded))).toEqual(plain(await search(ix)));
    } finally {
      await loaded.close();
    }
    await writeFile(join(at, 'sparse.bin'), 'garbage');
    await expect(engine.load(at, rows, 'IP', 'SPARSE_INVERTED')).rejects.toThrow(/corrupt/);
  });
});

function sliceQuery(q: number): SparseVectors {
  const start = queries.offsets[q]!;
  const end = queries.offsets[q + 1]!;
  return {
    element: 'sparse',
    offsets: Int32Array.of(0, end - start),
    ids: queries.ids.slice(start, end),
    weights: queries.weights.slice(start, end),
  };
}

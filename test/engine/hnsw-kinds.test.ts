import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusteredVectors, recallAt } from '../../bench/clustered-data.js';
import { float32ToBFloat16, float32ToFloat16 } from '../../core/half-float.js';
import type { MetricType } from '../../core/vector-types.js';
import { rowNorms } from '../../engine/block-scorer.js';
import { exactSearch } from '../../engine/flat.js';
import { createEngine, sharedDense } from '../../engine/index.js';
import type { VectorSearchResult } from '../../engine/engine.js';
import type { DenseVectors } from '../../engine/vectors.js';
import { hitsOf } from './hits.js';

/**
 * HNSW graphs of every dense kind in usearch's own scalar kinds (f16, bf16, i8, b1): recall@10
 * at the default parameters against the exact scan of the same rows, exact scores for the rows
 * returned, and a saved graph loading to the same answers.
 */
const ROWS = 4000;
const DIM = 64;
const NQ = 100;
const K = 10;

const engine = createEngine({ threads: 2 });
const floats = clusteredVectors(ROWS, DIM, 40, 5);
const queryFloats = clusteredVectors(NQ, DIM, 40, 5, ROWS);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'engine-hnsw-kinds-'));
});

afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

/** The rows and queries as a set of `element`, in shared memory as a segment's are. */
function kind(element: DenseVectors['element'], values: Float32Array, rows: number): DenseVectors {
  const n = rows * DIM;
  switch (element) {
    case 'float16':
    case 'bfloat16': {
      const convert = element === 'float16' ? float32ToFloat16 : float32ToBFloat16;
      const out = sharedDense(element, n) as Uint16Array;
      for (let i = 0; i < n; i++) out[i] = convert(values[i]!);
      return { element, dim: DIM, values: out };
    }
    case 'int8': {
      const out = sharedDense('int8', n) as Int8Array;
      for (let i = 0; i < n; i++) out[i] = Math.max(-127, Math.min(127, Math.round(values[i]! * 40)));
      return { element, dim: DIM, values: out };
    }
    case 'binary': {
      const out = sharedDense('binary', n / 8) as Uint8Array;
      for (let i = 0; i < n; i++) if (values[i]! > 0) out[i >> 3]! |= 0x80 >> (i & 7);
      return { element, dim: DIM, values: out };
    }
    default:
      throw new Error(`no conversion to ${element}`);
  }
}

/** Recall counting ties: a hit is good when its exact score is within the true k-th best. */
function recallWithTies(got: VectorSearchResult, truth: VectorSearchResult, larger: boolean): number {
  let good = 0;
  let total = 0;
  for (const [q, scores] of truth.scores.entries()) {
    const kth = scores[scores.length - 1]!;
    total += scores.length;
    good += hitsOf(got, q).scores.filter((s) => (larger ? s >= kth : s <= kth)).length;
  }
  return good / total;
}

const CASES: [DenseVectors['element'], MetricType][] = [
  ['float16', 'L2'],
  ['float16', 'COSINE'],
  ['bfloat16', 'IP'],
  ['int8', 'L2'],
  ['int8', 'COSINE'],
  ['binary', 'HAMMING'],
  ['binary', 'JACCARD'],
];

describe.each(CASES)('HNSW over %s rows (%s)', (element, metric) => {
  it('reaches recall@10 >= 0.95 at the defaults, reports exact scores, and loads saved', async () => {
    const rows = kind(element, floats, ROWS);
    const queries = kind(element, queryFloats, NQ);
    const index = await engine.build(rows, metric, 'HNSW');
    try {
      const truth = exactSearch({ vectors: rows, metric, norms: norms(rows, metric) }, queries, NQ, K);
      const got = await index.search({ queries, nq: NQ, k: K });
      const larger = metric === 'IP' || metric === 'COSINE';
      const recall = element === 'binary' ? recallWithTies(got, truth, larger) : recallAt(got, truth);
      console.log(`HNSW ${element} ${metric} recall@10 at the defaults: ${recall.toFixed(3)}`);
      expect(recall).toBeGreaterThanOrEqual(0.95);
      // Every reported score is the exact scan's for that row.
      for (let q = 0; q < 5; q++) {
        const { offsets, scores } = hitsOf(got, q);
        const own = exactSearch(
          { vectors: rows, metric, norms: norms(rows, metric) },
          sliceQuery(queries, q),
          1,
          K,
          Int32Array.from(offsets).sort(),
        );
        const byRow = new Map(hitsOf(own).offsets.map((o, i) => [o, hitsOf(own).scores[i]]));
        expect(scores).toEqual(offsets.map((o) => byRow.get(o)));
      }
      const at = join(dir, `${element}-${metric}`);
      await mkdir(at);
      await index.save(at);
      const loaded = await engine.load(at, rows, metric, 'HNSW');
      try {
        const again = await loaded.search({ queries, nq: NQ, k: K });
        expect(again.offsets.map((o) => Array.from(o))).toEqual(got.offsets.map((o) => Array.from(o)));
      } finally {
        await loaded.close();
      }
    } finally {
      await index.close();
    }
  });
});

function sliceQuery(set: DenseVectors, q: number): DenseVectors {
  const width = set.values.length / NQ;
  return { ...set, values: set.values.subarray(q * width, (q + 1) * width) };
}

/** Row norms for COSINE, as the engine prepares them; undefined otherwise. */
const norms = (set: DenseVectors, metric: MetricType) =>
  metric === 'COSINE' ? rowNorms(set, new Float64Array(set.values.length / DIM)) : undefined;

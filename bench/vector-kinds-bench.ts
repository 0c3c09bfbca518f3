/**
 * What an exact scan costs per kind of vector: `nq` queries over `rows` rows of `dim`
 * dimensions (sparse: ~`dim / 8` nonzeros a row out of 30,000 indices), on this thread. Then
 * what an index costs per kind: an HNSW graph of each dense kind in usearch's scalar kind
 * (clustered rows), and the sparse inverted index: build seconds, file bytes, searches per
 * second one query at a time on one worker, recall@10 against the exact scan.
 *
 *   node --import tsx bench/vector-kinds-bench.ts [rows=20000] [dim=128] [nq=10]
 */
import { float32ToBFloat16, float32ToFloat16 } from '../core/half-float.js';
import type { MetricType } from '../core/vector-types.js';
import { rowNorms } from '../engine/block-scorer.js';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IndexType } from '../engine/engine.js';
import { exactSearch } from '../engine/flat.js';
import { createEngine } from '../engine/index.js';
import { clusteredVectors, recallAt } from './clustered-data.js';
import { pickRows, rowCount, sparseSetFromRows, type DenseVectors, type VectorSet } from '../engine/vectors.js';

const rows = Number(process.argv[2] ?? 20_000);
const dim = Number(process.argv[3] ?? 128);
const nq = Number(process.argv[4] ?? 10);
const value = (i: number) => Math.sin(i * 0.7713) * 2;

function sparse(n: number): VectorSet {
  const wire = Array.from({ length: n }, (_, r) => {
    const ids = new Set<number>();
    for (let j = 0; j < dim / 8; j++) ids.add(Math.floor(Math.abs(value(r * 31 + j)) * 15_000));
    const sorted = [...ids].sort((a, b) => a - b);
    const bytes = new Uint8Array(sorted.length * 8);
    const view = new DataView(bytes.buffer);
    sorted.forEach((id, k) => {
      view.setUint32(k * 8, id, true);
      view.setFloat32(k * 8 + 4, Math.abs(value(r + k)), true);
    });
    return bytes;
  });
  return sparseSetFromRows(wire);
}

const sets: [string, MetricType, VectorSet][] = [
  ['float32', 'L2', { element: 'float32', dim, values: Float32Array.from({ length: rows * dim }, (_, i) => value(i)) }],
  ['float16', 'L2', { element: 'float16', dim, values: Uint16Array.from({ length: rows * dim }, (_, i) => float32ToFloat16(value(i))) }],
  ['bfloat16', 'L2', { element: 'bfloat16', dim, values: Uint16Array.from({ length: rows * dim }, (_, i) => float32ToBFloat16(value(i))) }],
  ['int8', 'L2', { element: 'int8', dim, values: Int8Array.from({ length: rows * dim }, (_, i) => Math.round(value(i) * 60)) }],
  ['int8', 'COSINE', { element: 'int8', dim, values: Int8Array.from({ length: rows * dim }, (_, i) => Math.round(value(i) * 60)) }],
  [
    'binary',
    'HAMMING',
    { element: 'binary', dim, values: Uint8Array.from({ length: (rows * dim) / 8 }, (_, i) => (value(i) * 1000) & 0xff) },
  ],
  [
    'binary',
    'JACCARD',
    { element: 'binary', dim, values: Uint8Array.from({ length: (rows * dim) / 8 }, (_, i) => (value(i) * 1000) & 0xff) },
  ],
  ['sparse', 'IP', sparse(rows)],
];

for (const [name, metric, set] of sets) {
  const norms = metric === 'COSINE' ? rowNorms(set as DenseVectors, new Float64Array(rowCount(set))) : undefined;
  const data = { vectors: set, metric, ...(norms ? { norms } : {}) };
  const queries = pickRows(
    set,
    Array.from({ length: nq }, (_, q) => (q * 977) % rows),
  );
  exactSearch(data, queries, nq, 10);
  const runs = 5;
  const started = performance.now();
  for (let i = 0; i < runs; i++) exactSearch(data, queries, nq, 10);
  const ms = (performance.now() - started) / runs;
  console.log(
    `${name.padEnd(8)} ${metric.padEnd(7)} ${ms.toFixed(1).padStart(7)} ms  ${((ms * 1e6) / (nq * rows)).toFixed(0).padStart(5)} ns/row/query`,
  );
}

/** The clustered rows as a set of each kind (int8: scaled by 40; binary: a coordinate's sign). */
function clusteredKind(element: DenseVectors['element'], values: Float32Array): DenseVectors {
  switch (element) {
    case 'float16':
      return { element, dim, values: Uint16Array.from(values, float32ToFloat16) };
    case 'bfloat16':
      return { element, dim, values: Uint16Array.from(values, float32ToBFloat16) };
    case 'int8':
      return { element, dim, values: Int8Array.from(values, (v) => Math.max(-127, Math.min(127, Math.round(v * 40)))) };
    case 'binary': {
      const bytes = new Uint8Array(values.length / 8);
      for (let i = 0; i < values.length; i++) if ((values[i] as number) > 0) bytes[i >> 3] = (bytes[i >> 3] as number) | (0x80 >> (i & 7));
      return { element, dim, values: bytes };
    }
    default:
      return { element: 'float32', dim, values };
  }
}

async function indexCosts(): Promise<void> {
  console.log(`\nIndexes, ${rows} clustered rows x ${dim}, default parameters, 200 queries one at a time on one worker:`);
  const engine = createEngine({ threads: 1 });
  const dir = await mkdtemp(join(tmpdir(), 'vector-kinds-bench-'));
  const base = clusteredVectors(rows, dim, 100, 1);
  const queryBase = clusteredVectors(200, dim, 100, 1, rows);
  const cases: [string, MetricType, IndexType, VectorSet, VectorSet][] = [];
  for (const [element, metric] of [
    ['float32', 'L2'],
    ['float16', 'L2'],
    ['bfloat16', 'L2'],
    ['int8', 'L2'],
    ['int8', 'COSINE'],
    ['binary', 'HAMMING'],
    ['binary', 'JACCARD'],
  ] as const) {
    cases.push([element, metric, 'HNSW', clusteredKind(element, base), clusteredKind(element, queryBase)]);
  }
  cases.push([
    'sparse',
    'IP',
    'SPARSE_INVERTED',
    sparse(rows),
    pickRows(
      sparse(rows + 200),
      Array.from({ length: 200 }, (_, q) => rows + q),
    ),
  ]);
  try {
    for (const [name, metric, type, set, queries] of cases) {
      const started = performance.now();
      const index = await engine.build(set, metric, type);
      const buildS = (performance.now() - started) / 1000;
      const at = join(dir, `${name}-${metric}`);
      await mkdir(at);
      await index.save(at);
      const file = type === 'HNSW' ? 'hnsw.usearch' : 'sparse.bin';
      const bytes = (await stat(join(at, file))).size;
      const nqAll = rowCount(queries);
      const norms = metric === 'COSINE' ? rowNorms(set as DenseVectors, new Float64Array(rowCount(set))) : undefined;
      const truth = exactSearch({ vectors: set, metric, ...(norms ? { norms } : {}) }, queries, nqAll, 10);
      const got = { offsets: [] as Int32Array[], scores: [] as Float32Array[] };
      const t0 = performance.now();
      for (let q = 0; q < nqAll; q++) {
        const r = await index.search({ queries: pickRows(queries, [q]), nq: 1, k: 10 });
        got.offsets.push(r.offsets[0]!);
        got.scores.push(r.scores[0]!);
      }
      const qps = (nqAll * 1000) / (performance.now() - t0);
      await index.close();
      console.log(
        `${`${name} ${metric} ${type}`.padEnd(28)} build ${buildS.toFixed(1).padStart(5)} s  file ${(bytes / 2 ** 20).toFixed(1).padStart(6)} MiB  ` +
          `${qps.toFixed(0).padStart(6)} QPS  recall@10 ${recallAt(got, truth).toFixed(3)}`,
      );
    }
  } finally {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await indexCosts();

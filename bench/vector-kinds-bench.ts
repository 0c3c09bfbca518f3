/**
 * What an exact scan costs per kind of vector: `nq` queries over `rows` rows of `dim`
 * dimensions (sparse: ~`dim / 8` nonzeros a row out of 30,000 indices), on this thread. Then
 * what each index costs per kind (bench/index-types.ts): build seconds, file bytes, searches
 * per second one query at a time on one worker, recall@10 against the exact scan.
 *
 *   node --import tsx bench/vector-kinds-bench.ts [rows=20000] [dim=128] [nq=10]
 */
import { float32ToBFloat16, float32ToFloat16 } from '../core/half-float.js';
import type { MetricType } from '../core/vector-types.js';
import { rowNorms } from '../engine/block-scorer.js';
import { exactSearch } from '../engine/flat.js';
import { pickRows, rowCount, type DenseVectors, type VectorSet } from '../engine/vectors.js';
import { indexTypesTable, measureIndexTypes, sparseRows } from './index-types.js';

const rows = Number(process.argv[2] ?? 20_000);
const dim = Number(process.argv[3] ?? 128);
const nq = Number(process.argv[4] ?? 10);
const value = (i: number) => Math.sin(i * 0.7713) * 2;

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
  ['sparse', 'IP', sparseRows(0, rows, dim / 8)],
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

console.log(`\nIndexes, ${rows} clustered rows x ${dim}, default parameters, 200 queries one at a time on one worker:`);
console.log(indexTypesTable(await measureIndexTypes(rows, dim, 200, 0), 0.95));

/**
 * The engine on its own: HNSW build time, recall@10 and QPS per worker thread against ef,
 * and filtered recall and latency across selectivities, on clustered synthetic data.
 *
 *   node --import tsx bench/engine-bench.ts [rows=100000] [queries=1000]
 *
 * The index is built on every core, saved, and loaded into a one-thread engine, so the QPS
 * figures are per worker thread. "serial" awaits each nq=1 search before sending the next
 * (latency-bound: two thread hops per query); "pipelined" keeps 32 in flight, as a node
 * under load does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VectorIndex, VectorSearchResult } from '../engine/engine.js';
import { createEngine, HNSW_DEFAULTS, sharedDense, floatSet } from '../engine/index.js';
import { bruteForceTopK, clusteredVectors, recallAt } from './clustered-data.js';

const rows = Number(process.argv[2] ?? 100_000);
const nq = Number(process.argv[3] ?? 1000);
const dim = 128;
const clusters = 100;
const k = 10;
const IN_FLIGHT = 32;

const vectors = sharedDense('float32', rows * dim) as Float32Array;
vectors.set(clusteredVectors(rows, dim, clusters, 1));
const queries = clusteredVectors(nq, dim, clusters, 1, rows);
const query = (q: number) => queries.subarray(q * dim, (q + 1) * dim);

async function serial(index: VectorIndex, ef: number, allowed?: Uint8Array, allowedCount?: number) {
  const got: VectorSearchResult = { offsets: [], scores: [] };
  const latencies: number[] = [];
  for (let q = 0; q < nq; q++) {
    const t = performance.now();
    const r = await index.search({ queries: floatSet(query(q), dim), nq: 1, k, params: { ef }, allowed, allowedCount });
    latencies.push(performance.now() - t);
    got.offsets.push(...r.offsets);
    got.scores.push(...r.scores);
  }
  latencies.sort((a, b) => a - b);
  const total = latencies.reduce((a, b) => a + b, 0);
  return { got, qps: (nq / total) * 1000, p50: latencies[nq >> 1] ?? NaN, p99: latencies[Math.floor(nq * 0.99)] ?? NaN };
}

async function pipelined(index: VectorIndex, ef: number): Promise<number> {
  let next = 0;
  const lane = async () => {
    while (next < nq) await index.search({ queries: floatSet(query(next++), dim), nq: 1, k, params: { ef } });
  };
  const t = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return (nq / (performance.now() - t)) * 1000;
}

const dir = await mkdtemp(join(tmpdir(), 'engine-bench-'));
const builder = createEngine();
let t = performance.now();
const built = await builder.build(floatSet(vectors, dim), 'L2', 'HNSW');
const buildSeconds = (performance.now() - t) / 1000;
await built.save(dir);
await built.close();
await builder.close();

const engine = createEngine({ threads: 1 });
t = performance.now();
const index = await engine.load(dir, floatSet(vectors, dim), 'L2', 'HNSW');
const loadMs = performance.now() - t;

console.log(`${rows} x ${dim}, ${clusters} clusters, ${nq} queries, k=${k}, L2`);
console.log(
  `build (M=${HNSW_DEFAULTS.M}, efConstruction=${HNSW_DEFAULTS.efConstruction}, all cores): ${buildSeconds.toFixed(1)} s; load (verify + map): ${loadMs.toFixed(0)} ms`,
);
t = performance.now();
const truth = bruteForceTopK(vectors, dim, queries, nq, k, 'L2');
console.log(`brute-force reference: ${((performance.now() - t) / nq).toFixed(1)} ms/query`);

console.log('ef    recall@10  serial QPS  p50 ms  p99 ms  pipelined QPS (one worker)');
for (const ef of [16, 24, 32, 48, 64, 96, 128]) {
  const s = await serial(index, ef);
  const p = await pipelined(index, ef);
  console.log(
    `${String(ef).padEnd(5)} ${recallAt(s.got, truth).toFixed(4)}     ${s.qps.toFixed(0).padStart(6)}  ${s.p50.toFixed(3)}  ${s.p99.toFixed(3)}  ${p.toFixed(0).padStart(6)}`,
  );
}

console.log(`filtered, default ef=${HNSW_DEFAULTS.ef}: pass  recall@10  serial QPS  p50 ms  p99 ms`);
for (const fraction of [0.001, 0.01, 0.1, 0.5, 1]) {
  const allowed = new Uint8Array(rows);
  let s = 99;
  let count = 0;
  for (let i = 0; i < rows; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    count += allowed[i] = s / 2 ** 32 < fraction ? 1 : 0;
  }
  const want = bruteForceTopK(vectors, dim, queries, nq, k, 'L2', allowed);
  // As a data node sends it: a plain bitset (copied to the worker) with its count.
  const r = await serial(index, HNSW_DEFAULTS.ef, allowed, count);
  console.log(
    `  ${`${fraction * 100}%`.padEnd(6)} ${recallAt(r.got, want).toFixed(4)}     ${r.qps.toFixed(0).padStart(6)}  ${r.p50.toFixed(3)}  ${r.p99.toFixed(3)}`,
  );
}

await index.close();
await engine.close();
await rm(dir, { recursive: true, force: true });

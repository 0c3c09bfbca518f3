/**
 * usearch vs hnswlib-node, per-thread QPS against recall@10 on clustered data: the
 * measurement behind the library choice in docs/engine.md. Both are driven straight from
 * this thread (no engine, no workers), one query per call, with the same M and
 * efConstruction. hnswlib-node is not a project dependency (it compiles at install), so it
 * is loaded from a scratch install named on the command line:
 *
 *   mkdir /tmp/h && cd /tmp/h && npm init -y && npm i hnswlib-node
 *   (cd node_modules/hnswlib-node && npx node-gyp rebuild)
 *   node --import tsx bench/engine-compare.ts [rows=100000] [/tmp/h/node_modules/hnswlib-node]
 */
import { createRequire } from 'node:module';
import { bruteForceTopK, clusteredVectors, recallAt } from './clustered-data.js';
import type { VectorSearchResult } from '../engine/engine.js';

const require = createRequire(import.meta.url);
const rows = Number(process.argv[2] ?? 100_000);
const hnswlibPath = process.argv[3];
const dim = 128;
const clusters = 100;
const nq = 1000;
const k = 10;
const M = 16;
const efConstruction = 200;
const efs = [10, 16, 24, 32, 48, 64, 96, 128];

interface Candidate {
  name: string;
  build(): void;
  /** Top-k offsets of query q at beam width ef. */
  search(q: number, ef: number): Int32Array;
}

const data = clusteredVectors(rows, dim, clusters, 1);
const queries = clusteredVectors(nq, dim, clusters, 1, rows);
const truth = bruteForceTopK(data, dim, queries, nq, k, 'L2');

function usearchCandidate(): Candidate {
  const { Index } = require('usearch');
  // expansion_search 1: the beam is max(expansion_search, wanted), so wanted = ef sets it.
  const index = new Index({
    dimensions: dim,
    metric: 'l2sq',
    quantization: 'f32',
    connectivity: M,
    expansion_add: efConstruction,
    expansion_search: 1,
    multi: false,
  });
  return {
    name: 'usearch 2.26.2',
    build() {
      const keys = new BigUint64Array(rows);
      for (let i = 0; i < rows; i++) keys[i] = BigInt(i);
      index.add(keys, data, 1);
    },
    search(q, ef) {
      const m = index.search(queries.subarray(q * dim, (q + 1) * dim), Math.max(k, ef), 1);
      const out = new Int32Array(Math.min(k, m.keys.length));
      for (let i = 0; i < out.length; i++) out[i] = Number(m.keys[i]);
      return out;
    },
  };
}

function hnswlibCandidate(path: string): Candidate {
  const { HierarchicalNSW } = require(path);
  const index = new HierarchicalNSW('l2', dim);
  // hnswlib-node takes plain arrays; converting the queries is kept out of the timing.
  const plain = Array.from({ length: nq }, (_, q) => Array.from(queries.subarray(q * dim, (q + 1) * dim)));
  return {
    name: 'hnswlib-node 3.0.0',
    build() {
      index.initIndex(rows, M, efConstruction, 100);
      for (let i = 0; i < rows; i++) index.addPoint(Array.from(data.subarray(i * dim, (i + 1) * dim)), i);
    },
    search(q, ef) {
      index.setEf(Math.max(k, ef));
      return Int32Array.from(index.searchKnn(plain[q], k).neighbors as number[]);
    },
  };
}

const candidates = [usearchCandidate()];
if (hnswlibPath) candidates.push(hnswlibCandidate(hnswlibPath));

console.log(`${rows} x ${dim}, ${clusters} clusters, ${nq} queries, k=${k}, M=${M}, efConstruction=${efConstruction}, one thread`);
for (const c of candidates) {
  const t = performance.now();
  c.build();
  console.log(`${c.name}: build ${((performance.now() - t) / 1000).toFixed(1)} s (one thread)`);
}
// The candidates take turns, ROUNDS times per ef, and each keeps its best round: other
// load on the machine slows some rounds, and the best one is the closest to the truth.
const ROUNDS = 5;
console.log(`ef    ${candidates.map((c) => `${c.name}: recall@10 / best QPS`).join('   ')}`);
for (const ef of efs) {
  const cells = candidates.map((c) => {
    const got: VectorSearchResult = { offsets: [], scores: [] };
    for (let q = 0; q < nq; q++) got.offsets.push(c.search(q, ef));
    return { candidate: c, recall: recallAt(got, truth), qps: 0 };
  });
  for (let round = 0; round < ROUNDS; round++) {
    for (const cell of cells) {
      const t = performance.now();
      for (let q = 0; q < nq; q++) cell.candidate.search(q, ef);
      cell.qps = Math.max(cell.qps, (nq / (performance.now() - t)) * 1000);
    }
  }
  console.log(`${String(ef).padEnd(5)} ${cells.map((x) => `${x.recall.toFixed(4)} / ${x.qps.toFixed(0).padStart(6)}`).join('        ')}`);
}

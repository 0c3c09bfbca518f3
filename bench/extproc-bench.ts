/**
 * `npm run bench:extproc`: a REST search through Envoy's ext_proc path against the same search
 * through the coordinator's own REST endpoint (issue 6; figures in docs/ext-proc.md).
 *
 * One `mishards up --readers 3 --http-port 0` cluster holding the clustered synthetic data
 * (100k x 128 by default, seeded; BENCH_ROWS=N for a smaller run, BENCH_QUERIES=N for another
 * query count), HNSW with the engine defaults, in ~12 sealed segments over three reader groups.
 * The same JSON search body (nq = 1, top 10) is sent
 *   1. with fetch to the coordinator's REST endpoint (HTTP/1.1, keep-alive);
 *   2. through the ExternalProcessor by the test driver playing Envoy (a Process stream per
 *      request: request headers, the CONTINUE asking for the buffered body, the body, the
 *      immediate response, stream close), i.e. what Envoy's ext_proc filter costs on the
 *      coordinator's side, without Envoy's own proxying.
 * Sequential and concurrent clients; every path once per round, ROUNDS rounds, medians.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HNSW_DEFAULTS } from '../engine/index.js';
import { ExtProcDriver } from '../test/processor/driver.js';
import { cleanupOnExit, envInt, runBench } from './bench-support.js';
import { bruteForceTopK, clusteredVectors, DATA } from './clustered-data.js';
import { BenchCluster, sealRowsFor } from './cluster-up.js';
import {
  FIGURE_HEADERS,
  figureCells,
  fmtInt,
  loadNote,
  machineNote,
  table,
  timeQueries,
  type Ids,
  type SearchFigures,
  medianFigures,
} from './node-measure.js';

const ROWS = envInt('BENCH_ROWS', 100_000);
const { dim: DIM, clusters: CLUSTERS, seed: SEED, k: K } = DATA;
const QUERIES = envInt('BENCH_QUERIES', 1000);
const SEAL_ROWS = sealRowsFor(ROWS);
const HNSW = { M: HNSW_DEFAULTS.M, efConstruction: HNSW_DEFAULTS.efConstruction };
const CLIENTS = 4;
const ROUNDS = 3;
const MIN_MS = 3000;
const SEARCH_PATH = '/v2/vectordb/entities/search';
/** The message_timeout of envoy/ext-proc-filter.yaml. */
const MESSAGE_TIMEOUT_MS = 31_000;

const exit = cleanupOnExit('the cluster');

/** The row numbers (primary keys) of a REST search answer. */
function ids(text: string): Ids {
  const json = JSON.parse(text);
  if (json.code !== 0) throw new Error(`search failed: ${text}`);
  return (json.data as { id: string }[]).map((r) => Number(r.id));
}

interface Path {
  label: string;
  clients: number;
  search: (client: number, q: number) => Promise<Ids>;
  rounds: SearchFigures[];
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log('Mishards ext_proc benchmark (npm run bench:extproc)');
  console.log(
    `data     ${fmtInt(ROWS)} x ${DIM} float32, ${CLUSTERS} clusters (seed ${SEED}); ${fmtInt(QUERIES)} queries from the same mixture; ` +
      `REST search bodies, nq=1, limit ${K}, L2; HNSW M=${HNSW.M} efConstruction=${HNSW.efConstruction}, server default ef=${HNSW_DEFAULTS.ef}`,
  );
  console.log(`machine  ${machineNote()}`);
  console.log(`start    ${loadNote()}`);

  const vectors = clusteredVectors(ROWS, DIM, CLUSTERS, SEED);
  const queries = clusteredVectors(QUERIES, DIM, CLUSTERS, SEED, ROWS);
  const truth = bruteForceTopK(vectors, DIM, queries, QUERIES, K, 'L2');
  // The bodies are made once: both paths send the same bytes.
  const bodies = Array.from({ length: QUERIES }, (_, q) =>
    JSON.stringify({ collectionName: 'bench', data: [Array.from(queries.subarray(q * DIM, (q + 1) * DIM))], limit: K }),
  );

  const dir = await mkdtemp(join(tmpdir(), 'mishards-extproc-bench-'));
  exit.defer(() => rm(dir, { recursive: true, force: true }));
  const cluster = await BenchCluster.start(dir, SEAL_ROWS, { rest: true });
  exit.defer(() => cluster.stop());
  let t = performance.now();
  await cluster.createCollection(DIM, HNSW);
  await cluster.insertSegments(vectors, DIM, SEAL_ROWS);
  await cluster.flushAndWaitIndexed(ROWS);
  await cluster.waitPlaced(ROWS);
  console.log(`loaded, indexed and placed ${fmtInt(ROWS)} rows in ${((performance.now() - t) / 1000).toFixed(1)} s; ${loadNote()}`);

  const base = `http://${cluster.httpAddress}${SEARCH_PATH}`;
  const viaRest = async (_: number, q: number) => {
    const res = await fetch(base, { method: 'POST', body: bodies[q] });
    return ids(await res.text());
  };
  const drivers = Array.from(
    { length: CLIENTS },
    () => new ExtProcDriver(cluster.coordinatorAddress, { messageTimeoutMs: MESSAGE_TIMEOUT_MS }),
  );
  exit.defer(() => {
    for (const d of drivers) d.close();
  });
  const viaExtProc = async (client: number, q: number) => {
    const out = await drivers[client]!.request({ method: 'POST', path: SEARCH_PATH, body: bodies[q] });
    if (out.kind !== 'immediate') throw new Error(`ext_proc did not answer: ${JSON.stringify(out)}`);
    return ids(out.body.toString('utf8'));
  };

  // Both paths answer the same: checked on every query once before timing.
  t = performance.now();
  for (let q = 0; q < QUERIES; q++) {
    const [a, b] = await Promise.all([viaRest(0, q), viaExtProc(0, q)]);
    if (Array.from(a).join() !== Array.from(b).join())
      throw new Error(`query ${q}: REST answered ${Array.from(a)}, ext_proc ${Array.from(b)}`);
  }
  console.log(`every query answered the same ids on both paths (${((performance.now() - t) / 1000).toFixed(1)} s)`);

  const pids = cluster.pids.filter((p) => p.role !== 'up').map((p) => p.pid);
  const paths: Path[] = [1, CLIENTS].flatMap((clients) => [
    { label: 'REST endpoint (fetch)', clients, search: viaRest, rounds: [] },
    { label: 'ext_proc (driver playing Envoy)', clients, search: viaExtProc, rounds: [] },
  ]);
  console.log(
    `\nSearches, every path once per round, ${ROUNDS} rounds (odd rounds reversed), each >= ${MIN_MS / 1000} s after a 100-query warm-up; ` +
      "CPU per query includes the cluster's processes and this client",
  );
  for (let r = 0; r < ROUNDS; r++) {
    const rows: (string | number)[][] = [];
    for (const p of r % 2 === 0 ? paths : [...paths].reverse()) {
      const f = await timeQueries(QUERIES, truth, p.search, { clients: p.clients, minMs: MIN_MS, pids });
      p.rounds.push(f);
      rows.push([p.label, p.clients, ...figureCells(f)]);
    }
    console.log(`\nround ${r + 1} of ${ROUNDS}; ${loadNote()}`);
    console.log(table(['path', 'clients', ...FIGURE_HEADERS], rows));
  }

  const med = new Map(paths.map((p) => [p, medianFigures(p.rounds)]));
  console.log(`\nSummary: median of ${ROUNDS} rounds (${fmtInt(ROWS)} x ${DIM}, nq=1, top ${K})`);
  console.log(
    table(
      ['path', 'clients', ...FIGURE_HEADERS],
      paths.map((p) => [p.label, p.clients, ...figureCells(med.get(p)!)]),
    ),
  );
  const ratios = [1, CLIENTS].map((clients) => {
    const [rest, ext] = paths.filter((p) => p.clients === clients).map((p) => med.get(p)!) as [SearchFigures, SearchFigures];
    return [
      clients,
      (ext.p50Ms / rest.p50Ms).toFixed(2),
      (ext.p99Ms / rest.p99Ms).toFixed(2),
      (ext.qps / rest.qps).toFixed(2),
      (ext.p50Ms - rest.p50Ms).toFixed(3),
      (ext.cpuUsPerQuery / rest.cpuUsPerQuery).toFixed(2),
    ];
  });
  console.log('\next_proc against the REST endpoint:');
  console.log(table(['clients', 'p50 ratio', 'p99 ratio', 'QPS ratio', 'p50 added ms', 'CPU ratio'], ratios));
  console.log(`\nfinished in ${((performance.now() - started) / 1000).toFixed(1)} s; ${loadNote()}`);
}

await runBench('bench:extproc', exit, main);

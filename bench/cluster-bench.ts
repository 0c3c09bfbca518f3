/**
 * `npm run bench:cluster`: the coordinator benchmark of issue 4 (method and recorded figures
 * in docs/coordinator.md, "Benchmarks").
 *
 * The same data (clustered synthetic 100k x 128, seeded; BENCH_ROWS=N for a smaller smoke
 * run, BENCH_QUERIES=N for another query count), HNSW with the engine defaults, searched with
 * nq = 1, top 10, through the official SDK:
 *   1. direct: `mishards writer` alone holding all rows in one flushed, indexed segment;
 *   2. through the coordinator of `mishards up --readers 3`, the rows in ~12 sealed segments
 *      spread over the three reader groups;
 *   3. the coordinator's merge time and per-target sub-request latency (its histograms);
 *   4. coordinator against direct: ratios and added latency at p50 and p99.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HNSW_DEFAULTS } from '../engine/index.js';
import { bruteForceTopK, clusteredVectors, DATA } from './clustered-data.js';
import { histograms, mean, pooled, quantile, scrape, since, type Histogram, type Series } from './cluster-metrics.js';
import { BenchCluster, sealRowsFor } from './cluster-up.js';
import {
  FIGURE_HEADERS,
  figureCells,
  fmtInt,
  loadNote,
  machineNote,
  ownCpuUs,
  serverCpuUs,
  table,
  timeQueries,
  type Ids,
  type SearchFigures,
  medianFigures,
} from './node-measure.js';
import { BenchWriter } from './node-writer.js';
import { cleanupOnExit, envInt, runBench } from './bench-support.js';

const ROWS = envInt('BENCH_ROWS', 100_000);
const { dim: DIM, clusters: CLUSTERS, seed: SEED, k: K } = DATA;
const QUERIES = envInt('BENCH_QUERIES', 1000);
const SEAL_ROWS = sealRowsFor(ROWS);
/** Above the row count: only Flush seals the single node's one segment, for the same reason. */
const SINGLE_SEAL_ROWS = ROWS + 1;
const HNSW = { M: HNSW_DEFAULTS.M, efConstruction: HNSW_DEFAULTS.efConstruction };
const INSERT_BATCH = 1000;
const INSERT_IN_FLIGHT = 16;
const CLIENTS = 4;
/**
 * Every path is measured once per round, in the reverse order on odd rounds, and the median
 * round is reported: load from other work on this shared machine drifts over minutes, so
 * paths measured side by side and repeatedly compare better than one long run each.
 */
const ROUNDS = 3;
const MIN_MS = 3000;
const GOAL = { addedP50Ms: 0.3, p99Ms: 5 };

const exit = cleanupOnExit('the servers');
const defer = exit.defer;

// ------------------------------------------------------------------ helpers

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const msText = (s: number) => (s * 1000).toFixed(3);

function section(title: string): void {
  console.log(`\n${title}\n${loadNote()}`);
}

/** mean, p50 and p99 of a histogram in ms; quantiles with the bucket that bounds them. */
function histogramCells(h: Histogram | undefined): string[] {
  if (!h || h.count === 0) return ['0', '-', '-', '-'];
  const q = (p: number) => {
    const x = quantile(h, p)!;
    const upper = x.upper === Infinity ? '+Inf' : msText(x.upper);
    return `${msText(x.value)} [${msText(x.lower)}, ${upper}]`;
  };
  return [fmtInt(h.count), msText(mean(h)), q(0.5), q(0.99)];
}

const HISTOGRAM_HEADERS = ['count', 'mean ms', 'p50 ms [bucket]', 'p99 ms [bucket]'];

// ------------------------------------------------------------------ measured paths

interface CoordinatorObservations {
  merge: Series;
  subRequests: Series;
  request: Series;
}

interface Path {
  label: string;
  clients: number;
  search: (client: number, q: number) => Promise<Ids>;
  /** Server processes whose CPU time counts towards the queries, by role. */
  roles: Partial<Record<Role, number[]>>;
  /** Read the coordinator's histograms around each measurement. */
  coordinator: boolean;
  rounds: SearchFigures[];
  observed?: CoordinatorObservations;
  /** CPU time by role (this process is the client) and searches, over all rounds, warm-up included. */
  cpuUs: Partial<Record<Role | 'client', number>>;
  searches: number;
}

const ROLES = ['coordinator', 'reader', 'writer', 'up'] as const;
type Role = (typeof ROLES)[number];

function cpuByRole(p: Path): Partial<Record<Role | 'client', number>> {
  return { client: ownCpuUs(), ...Object.fromEntries(Object.entries(p.roles).map(([role, pids]) => [role, serverCpuUs(pids)])) };
}

function observe(text: string): CoordinatorObservations {
  return {
    merge: histograms(text, 'mishards_merge_duration_seconds'),
    subRequests: histograms(text, 'mishards_subrequest_duration_seconds', { result: 'ok' }, ['target']),
    request: histograms(text, 'mishards_request_duration_seconds', { service: 'MilvusService', method: 'Search' }),
  };
}

function accumulate(
  into: CoordinatorObservations | undefined,
  before: CoordinatorObservations,
  after: CoordinatorObservations,
): CoordinatorObservations {
  const d = {
    merge: since(after.merge, before.merge),
    subRequests: since(after.subRequests, before.subRequests),
    request: since(after.request, before.request),
  };
  if (!into) return d;
  return {
    merge: pooled(into.merge, d.merge),
    subRequests: pooled(into.subRequests, d.subRequests),
    request: pooled(into.request, d.request),
  };
}

// ------------------------------------------------------------------ the run

async function main(): Promise<void> {
  const started = performance.now();
  console.log('Mishards coordinator benchmark (npm run bench:cluster)');
  console.log(
    `data     ${fmtInt(ROWS)} x ${DIM} float32, ${CLUSTERS} clusters (bench/clustered-data.ts, seed ${SEED}); ` +
      `${fmtInt(QUERIES)} queries from the same mixture, not in the data; nq=1, top ${K}, L2; ` +
      `HNSW M=${HNSW.M} efConstruction=${HNSW.efConstruction}, searched at the server default ef=${HNSW_DEFAULTS.ef}`,
  );
  console.log(`machine  ${machineNote()}`);
  console.log(`start    ${loadNote()}`);
  console.log(
    "note     the bench client, the coordinator and every node share this machine's cores, with any other work running on it; " +
      'the load average above and in every phase says how busy it was: wall-clock figures move with it',
  );

  let t = performance.now();
  const vectors = clusteredVectors(ROWS, DIM, CLUSTERS, SEED);
  const queries = clusteredVectors(QUERIES, DIM, CLUSTERS, SEED, ROWS);
  const query = (q: number) => queries.subarray(q * DIM, (q + 1) * DIM);
  const genMs = performance.now() - t;
  t = performance.now();
  const truth = bruteForceTopK(vectors, DIM, queries, QUERIES, K, 'L2');
  console.log(
    `prepared data in ${seconds(genMs)} s; exact top ${K} of every query by the naive brute force in ${seconds(performance.now() - t)} s`,
  );

  const dir = await mkdtemp(join(tmpdir(), 'mishards-cluster-bench-'));
  defer(() => rm(dir, { recursive: true, force: true }));

  // 1. The single node.
  section(
    `1. Direct: \`mishards writer\` alone (--seal-rows ${SINGLE_SEAL_ROWS}: Flush seals one segment), SDK inserts of ${INSERT_BATCH} rows, ${INSERT_IN_FLIGHT} in flight; Flush; DescribeIndex until all rows are indexed`,
  );
  const writer = await BenchWriter.start({ dir: join(dir, 'writer'), rows: ROWS, dim: DIM, sealRows: SINGLE_SEAL_ROWS, hnsw: HNSW });
  defer(() => writer.stop());
  await writer.createCollection();
  const writerInsert = await writer.insertAll(vectors, INSERT_BATCH, INSERT_IN_FLIGHT);
  const writerIndexed = await writer.flushAndWaitIndexed();
  console.log(
    `inserted in ${seconds(writerInsert.ms)} s; Flush answered in ${seconds(writerIndexed.flushMs)} s; all rows indexed ${seconds(writerIndexed.indexedMs)} s after the last insert`,
  );

  // 2. The cluster.
  section(
    `2. Cluster: \`mishards up --readers 3 --seal-rows ${SEAL_ROWS}\`, one SDK insert of ${fmtInt(SEAL_ROWS)} rows per segment through the coordinator; Flush; DescribeIndex until all rows are indexed; readers polled (ListSegments) until they hold every sealed segment`,
  );
  const cluster = await BenchCluster.start(join(dir, 'cluster'), SEAL_ROWS);
  defer(() => cluster.stop());
  await cluster.createCollection(DIM, HNSW);
  const clusterInsertMs = await cluster.insertSegments(vectors, DIM, SEAL_ROWS);
  const clusterIndexed = await cluster.flushAndWaitIndexed(ROWS);
  const placed = await cluster.waitPlaced(ROWS);
  console.log(
    `inserted in ${seconds(clusterInsertMs)} s; Flush answered in ${seconds(clusterIndexed.flushMs)} s; all rows indexed ${seconds(clusterIndexed.indexedMs)} s after the last insert; ` +
      `readers held every segment ${seconds(placed.ms)} s later`,
  );
  // Readers open a segment's index on the first search after the writer published it: search
  // once through every segment, then check that no reader would fall back to an exact scan.
  for (let q = 0; q < 20; q++) await cluster.search(0, query(q));
  const holdings = await cluster.holdings();
  console.log(
    table(
      ['reader', 'group', 'segments', 'rows', 'index'],
      holdings.map((h) => [
        h.name,
        h.group,
        h.segments
          .map((s) => s.id)
          .sort((a, b) => a - b)
          .join(' '),
        fmtInt(h.segments.reduce((n, s) => n + s.rows, 0)),
        [...new Set(h.segments.map((s) => s.indexType || 'none'))].join(' '),
      ]),
    ),
  );
  const unindexed = holdings.flatMap((h) => h.segments.filter((s) => s.indexType !== 'HNSW').map((s) => `${s.id} on ${h.name}`));
  if (unindexed.length) throw new Error(`segments served without their HNSW index: ${unindexed.join(', ')}`);
  const segmentCount = new Set(holdings.flatMap((h) => h.segments.map((s) => s.id))).size;

  // 3. Searches, all paths side by side, ROUNDS times.
  const clusterRoles = Object.fromEntries(ROLES.map((role) => [role, cluster.pidsOf(role)]));
  const fresh = { rounds: [], cpuUs: {}, searches: 0 };
  const direct = (clients: number): Path => ({
    label: 'direct: writer alone, 1 segment',
    clients,
    search: (c, q) => writer.search(c, query(q), undefined),
    roles: { writer: [writer.pid] },
    coordinator: false,
    ...structuredClone(fresh),
  });
  const viaCoordinator = (clients: number): Path => ({
    label: 'coordinator: 3 reader groups + writer (Bounded)',
    clients,
    search: (c, q) => cluster.search(c, query(q)),
    roles: clusterRoles,
    coordinator: true,
    ...structuredClone(fresh),
  });
  const paths: Path[] = [
    direct(1),
    viaCoordinator(1),
    {
      label: 'coordinator: 3 reader groups only (Eventually)',
      clients: 1,
      search: (_, q) => cluster.search(0, query(q), true),
      roles: clusterRoles,
      coordinator: true,
      ...structuredClone(fresh),
    },
    {
      label: `cluster's writer direct: same ${segmentCount} segments, one process`,
      clients: 1,
      search: (_, q) => cluster.searchWriter(query(q)),
      roles: { writer: cluster.pidsOf('writer') },
      coordinator: false,
      ...structuredClone(fresh),
    },
    direct(CLIENTS),
    viaCoordinator(CLIENTS),
  ];
  const [direct1, coord1, eventually1, clusterWriter1, directN, coordN] = paths as [Path, Path, Path, Path, Path, Path];

  section(
    `3. Searches through the SDK, nq=1, top ${K}, sequential and ${CLIENTS} concurrent clients; every path once per round, ` +
      `${ROUNDS} rounds (odd rounds in reverse order), each measurement >= ${MIN_MS / 1000} s after a 100-query warm-up; CPU includes the servers`,
  );
  for (let r = 0; r < ROUNDS; r++) {
    const rows: (string | number)[][] = [];
    for (const p of r % 2 === 0 ? paths : [...paths].reverse()) {
      const before = p.coordinator ? observe(await scrape(cluster.metricsAddress)) : undefined;
      const cpu0 = cpuByRole(p);
      const figures = await timeQueries(QUERIES, truth, p.search, {
        clients: p.clients,
        minMs: MIN_MS,
        pids: Object.values(p.roles).flat(),
      });
      const cpu1 = cpuByRole(p);
      if (before) p.observed = accumulate(p.observed, before, observe(await scrape(cluster.metricsAddress)));
      for (const role of Object.keys(cpu1) as (keyof typeof cpu1)[]) p.cpuUs[role] = (p.cpuUs[role] ?? 0) + cpu1[role]! - cpu0[role]!;
      // timeQueries' untimed warm-up pass: min(queries, 100) searches.
      p.searches += figures.queries + Math.min(QUERIES, 100);
      p.rounds.push(figures);
      rows.push([p.label, p.clients, ...figureCells(figures)]);
    }
    console.log(`\nround ${r + 1} of ${ROUNDS}; ${loadNote()}`);
    console.log(table(['path', 'clients', ...FIGURE_HEADERS], rows));
  }

  // Summary.
  section(
    `Summary: median of ${ROUNDS} rounds (${fmtInt(ROWS)} x ${DIM}, nq=1, top ${K}, ef=${HNSW_DEFAULTS.ef}; ${segmentCount} segments on the cluster)`,
  );
  const med = new Map(paths.map((p) => [p, medianFigures(p.rounds)]));
  console.log(
    table(
      ['path', 'clients', ...FIGURE_HEADERS],
      paths.map((p) => [p.label, p.clients, ...figureCells(med.get(p)!)]),
    ),
  );

  const compare = (d: Path, c: Path) => {
    const a = med.get(d)!;
    const b = med.get(c)!;
    return [
      c.clients,
      (b.qps / a.qps).toFixed(2),
      (b.p50Ms / a.p50Ms).toFixed(2),
      (b.p99Ms / a.p99Ms).toFixed(2),
      (b.p50Ms - a.p50Ms).toFixed(3),
      (b.p99Ms - a.p99Ms).toFixed(3),
    ];
  };
  console.log('\nCoordinator (Bounded, the SDK default) against direct:');
  console.log(
    table(
      ['clients', 'QPS ratio', 'p50 ratio', 'p99 ratio', 'p50 added ms', 'p99 added ms'],
      [compare(direct1, coord1), compare(directN, coordN)],
    ),
  );
  const step = (from: Path, to: Path) => `${(med.get(to)!.p50Ms - med.get(from)!.p50Ms).toFixed(3)} ms at p50`;
  console.log(
    `where the sequential p50 goes: ${segmentCount} segments instead of one (cluster's writer direct - direct) ${step(direct1, clusterWriter1)}; ` +
      `the coordinator's fan-out to three readers (Eventually - cluster's writer direct) ${step(clusterWriter1, eventually1)}; ` +
      `the writer's sub-request of a Bounded search (Bounded - Eventually) ${step(eventually1, coord1)}`,
  );

  console.log(`\nCPU time per search by process, all rounds pooled (us; client = this process: the SDK and the timing loop):`);
  const cpuHeaders = ['client', ...ROLES] as const;
  console.log(
    table(
      ['path', 'clients', ...cpuHeaders, 'total'],
      paths.map((p) => {
        const per = (role: keyof Path['cpuUs']) => (p.cpuUs[role] === undefined ? '-' : (p.cpuUs[role]! / p.searches).toFixed(0));
        const total = Object.values(p.cpuUs).reduce((a, b) => a + b, 0) / p.searches;
        return [p.label, p.clients, ...cpuHeaders.map(per), total.toFixed(0)];
      }),
    ),
  );

  console.log(
    `\nCoordinator histograms over the timed and warm-up searches of all ${ROUNDS} rounds (mishards_*_seconds on its metrics port; ` +
      'means exact, quantiles interpolated within the bucket shown):',
  );
  const histRows: (string | number)[][] = [];
  for (const p of [coord1, eventually1, coordN]) {
    const o = p.observed!;
    const tag = `${p.clients} client${p.clients > 1 ? 's' : ''}, ${p === eventually1 ? 'Eventually' : 'Bounded'}`;
    histRows.push([`merge (${tag})`, ...histogramCells(o.merge.get(''))]);
    histRows.push([`Search request in the coordinator (${tag})`, ...histogramCells(o.request.get(''))]);
    for (const [target, h] of [...o.subRequests].sort(([a], [b]) => a.localeCompare(b)))
      histRows.push([`sub-request ${target} (${tag})`, ...histogramCells(h)]);
  }
  console.log(table(['histogram', ...HISTOGRAM_HEADERS], histRows));

  const addedP50 = med.get(coord1)!.p50Ms - med.get(direct1)!.p50Ms;
  const coordP99 = med.get(coord1)!.p99Ms;
  const atGoalSize = ROWS === 100_000;
  const verdict = (met: boolean) => (atGoalSize ? (met ? 'met' : 'MISSED') : '- (goal stated at 100k)');
  console.log(
    `\nGoals (issue 4; 100k x 128, nq=1, k=10, sequential):\n${table(
      ['goal', 'measured', 'verdict'],
      [
        [`coordinator adds <= ${GOAL.addedP50Ms} ms at p50`, `${addedP50.toFixed(3)} ms`, verdict(addedP50 <= GOAL.addedP50Ms)],
        [`coordinator p99 < ${GOAL.p99Ms} ms`, `${coordP99.toFixed(3)} ms`, verdict(coordP99 < GOAL.p99Ms)],
      ],
    )}`,
  );
  console.log(`\nfinished in ${seconds(performance.now() - started)} s; ${loadNote()}`);
}

await runBench('bench:cluster', exit, main);

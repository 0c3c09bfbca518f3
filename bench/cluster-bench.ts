/**
 * `npm run bench:cluster`: the distributed search path against the bare grpc-js floor, in one
 * run (method and goals in docs/performance.md; earlier figures in docs/coordinator.md,
 * "Benchmarks").
 *
 * The same data (clustered synthetic 100k x 128, seeded; BENCH_ROWS=N for a smaller smoke
 * run, BENCH_QUERIES=N for another query count), HNSW with the engine defaults, searched with
 * nq = 1, top 10, through the official SDK:
 *   1. direct: `mishards writer` alone holding all rows in one flushed, indexed segment;
 *   2. through the coordinator of `mishards up --readers 3`, the rows in ~12 sealed segments
 *      spread over the three reader groups, and the cluster's writer searched directly (the
 *      same segments in one process);
 *   3. the floor: bare grpc-js calls of a real sub-request's and partial's sizes, to a leaf
 *      directly and through a relay fanning out to three leaves (bench/grpc-floor.ts);
 *   4. CPU per search of every process, engine time per request of every data node (histogram
 *      mishards_engine_search_seconds), the coordinator's histograms;
 *   5. the goals: ratios of those figures to the floor and to the one-process search;
 *   6. after compaction (ManualCompaction through the coordinator, default --segment-size):
 *      the coordinator path again on the compacted segments, next to the ~12-segment figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HNSW_DEFAULTS } from '../engine/index.js';
import { bruteForceTopK, clusteredVectors, DATA } from './clustered-data.js';
import { gauges, histograms, mean, pooled, quantile, scrape, since, type Histogram, type Series } from './cluster-metrics.js';
import { BenchCluster, sealRowsFor } from './cluster-up.js';
import { GrpcFloor } from './grpc-floor.js';
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
/** Leaves behind the floor's relay: as many as the cluster's reader groups. */
const FLOOR_LEAVES = 3;
/** Goals, as ratios to figures of the same run (docs/performance.md). */
const GOAL = {
  /** A data node's CPU per request minus its engine CPU, to the bare leaf's CPU per call. */
  dataNodeOverLeaf: 2,
  /** The coordinator's CPU per search, to the bare relay's CPU per call. */
  coordinatorOverRelay: 1.5,
  /** All server processes' CPU per search, to the same segments searched in one process. */
  clusterOverOneProcess: 1.5,
  /** The coordinator path's p99, to the same segments searched in one process. */
  p99OverOneProcess: 2,
};
const ENGINE_HISTOGRAM = 'mishards_engine_search_seconds';
/**
 * The largest reader group's rows over the smallest: the issue's goal for the benchmark's 12
 * equal segments (the router keeps every group within 0.8x..1.25x the mean, docs/routing.md).
 */
const PLACEMENT_BOUND = 1.25;

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

const ROLES = ['coordinator', 'reader', 'writer', 'up', 'relay', 'leaf'] as const;
type Role = (typeof ROLES)[number];

/** A server process whose CPU time counts towards a path's searches. */
interface Proc {
  role: Role;
  /** Unique in the run: the key of its CPU and engine time. */
  name: string;
  pid: number;
  /** A data node's metrics address, where its engine time is read. */
  metricsAddress?: string;
}

/** Engine time of a data node's search requests: histogram sum (seconds) and count. */
interface EngineTime {
  sum: number;
  count: number;
}

interface Path {
  label: string;
  clients: number;
  search: (client: number, q: number) => Promise<Ids>;
  /** False for the floor: its calls carry bytes, not queries, so it has no recall. */
  answersQueries: boolean;
  procs: Proc[];
  /** Read the coordinator's histograms around each measurement. */
  coordinator: boolean;
  rounds: SearchFigures[];
  observed?: CoordinatorObservations;
  /** CPU time by process name ('client' is this process) and searches, over all rounds, warm-up included. */
  cpuUs: Record<string, number>;
  /** Engine time by data node over all rounds; null when a scrape lacked the histogram. */
  engine: Record<string, EngineTime | null>;
  searches: number;
}

function cpuByProcess(p: Path): Record<string, number> {
  return { client: ownCpuUs(), ...Object.fromEntries(p.procs.map((x) => [x.name, serverCpuUs([x.pid])])) };
}

/** The engine histogram's totals on every data node of the path; undefined where it is absent. */
async function engineTimes(p: Path): Promise<Map<string, EngineTime | undefined>> {
  const nodes = p.procs.filter((x) => x.metricsAddress);
  const read = async (x: Proc) => histograms(await scrape(x.metricsAddress!), ENGINE_HISTOGRAM).get('');
  return new Map(await Promise.all(nodes.map(async (x) => [x.name, await read(x)] as const)));
}

function addEngineTimes(p: Path, before: Map<string, EngineTime | undefined>, after: Map<string, EngineTime | undefined>): void {
  for (const [name, a] of after) {
    const b = before.get(name);
    const sofar = p.engine[name];
    p.engine[name] =
      !a || !b || sofar === null ? null : { sum: (sofar?.sum ?? 0) + a.sum - b.sum, count: (sofar?.count ?? 0) + a.count - b.count };
  }
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
  console.log(holdingsTable(holdings));
  const unindexed = holdings.flatMap((h) => h.segments.filter((s) => s.indexType !== 'HNSW').map((s) => `${s.id} on ${h.name}`));
  if (unindexed.length) throw new Error(`segments served without their HNSW index: ${unindexed.join(', ')}`);
  // The placement the coordinator computed (its last reconciliation pass): rows per group.
  const groupRows = gauges(await scrape(cluster.metricsAddress), 'mishards_group_rows', 'group');
  const placedRows = [...groupRows.values()];
  const maxOverMean = Math.max(...placedRows) / (placedRows.reduce((a, b) => a + b, 0) / placedRows.length);
  const maxOverMin = Math.max(...placedRows) / Math.min(...placedRows);
  console.log(
    `placement (mishards_group_rows): ${[...groupRows].map(([g, rows]) => `${g} ${fmtInt(rows)}`).join(', ')}; ` +
      `largest group over the mean ${maxOverMean.toFixed(3)}, over the smallest ${maxOverMin.toFixed(3)} (bound ${PLACEMENT_BOUND})`,
  );
  if (placedRows.length !== 3 || maxOverMin > PLACEMENT_BOUND)
    throw new Error(
      `placement out of bounds: ${JSON.stringify([...groupRows])} (largest group over the smallest must be <= ${PLACEMENT_BOUND})`,
    );
  const segmentCount = new Set(holdings.flatMap((h) => h.segments.map((s) => s.id))).size;
  const segmentsOf = new Map(holdings.map((h) => [h.name, h.segments.length]));

  // 3. The floor.
  const sizes = await cluster.partialBytes(query(0));
  section(
    `3. Floor: bare grpc-js unary calls on loopback, raw bytes of a real sub-request (${fmtInt(sizes.request)} B) and partial answer (${fmtInt(sizes.answer)} B) ` +
      `of one reader; a leaf answering a fixed buffer, called directly and as one of ${FLOOR_LEAVES} behind a relay that calls them in parallel; every party its own process`,
  );
  const floor = await GrpcFloor.start({ leaves: FLOOR_LEAVES, requestBytes: sizes.request, answerBytes: sizes.answer });
  defer(() => floor.stop());
  const leafProcs: Proc[] = floor.leaves.map((l) => ({ role: 'leaf', name: l.name, pid: l.pid }));
  const relayProc: Proc = { role: 'relay', name: floor.relay.name, pid: floor.relay.pid };

  // 4. Searches, all paths side by side, ROUNDS times.
  const nodes = await cluster.dataNodes();
  const clusterProcs: Proc[] = [
    ...(['coordinator', 'up'] as const).flatMap((role) => cluster.pidsOf(role).map((pid) => ({ role, name: role, pid }))),
    ...nodes.map((n) => ({ role: n.role, name: n.name, pid: n.pid, metricsAddress: n.metricsAddress })),
  ];
  const clusterWriterProcs = clusterProcs.filter((x) => x.role === 'writer');
  const fresh = { answersQueries: true, rounds: [], cpuUs: {}, engine: {}, searches: 0 };
  const direct = (clients: number): Path => ({
    label: 'direct: writer alone, 1 segment',
    clients,
    search: (c, q) => writer.search(c, query(q), undefined),
    procs: [{ role: 'writer', name: 'writer alone', pid: writer.pid, metricsAddress: writer.proc.addresses.metrics! }],
    coordinator: false,
    ...structuredClone(fresh),
  });
  const viaCoordinator = (clients: number): Path => ({
    label: 'coordinator: 3 reader groups + writer (Bounded)',
    clients,
    search: (c, q) => cluster.search(c, query(q)),
    procs: clusterProcs,
    coordinator: true,
    ...structuredClone(fresh),
  });
  const noIds: Ids = [];
  const paths: Path[] = [
    {
      label: 'floor: bare leaf, called directly',
      clients: 1,
      search: () => floor.callLeaf().then(() => noIds),
      procs: leafProcs.slice(0, 1),
      coordinator: false,
      ...structuredClone(fresh),
      answersQueries: false,
    },
    {
      label: `floor: bare relay -> ${FLOOR_LEAVES} bare leaves`,
      clients: 1,
      search: () => floor.callRelay().then(() => noIds),
      procs: [relayProc, ...leafProcs],
      coordinator: false,
      ...structuredClone(fresh),
      answersQueries: false,
    },
    direct(1),
    viaCoordinator(1),
    {
      label: 'coordinator: 3 reader groups only (Eventually)',
      clients: 1,
      search: (_, q) => cluster.search(0, query(q), true),
      procs: clusterProcs,
      coordinator: true,
      ...structuredClone(fresh),
    },
    {
      label: `cluster's writer direct: same ${segmentCount} segments, one process`,
      clients: 1,
      search: (_, q) => cluster.searchWriter(query(q)),
      procs: clusterWriterProcs,
      coordinator: false,
      ...structuredClone(fresh),
    },
    direct(CLIENTS),
    viaCoordinator(CLIENTS),
  ];
  const [leaf1, relayed1, direct1, coord1, eventually1, clusterWriter1, directN, coordN] = paths as [
    Path,
    Path,
    Path,
    Path,
    Path,
    Path,
    Path,
    Path,
  ];
  const cells = (p: Path, f: SearchFigures) => {
    const c = figureCells(f);
    return p.answersQueries ? c : ['-', ...c.slice(1)];
  };

  section(
    `4. Searches (and floor calls) through the SDK, nq=1, top ${K}, sequential and ${CLIENTS} concurrent clients; every path once per round, ` +
      `${ROUNDS} rounds (odd rounds in reverse order), each measurement >= ${MIN_MS / 1000} s after a 100-query warm-up; CPU includes the servers`,
  );
  /** Every path of `measured` once per round, ROUNDS rounds, odd rounds in reverse order; a table per round. */
  const runRounds = async (measured: Path[]) => {
    for (let r = 0; r < ROUNDS; r++) {
      const rows: (string | number)[][] = [];
      for (const p of r % 2 === 0 ? measured : [...measured].reverse()) {
        const before = p.coordinator ? observe(await scrape(cluster.metricsAddress)) : undefined;
        const engine0 = await engineTimes(p);
        const cpu0 = cpuByProcess(p);
        const figures = await timeQueries(QUERIES, truth, p.search, {
          clients: p.clients,
          minMs: MIN_MS,
          pids: p.procs.map((x) => x.pid),
        });
        const cpu1 = cpuByProcess(p);
        addEngineTimes(p, engine0, await engineTimes(p));
        if (before) p.observed = accumulate(p.observed, before, observe(await scrape(cluster.metricsAddress)));
        for (const name of Object.keys(cpu1)) p.cpuUs[name] = (p.cpuUs[name] ?? 0) + cpu1[name]! - cpu0[name]!;
        // timeQueries' untimed warm-up pass: min(queries, 100) searches.
        p.searches += figures.queries + Math.min(QUERIES, 100);
        p.rounds.push(figures);
        rows.push([p.label, p.clients, ...cells(p, figures)]);
      }
      console.log(`\nround ${r + 1} of ${ROUNDS}; ${loadNote()}`);
      console.log(table(['path', 'clients', ...FIGURE_HEADERS], rows));
    }
  };
  await runRounds(paths);

  // Summary.
  section(
    `Summary: median of ${ROUNDS} rounds (${fmtInt(ROWS)} x ${DIM}, nq=1, top ${K}, ef=${HNSW_DEFAULTS.ef}; ${segmentCount} segments on the cluster)`,
  );
  const med = new Map(paths.map((p) => [p, medianFigures(p.rounds)]));
  console.log(
    table(
      ['path', 'clients', ...FIGURE_HEADERS],
      paths.map((p) => [p.label, p.clients, ...cells(p, med.get(p)!)]),
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

  console.log(
    `\nCPU time per search (floor: per call) by role, all rounds pooled (us; client = this process: the SDK or the bare client, and the timing loop):`,
  );
  const perSearch = (p: Path, name: string) => p.cpuUs[name]! / p.searches;
  const roleUs = (p: Path, role: Role) => {
    const procs = p.procs.filter((x) => x.role === role);
    return procs.length === 0 ? '-' : procs.reduce((sum, x) => sum + perSearch(p, x.name), 0).toFixed(0);
  };
  console.log(
    table(
      ['path', 'clients', 'client', ...ROLES, 'total'],
      paths.map((p) => {
        const total = Object.values(p.cpuUs).reduce((a, b) => a + b, 0) / p.searches;
        return [p.label, p.clients, perSearch(p, 'client').toFixed(0), ...ROLES.map((role) => roleUs(p, role)), total.toFixed(0)];
      }),
    ),
  );

  /** Engine CPU per request of a data node on a path, in us; undefined without the histogram. */
  const engineUs = (p: Path, name: string) => {
    const e = p.engine[name];
    return e && e.count > 0 ? (e.sum / e.count) * 1e6 : undefined;
  };
  const us = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(0));
  const dataNodeRows = [direct1, clusterWriter1, coord1, eventually1].flatMap((p) =>
    p.procs
      .filter((x) => x.metricsAddress)
      .map((x) => {
        const e = p.engine[x.name];
        return [p.label, x.name, us(perSearch(p, x.name)), us(engineUs(p, x.name)), e ? fmtInt(e.count) : '-'];
      }),
  );
  console.log(
    `\nData nodes, sequential paths, all rounds pooled (engine: ${ENGINE_HISTOGRAM} sum / count; '-' where a node does not export it):`,
  );
  console.log(table(['path', 'node', 'CPU us/search', 'engine us/request', 'requests'], dataNodeRows));

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

  // 5. The goals.
  const leafUs = perSearch(leaf1, leafProcs[0]!.name);
  const leafBehindRelayUs = leafProcs.reduce((sum, x) => sum + perSearch(relayed1, x.name), 0) / leafProcs.length;
  const relayUs = perSearch(relayed1, relayProc.name);
  const verdict = (ratio: number, goal: number) => (ratio <= goal ? 'met' : 'MISSED');
  const ratioRow = (goal: string, limit: number, value: number, floorValue: number, how: string) => {
    const ratio = value / floorValue;
    return [goal, `${ratio.toFixed(2)}x`, how, verdict(ratio, limit)];
  };
  const dataNodeGoal = (p: Path, x: Proc, what: string, floorUs: number, floorName: string) => {
    const goal = `${what}: CPU - engine <= ${GOAL.dataNodeOverLeaf}x ${floorName}`;
    const cpu = perSearch(p, x.name);
    const engine = engineUs(p, x.name);
    if (engine === undefined) return [goal, '-', `(${us(cpu)} - engine -) / ${us(floorUs)}`, '-'];
    return ratioRow(goal, GOAL.dataNodeOverLeaf, cpu - engine, floorUs, `(${us(cpu)} - ${us(engine)}) / ${us(floorUs)}`);
  };
  const serversUs = coord1.procs.reduce((sum, x) => sum + perSearch(coord1, x.name), 0);
  const oneProcessUs = perSearch(clusterWriter1, clusterWriterProcs[0]!.name);
  const goals = [
    dataNodeGoal(direct1, direct1.procs[0]!, 'writer alone, 1 segment, direct', leafUs, 'the leaf'),
    dataNodeGoal(clusterWriter1, clusterWriterProcs[0]!, `cluster's writer, ${segmentCount} segments, direct`, leafUs, 'the leaf'),
    ...coord1.procs
      .filter((x) => x.role === 'reader')
      .map((x) =>
        dataNodeGoal(
          coord1,
          x,
          `${x.name} (${segmentsOf.get(x.name) ?? 0} segment${segmentsOf.get(x.name) === 1 ? '' : 's'}) in the cluster`,
          leafBehindRelayUs,
          'a leaf behind the relay',
        ),
      ),
    ratioRow(
      `coordinator CPU <= ${GOAL.coordinatorOverRelay}x the relay`,
      GOAL.coordinatorOverRelay,
      perSearch(coord1, 'coordinator'),
      relayUs,
      `${us(perSearch(coord1, 'coordinator'))} / ${us(relayUs)}`,
    ),
    ratioRow(
      `all cluster servers' CPU <= ${GOAL.clusterOverOneProcess}x one process`,
      GOAL.clusterOverOneProcess,
      serversUs,
      oneProcessUs,
      `${us(serversUs)} / ${us(oneProcessUs)}`,
    ),
    ratioRow(
      `coordinator p99 <= ${GOAL.p99OverOneProcess}x one process`,
      GOAL.p99OverOneProcess,
      med.get(coord1)!.p99Ms,
      med.get(clusterWriter1)!.p99Ms,
      `${med.get(coord1)!.p99Ms.toFixed(3)} / ${med.get(clusterWriter1)!.p99Ms.toFixed(3)} ms`,
    ),
  ];
  console.log(
    `\nGoals (docs/performance.md): ratios within this run; sequential Bounded searches through the coordinator; CPU in us per search or call, ` +
      `all rounds pooled; p99 the median of ${ROUNDS} rounds; one process = the cluster's writer direct, same ${segmentCount} segments` +
      (ROWS === 100_000 ? '' : `; this run has ${fmtInt(ROWS)} rows, the goals are stated at 100,000`),
  );
  console.log(table(['goal', 'ratio', 'measured', 'verdict'], goals));
  // What the cluster goal allows: with every process at its floor (its bare grpc-js hop plus
  // its engine time), the ratio cannot go below this; above the goal, no work on overhead can
  // meet it at this data size, only more engine work per search can.
  const readers = coord1.procs.filter((x) => x.role === 'reader');
  const readersEngineUs = readers.reduce((sum, x) => sum + (engineUs(coord1, x.name) ?? 0), 0);
  const oneProcessEngineUs = engineUs(clusterWriter1, clusterWriterProcs[0]!.name) ?? 0;
  const floorClusterUs = relayUs + readers.length * leafBehindRelayUs + readersEngineUs;
  const floorOneUs = leafUs + oneProcessEngineUs;
  console.log(
    `\nThe cluster goal at the floor: relay ${us(relayUs)} + ${readers.length} leaves behind it ${us(readers.length * leafBehindRelayUs)} ` +
      `+ readers' engine ${us(readersEngineUs)} = ${us(floorClusterUs)} against the leaf ${us(leafUs)} + one process's engine ` +
      `${us(oneProcessEngineUs)} = ${us(floorOneUs)}: ${(floorClusterUs / floorOneUs).toFixed(2)}x with nothing above the floor anywhere.`,
  );

  // 6. After compaction.
  section(
    "6. After compaction: ManualCompaction through the coordinator (the writer's default --segment-size), GetCompactionState until Completed, " +
      `readers polled until they hold exactly the segments in service; then the coordinator path again, ${ROUNDS} rounds`,
  );
  const compacted = await cluster.compactAndWaitPlaced();
  console.log(
    `${segmentCount} segments compacted into ${compacted.segments} in ${seconds(compacted.compactMs)} s (Completed); ` +
      `the readers held the new set, the old one released, ${seconds(compacted.placedMs)} s later`,
  );
  console.log(holdingsTable(await cluster.holdings()));
  const afterCompaction = (clients: number): Path => ({
    ...viaCoordinator(clients),
    label: `coordinator after compaction: ${compacted.segments} segment${compacted.segments === 1 ? '' : 's'} (Bounded)`,
  });
  const compactedPaths = [afterCompaction(1), afterCompaction(CLIENTS)];
  await runRounds(compactedPaths);
  const serverUs = (p: Path) => p.procs.reduce((sum, x) => sum + perSearch(p, x.name), 0);
  const compactedMed = new Map(compactedPaths.map((p) => [p, medianFigures(p.rounds)]));
  console.log(
    `\nThe coordinator path before and after compaction (median of ${ROUNDS} rounds; CPU per search of every cluster process, all rounds pooled):`,
  );
  const compared = [
    { segments: segmentCount, path: coord1, figures: med.get(coord1)! },
    { segments: compacted.segments, path: compactedPaths[0]!, figures: compactedMed.get(compactedPaths[0]!)! },
    { segments: segmentCount, path: coordN, figures: med.get(coordN)! },
    { segments: compacted.segments, path: compactedPaths[1]!, figures: compactedMed.get(compactedPaths[1]!)! },
  ];
  console.log(
    table(
      ['segments', 'clients', 'QPS', 'p50 ms', 'p99 ms', 'coordinator CPU us', 'readers CPU us', 'writer CPU us', 'servers CPU us'],
      compared.map(({ segments, path, figures }) => [
        segments,
        path.clients,
        fmtInt(figures.qps),
        figures.p50Ms.toFixed(3),
        figures.p99Ms.toFixed(3),
        roleUs(path, 'coordinator'),
        roleUs(path, 'reader'),
        roleUs(path, 'writer'),
        serverUs(path).toFixed(0),
      ]),
    ),
  );
  console.log(`\nfinished in ${seconds(performance.now() - started)} s; ${loadNote()}`);
}

/** What each reader holds: segment ids, rows and index types. */
function holdingsTable(holdings: Awaited<ReturnType<BenchCluster['holdings']>>): string {
  return table(
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
  );
}

await runBench('bench:cluster', exit, main);

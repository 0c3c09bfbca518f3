/**
 * `npm run bench:node`: the data-node benchmark of issue 2 (method in docs/data-nodes.md,
 * "Benchmarks").
 *
 *   1. inserts through the Milvus SDK into `mishards writer` started by the CLI, with the
 *      writer's CPU per row against the floor: a bare grpc-js unary server receiving the same
 *      request bytes (bench/insert-floor.ts);
 *   2. time from the end of inserts to Flush + every row in an indexed sealed segment;
 *   3. search QPS, p50/p99 and recall@10 for HNSW and FLAT: (a) engine level, in this
 *      process on one thread, with an `ef` sweep, and IVF_FLAT / IVF_SQ8 over the same segment
 *      with an `nprobe` sweep; (b) end to end through the SDK;
 *   4. LanceDB embedded on the same data, same queries, same method, at matched recall;
 *   5. every vector index type at its default parameters, per vector kind (bench/index-types.ts):
 *      recall@10 and QPS next to HNSW's, on BENCH_INDEX_ROWS rows (default 20,000).
 *
 * Sizes: 100k x 128 by default; BENCH_1M=1 (or --1m) for 1M x 128; BENCH_ROWS=N for any
 * other size (a smoke run). BENCH_QUERIES=N overrides the number of queries.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VectorSearchResult } from '../engine/engine.js';
import { HNSW_DEFAULTS } from '../engine/index.js';
import { bruteForceTopK, clusteredVectors, DATA } from './clustered-data.js';
import { EngineBench } from './node-engine.js';
import { LanceBench, type LanceParams } from './node-lancedb.js';
import { FIGURE_HEADERS, figureCells, fmtInt, loadNote, machineNote, table, timeQueries, type SearchFigures } from './node-measure.js';
import { BenchWriter } from './node-writer.js';
import { indexTypesTable, measureIndexTypes } from './index-types.js';
import { InsertFloor, sdkInsertRequest } from './insert-floor.js';
import { cleanupOnExit, envInt, runBench } from './bench-support.js';

const ONE_MILLION = process.env.BENCH_1M === '1' || process.argv.includes('--1m');
const ROWS = envInt('BENCH_ROWS', ONE_MILLION ? 1_000_000 : 100_000);
const { dim: DIM, clusters: CLUSTERS, seed: SEED, k: K } = DATA;
/** The naive reference costs ~0.25 us per row and query: fewer queries at 1M keep it to minutes. */
const QUERIES = envInt('BENCH_QUERIES', ROWS > 200_000 ? 500 : 1000);
/** An exact scan costs ~25 ms per query at 100k: FLAT is timed on a subset. */
const FLAT_QUERIES = Math.min(QUERIES, Math.max(20, Math.min(200, Math.round(1e7 / ROWS))));
const BATCH = 1000;
const INSERT_IN_FLIGHT = envInt('BENCH_INSERT_IN_FLIGHT', 16);
const CLIENTS = 4;
const HNSW = { M: HNSW_DEFAULTS.M, efConstruction: HNSW_DEFAULTS.efConstruction };
const EFS = [10, 16, 24, 32, 48, 64, 96, 128];
/** IVF indexes are timed at Milvus's default nlist, over a sweep of nprobe around its default (8). */
const IVF_NLIST = 128;
const NPROBES = [4, 8, 16];
const LANCE_EFS = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256];
const TARGET_RECALL = 0.95;
/** Section 5 builds ~20 indexes on one thread: a fixed size keeps it to about a minute. */
const INDEX_TYPE_ROWS = envInt('BENCH_INDEX_ROWS', Math.min(ROWS, 20_000));
const INDEX_TYPE_QUERIES = 200;
/** Each HNSW measurement repeats passes over the queries for at least this long. */
const MIN_MS = 2000;
/** Calls of the bare floor per measurement: enough 10 ms CPU ticks for a steady figure. */
const FLOOR_CALLS = 300;
const GOALS = {
  insertRowsPerSec: 50_000,
  /** The writer's CPU per inserted row, at most this multiple of the bare unary floor's. */
  insertCpuVsFloor: 4,
  oneThreadQps: ROWS === 100_000 ? 10_000 : ROWS === 1_000_000 ? 2_000 : undefined,
};

const exit = cleanupOnExit('the writer');
const defer = exit.defer;

// ------------------------------------------------------------------ helpers

const seconds = (ms: number) => (ms / 1000).toFixed(1);

function section(title: string): void {
  console.log(`\n${title}\n${loadNote()}`);
}

function firstQueries(truth: VectorSearchResult, n: number): VectorSearchResult {
  return { offsets: truth.offsets.slice(0, n), scores: truth.scores.slice(0, n) };
}

/** The smallest swept setting whose recall reaches the target (sweeps run in ascending cost). */
function firstReaching<T>(sweep: { params: T; figures: SearchFigures }[]): { params: T; figures: SearchFigures } | undefined {
  return sweep.find((s) => s.figures.recall >= TARGET_RECALL);
}

function verdict(met: boolean): string {
  return met ? 'met' : 'MISSED';
}

// ------------------------------------------------------------------ the run

async function main(): Promise<void> {
  const started = performance.now();
  console.log('Mishards data-node benchmark (npm run bench:node)');
  console.log(
    `data     ${fmtInt(ROWS)} x ${DIM} float32, ${CLUSTERS} clusters (bench/clustered-data.ts, seed ${SEED}); ` +
      `${fmtInt(QUERIES)} queries from the same mixture, not in the data; top ${K}, L2`,
  );
  console.log(`machine  ${machineNote()}`);
  console.log(`start    ${loadNote()}`);

  let t = performance.now();
  const vectors = clusteredVectors(ROWS, DIM, CLUSTERS, SEED);
  const queries = clusteredVectors(QUERIES, DIM, CLUSTERS, SEED, ROWS);
  const query = (q: number) => queries.subarray(q * DIM, (q + 1) * DIM);
  const genMs = performance.now() - t;
  t = performance.now();
  const truth = bruteForceTopK(vectors, DIM, queries, QUERIES, K, 'L2');
  const flatTruth = firstQueries(truth, FLAT_QUERIES);
  console.log(
    `prepared data in ${seconds(genMs)} s; exact top ${K} of every query by the naive brute force ` +
      `of bench/clustered-data.ts in ${seconds(performance.now() - t)} s`,
  );

  const dir = await mkdtemp(join(tmpdir(), 'mishards-bench-'));
  defer(() => rm(dir, { recursive: true, force: true }));

  // 1. Inserts through the SDK.
  section(
    `1. Insert through the Milvus SDK into \`mishards writer\` (CLI, --seal-rows ${ROWS}); the WAL is synced before every acknowledgement`,
  );
  // The floor is measured before and after the inserts, so that both see the same load.
  const floor = await InsertFloor.start(BATCH);
  const stopFloor = defer(() => floor.stop());
  const floorRows = Math.min(BATCH, ROWS);
  const floorRequest = sdkInsertRequest('bench', vectors, DIM, 0, floorRows);
  const floorCallUs = [await floor.cpuUsPerCall(floorRequest, FLOOR_CALLS, INSERT_IN_FLIGHT)];
  const writer = await BenchWriter.start({ dir: join(dir, 'writer'), rows: ROWS, dim: DIM, sealRows: ROWS, hnsw: HNSW });
  const stopWriter = defer(() => writer.stop());
  await writer.createCollection();
  const insert = await writer.insertAll(vectors, BATCH, INSERT_IN_FLIGHT);
  const insertRate = (ROWS * 1000) / insert.ms;
  console.log(
    table(
      ['rows', 'batch', 'in flight', 'seconds', 'rows/s', 'SDK CPU us/row', 'writer CPU us/row'],
      [
        [
          fmtInt(ROWS),
          fmtInt(BATCH),
          INSERT_IN_FLIGHT,
          (insert.ms / 1000).toFixed(2),
          fmtInt(insertRate),
          (insert.clientCpuUs / ROWS).toFixed(1),
          (insert.writerCpuUs / ROWS).toFixed(1),
        ],
      ],
    ),
  );
  // Client and writer share the cores: the writer's own cost says what it could absorb.
  console.log(
    `the writer spent ${(insert.writerCpuUs / ROWS).toFixed(1)} us of CPU per row: ` +
      `${fmtInt(1e6 / (insert.writerCpuUs / ROWS))} rows/s per core if the SDK ran elsewhere`,
  );
  floorCallUs.push(await floor.cpuUsPerCall(floorRequest, FLOOR_CALLS, INSERT_IN_FLIGHT));
  await stopFloor();
  const floorRowUs = floorCallUs.map((us) => us / floorRows);
  const floorUsPerRow = (floorRowUs[0]! + floorRowUs[1]!) / 2;
  const insertVsFloor = insert.writerCpuUs / ROWS / floorUsPerRow;
  console.log(
    `floor: a bare grpc-js unary server (own process) receiving the same ${fmtInt(floorRequest.length)}-byte ${floorRows}-row request ` +
      `as the SDK encodes it, ${INSERT_IN_FLIGHT} in flight: ${floorUsPerRow.toFixed(2)} us of CPU per row ` +
      `(before the inserts ${floorRowUs[0]!.toFixed(2)}, after ${floorRowUs[1]!.toFixed(2)})`,
  );
  console.log(
    `writer / floor CPU per row: ${insertVsFloor.toFixed(1)}x (goal <= ${GOALS.insertCpuVsFloor}x): ${verdict(insertVsFloor <= GOALS.insertCpuVsFloor)}`,
  );

  // 2. Sealed and indexed.
  section(
    '2. Time to sealed-and-indexed: from the last insert acknowledgement, Flush, then DescribeIndex polled until indexed_rows == total_rows',
  );
  const { flushMs, indexedMs } = await writer.flushAndWaitIndexed();
  console.log(
    table(
      ['index', 'Flush answered s', 'all rows indexed s'],
      [[`HNSW M=${HNSW.M} efConstruction=${HNSW.efConstruction}`, seconds(flushMs), seconds(indexedMs)]],
    ),
  );

  // 3a. Engine level, one thread.
  section('3a. Engine-level search: the sealed segment loaded in this process as a reader loads it, one query at a time (nq=1)');
  const engine = await EngineBench.open(join(dir, 'writer', 'storage'), DIM, HNSW.M);
  const closeEngine = defer(() => engine.close());
  const engineRows: (string | number)[][] = [];
  const sweep: { params: number; figures: SearchFigures }[] = [];
  for (const ef of EFS) {
    const figures = await timeQueries(QUERIES, truth, (_, q) => engine.index(query(q), ef), { minMs: MIN_MS });
    sweep.push({ params: ef, figures });
    engineRows.push(['VectorIndex.search, 1 worker', 'HNSW', ef, ...figureCells(figures)]);
  }
  const chosen = firstReaching(sweep);
  const matchedEf = chosen?.params ?? EFS[EFS.length - 1]!;
  const direct = await timeQueries(QUERIES, truth, async (_, q) => engine.direct(query(q), matchedEf), { minMs: MIN_MS });
  engineRows.push(['graph on the calling thread', 'HNSW', matchedEf, ...figureCells(direct)]);
  const layered = await timeQueries(QUERIES, truth, (_, q) => engine.segmentLayer(query(q), matchedEf), { minMs: MIN_MS });
  engineRows.push(['searchSegment (segment layer)', 'HNSW', matchedEf, ...figureCells(layered)]);
  const engineFlat = await timeQueries(FLAT_QUERIES, flatTruth, (_, q) => engine.exact(query(q)), { minMs: 0 });
  engineRows.push(['VectorIndex.search, 1 worker', 'FLAT', '-', ...figureCells(engineFlat)]);
  const ivfBuilds: string[] = [];
  for (const type of ['IVF_FLAT', 'IVF_SQ8'] as const) {
    ivfBuilds.push(`${type} nlist=${IVF_NLIST} built in ${seconds(await engine.buildIvf(type, IVF_NLIST))} s`);
    for (const nprobe of NPROBES) {
      const figures = await timeQueries(QUERIES, truth, (_, q) => engine.ivf(type, query(q), nprobe), { minMs: MIN_MS });
      engineRows.push(['VectorIndex.search, 1 worker', `${type} nlist=${IVF_NLIST}`, `nprobe=${nprobe}`, ...figureCells(figures)]);
    }
  }
  console.log(table(['path', 'index', 'ef / nprobe', ...FIGURE_HEADERS], engineRows));
  console.log(`${ivfBuilds.join('; ')} (one thread; Milvus's default nlist and nprobe are 128 and 8)`);
  console.log(
    chosen
      ? `smallest ef reaching recall@10 >= ${TARGET_RECALL}: ef=${matchedEf}, ${fmtInt(chosen.figures.qps)} QPS on one thread`
      : `no swept ef reached recall@10 >= ${TARGET_RECALL}; the largest (${matchedEf}) is used below`,
  );
  console.log(`segment: ${fmtInt(engine.rows)} rows; FLAT timed on the first ${FLAT_QUERIES} queries (one pass)`);
  await closeEngine();

  // 3b. End to end through the SDK.
  section(`3b. End-to-end search through the Milvus SDK against the writer (same host; CPU includes the writer process)`);
  const e2e = (clients: number, nq: number, ref: VectorSearchResult, ef: number | undefined, minMs: number) =>
    timeQueries(nq, ref, (c, q) => writer.search(c, query(q), ef), { clients, minMs, pids: [writer.pid] });
  const e2eRows: (string | number)[][] = [];
  const e2eRow = (index: string, ef: string | number, clients: number, f: SearchFigures) =>
    e2eRows.push([index, ef, clients, ...figureCells(f), f.serverCpuUsPerQuery.toFixed(0)]);
  const e2eDefault = await e2e(1, QUERIES, truth, undefined, MIN_MS);
  e2eRow('HNSW', `default (${HNSW_DEFAULTS.ef})`, 1, e2eDefault);
  e2eRow('HNSW', matchedEf, 1, await e2e(1, QUERIES, truth, matchedEf, MIN_MS));
  e2eRow('HNSW', matchedEf, CLIENTS, await e2e(CLIENTS, QUERIES, truth, matchedEf, MIN_MS));
  await writer.switchToFlat();
  e2eRow('FLAT', '-', 1, await e2e(1, FLAT_QUERIES, flatTruth, undefined, 0));
  e2eRow('FLAT', '-', CLIENTS, await e2e(CLIENTS, FLAT_QUERIES, flatTruth, undefined, 0));
  console.log(table(['index', 'ef', 'clients', ...FIGURE_HEADERS, 'of which writer'], e2eRows));
  await stopWriter();

  // 4. LanceDB embedded, same data and method.
  section('4. LanceDB embedded (@lancedb/lancedb 0.31.0) on the same vectors and queries, same method (in process, nq=1, sequential)');
  const lance = await LanceBench.create(join(dir, 'lancedb'), vectors, DIM, HNSW);
  defer(() => lance.bench.close());
  console.log(
    `table written in ${seconds(lance.writeMs)} s; IVF_HNSW_SQ (1 partition, m=${HNSW.M}, ef_construction=${HNSW.efConstruction}, L2) built in ${seconds(lance.indexMs)} s`,
  );
  console.log(
    'fair terms: one graph with the same degree and construction beam on each side, same queries and reference, ' +
      'same timing code; LanceDB queried its cheapest way (fastSearch, only id and _distance, Arrow results); its 8-bit SQ ' +
      'distances are cheaper than our float32 ones (it has no unquantized HNSW); both compared at their smallest ef reaching the target recall',
  );
  const lanceSweep: { params: LanceParams; figures: SearchFigures }[] = [];
  const lanceRows: (string | number)[][] = [];
  const runLance = async (p: LanceParams) => {
    const figures = await timeQueries(QUERIES, truth, (_, q) => lance.bench.search(query(q), p), { minMs: MIN_MS });
    lanceSweep.push({ params: p, figures });
    lanceRows.push([p.ef, p.refineFactor ?? '-', ...figureCells(figures)]);
  };
  for (const ef of LANCE_EFS) await runLance({ ef });
  // SQ distances can cap recall below the target; re-ranking on full vectors lifts the cap.
  if (!firstReaching(lanceSweep)) for (const ef of LANCE_EFS.filter((e) => e >= 4 * K)) await runLance({ ef, refineFactor: 4 });
  console.log(table(['ef', 'refine', ...FIGURE_HEADERS], lanceRows));
  const lanceChosen = firstReaching(lanceSweep);

  // 5. Every index type at its defaults.
  section(
    `5. Every vector index type at its default parameters: ${fmtInt(INDEX_TYPE_ROWS)} clustered rows x ${DIM} of each kind ` +
      `(sparse: ${DIM / 8} nonzeros a row), ${INDEX_TYPE_QUERIES} queries one at a time on one worker, recall@10 against the exact scan`,
  );
  const indexTypes = await measureIndexTypes(INDEX_TYPE_ROWS, DIM, INDEX_TYPE_QUERIES, MIN_MS);
  console.log(indexTypesTable(indexTypes, TARGET_RECALL));
  const indexTypesMissed = indexTypes.filter((r) => r.figures.recall < TARGET_RECALL);

  // Summary.
  section('Summary');
  const rows: (string | number)[][] = [];
  if (chosen) rows.push(['Mishards engine, VectorIndex, 1 worker', `ef=${matchedEf}`, ...figureCells(chosen.figures)]);
  if (lanceChosen) {
    const p = lanceChosen.params;
    rows.push([
      'LanceDB IVF_HNSW_SQ',
      `ef=${p.ef}${p.refineFactor ? ` refine=${p.refineFactor}` : ''}`,
      ...figureCells(lanceChosen.figures),
    ]);
  }
  console.log(`At matched recall (the smallest swept setting reaching recall@10 >= ${TARGET_RECALL} on each system):`);
  console.log(table(['system', 'params', ...FIGURE_HEADERS], rows));
  const ratio = chosen && lanceChosen ? chosen.figures.qps / lanceChosen.figures.qps : undefined;
  if (ratio !== undefined) {
    console.log(
      `QPS ratio Mishards/LanceDB: ${ratio.toFixed(2)}; CPU per query ratio LanceDB/Mishards: ` +
        `${(lanceChosen!.figures.cpuUsPerQuery / chosen!.figures.cpuUsPerQuery).toFixed(2)}`,
    );
  }

  if (chosen) {
    // Other work on the machine slows wall-clock figures; CPU time per query is less exposed to it.
    console.log(
      `Mishards at ef=${matchedEf}: ${fmtInt(1e6 / chosen.figures.cpuUsPerQuery)} queries per CPU-second ` +
        `(worker and calling thread together), ${fmtInt(chosen.figures.qps)} QPS wall clock`,
    );
  }

  const oneThread = chosen?.figures.qps;
  const goals: (string | number)[][] = [
    [
      `insert >= ${fmtInt(GOALS.insertRowsPerSec)} rows/s (SDK, batches of ${BATCH})`,
      fmtInt(insertRate),
      verdict(insertRate >= GOALS.insertRowsPerSec),
    ],
    [
      `writer CPU per inserted row <= ${GOALS.insertCpuVsFloor}x a bare unary server's on the same bytes (WAL synced per ack)`,
      `${(insert.writerCpuUs / ROWS).toFixed(1)} vs ${floorUsPerRow.toFixed(2)} us/row = ${insertVsFloor.toFixed(1)}x`,
      verdict(insertVsFloor <= GOALS.insertCpuVsFloor),
    ],
    [
      GOALS.oneThreadQps
        ? `one-thread QPS >= ${fmtInt(GOALS.oneThreadQps)} at recall@10 >= ${TARGET_RECALL}`
        : 'one-thread QPS at recall@10 >= 0.95 (goals stated at 100k and 1M only)',
      oneThread === undefined ? 'target recall not reached' : `${fmtInt(oneThread)} (ef=${matchedEf})`,
      GOALS.oneThreadQps ? verdict(oneThread !== undefined && oneThread >= GOALS.oneThreadQps) : '-',
    ],
    [
      `HNSW recall@10 >= ${TARGET_RECALL} at default search params (end to end)`,
      e2eDefault.recall.toFixed(4),
      verdict(e2eDefault.recall >= TARGET_RECALL),
    ],
    [
      `every ANN index type recall@10 >= ${TARGET_RECALL} at its defaults (section 5)`,
      indexTypesMissed.length === 0
        ? `${indexTypes.length} of ${indexTypes.length}`
        : `missed: ${indexTypesMissed.map((r) => `${r.kind} ${r.metric} ${r.engine} ${r.figures.recall.toFixed(3)}`).join(', ')}`,
      verdict(indexTypesMissed.length === 0),
    ],
    [
      'ahead of LanceDB at matched recall',
      ratio === undefined ? 'no matched pair' : `x${ratio.toFixed(2)}`,
      verdict(ratio !== undefined && ratio > 1),
    ],
  ];
  console.log(`\nGoals (issue 2):\n${table(['goal', 'measured', 'verdict'], goals)}`);
  console.log(`\nfinished in ${seconds(performance.now() - started)} s; ${loadNote()}`);
}

await runBench('bench:node', exit, main);

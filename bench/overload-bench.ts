/**
 * `npm run bench:overload`: one heavy request against the cluster of the issue (a writer, two
 * reader groups of two replicas, a coordinator; 30,000 x 32 FLAT by default, BENCH_ROWS=N for
 * another size), and what it does to everything else. Figures in docs/limits.md.
 *
 *   1. requests over each kind of limit (nq, topk, the result size, a reader group's result
 *      memory; the request is the third): how long the coordinator takes to refuse
 *      each, and the client;
 *   2. after a warm-up, in BENCH_ROUNDS rounds (default 3): small searches (nq 1, limit 10), sequential,
 *      unloaded, then the same while a heavy search (nq 10,000, limit 10) runs until its
 *      deadline (BENCH_DEADLINE_MS, default 3,000), sent by a client process of its own
 *      (overload-heavy-client.ts, a request encoded in advance, as by a client on another
 *      machine): p50 / p99 of each and their ratio, errors, how long after the deadline the
 *      readers are idle again, and when the slowest small search started;
 *   3. a heavy search that is admitted and completes (nq 10,000, limit 20: the SDK cannot take
 *      much more, it turns every reply into a JSON string), keys only and with the vectors: the
 *      readers' peak RSS over their baseline, per merged hit (what MERGED_HIT_BYTES and
 *      OUTPUT_COPIES in search/cost.ts estimate).
 * Readers' RSS is sampled from /proc every 50 ms throughout (Linux).
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ResStatus } from '@zilliz/milvus2-sdk-node';
import { TestCluster } from '../test/harness/cluster.js';
import { scrapeMetrics } from '../test/harness/metrics.js';
import { cleanupOnExit, envInt, runBench } from './bench-support.js';
import { fmtInt, loadNote, machineNote, table } from './node-measure.js';
import { COLLECTION, DIM, HEAVY_NQ, heavyQueries, queryVectors, type HeavyOutcome, type HeavySearch } from './overload-shape.js';

const ROWS = envInt('BENCH_ROWS', 30_000);
const SEGMENTS = 4;
const SMALL_RUNS = envInt('BENCH_SMALL', 100);
const ROUNDS = envInt('BENCH_ROUNDS', 3);
const DEADLINE_MS = envInt('BENCH_DEADLINE_MS', 3000);
const READERS = ['a1', 'a2', 'b1', 'b2'];
/** Hits per query of the completed heavy search (phase 3). */
const COMPLETED_LIMIT = 20;
/** The goal: small searches' p99 beside the heavy one under this many times their unloaded p99. */
const P99_GOAL = 5;

/** Requests over each kind of limit (phase 1). */
const OVER_LIMITS = [
  { what: 'nq over 16,384', nq: 16_385, limit: 10 },
  { what: 'topk over 16,384', nq: 1, limit: 16_385 },
  { what: "the result size (the issue's request)", nq: HEAVY_NQ, limit: 1000 },
  { what: "a reader group's result memory", nq: HEAVY_NQ, limit: 400 },
];

const smallQuery = (i: number) => Array.from({ length: DIM }, (_, j) => Math.sin(i * 0.61 + j * 0.9));

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Peak RSS per reader since the last reset, sampled in the background. */
class RssSampler {
  private peaks = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pids: Map<string, number>) {
    this.timer = setInterval(() => this.sample(), 50);
  }

  private sample(): void {
    for (const [name, pid] of this.pids) this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, rssBytes(pid)));
  }

  /** Peaks since the last call, then starts over from the current RSS. */
  take(): Map<string, number> {
    this.sample();
    const peaks = this.peaks;
    this.peaks = new Map();
    return peaks;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** The heavy client process: one heavy search per call of `search`. */
async function startHeavyClient(address: string) {
  const child = fork(fileURLToPath(new URL('./overload-heavy-client.ts', import.meta.url)), [address]);
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the heavy client exited with ${code} before it was ready`)));
  });
  return {
    search: (request: HeavySearch) =>
      new Promise<HeavyOutcome>((resolve) => {
        child.once('message', (outcome) => resolve(outcome as HeavyOutcome));
        child.send(request);
      }),
    stop: () => child.disconnect(),
  };
}

interface Latencies {
  sorted: number[];
  errors: number;
  /** The slowest search: its latency and when it started (performance.now()). */
  slowest: { ms: number; startedAt: number };
}

async function main(): Promise<void> {
  const exit = cleanupOnExit('the overload cluster');
  await runBench('bench:overload', exit, async () => {
    const cluster = new TestCluster();
    exit.defer(() => cluster.stop());
    await cluster.start(
      READERS.map((name) => ({ name, group: name.startsWith('a') ? 'ga' : 'gb' })),
      Math.ceil(ROWS / SEGMENTS),
    );
    await cluster.seed(COLLECTION, DIM, SEGMENTS, Math.ceil(ROWS / SEGMENTS));
    await cluster.until('every replica holds its group share', async () => {
      const h = await cluster.holdings(COLLECTION);
      const [a1, a2, b1, b2] = READERS.map((r) => h.get(r)!.length);
      return a1! > 0 && a1 === a2 && b1 === b2 && a1! + b1! === SEGMENTS;
    });
    const pids = new Map(READERS.map((name) => [name, cluster.readers.get(name)!.process.child.pid!]));
    const rss = new RssSampler(pids);
    exit.defer(() => rss.stop());
    const heavyClient = await startHeavyClient(cluster.coordinator.addresses.grpc!);
    exit.defer(() => heavyClient.stop());
    const client = cluster.client;
    const heavy = heavyQueries();
    // Keys only unless asked: the answer is 20 bytes a hit, as the result-size limit counts it.
    const search = (data: number[][], limit: number, timeout?: number, outputFields = ['id']) =>
      client.search({ collection_name: COLLECTION, data, limit, output_fields: outputFields, ...(timeout ? { timeout } : {}) } as never);
    const load = async () =>
      Promise.all(
        READERS.map(async (name) => {
          const value = await scrapeMetrics(cluster.readers.get(name)!.process.addresses.metrics!);
          return value('mishards_admission_running', { lane: 'heavy' }) + value('mishards_engine_work_in_flight');
        }),
      );
    const untilIdle = async () => {
      while ((await load()).some((n) => n > 0)) await new Promise((r) => setTimeout(r, 20));
    };

    // 1. Requests over each kind of limit. Timed by the client (which includes the SDK
    // encoding the query vectors) and by the coordinator: its Search latency histogram's sum
    // grows by exactly this request's time in the handler.
    const coordinatorSearchSeconds = async () => {
      const value = await scrapeMetrics(cluster.coordinator.addresses.metrics!);
      return value('mishards_request_duration_seconds_sum', { method: 'Search' });
    };
    const refusals: { what: string; nq: number; limit: number; status: ResStatus; ms: number; serverMs: number }[] = [];
    for (const { what, nq, limit } of OVER_LIMITS) {
      const data = nq === HEAVY_NQ ? heavy : queryVectors(nq);
      const before = await coordinatorSearchSeconds();
      const started = Date.now();
      const res = await search(data, limit, 20_000);
      const ms = Date.now() - started;
      refusals.push({ what, nq, limit, status: res.status, ms, serverMs: ((await coordinatorSearchSeconds()) - before) * 1000 });
    }

    // 2. Small searches, unloaded and beside a heavy search, round after round.
    const timeSmall = async (runs: number, stillLoaded: () => boolean = () => true): Promise<Latencies> => {
      const ms: number[] = [];
      let errors = 0;
      let slowest = { ms: 0, startedAt: 0 };
      for (let i = 0; i < runs && stillLoaded(); i++) {
        const t = performance.now();
        const res = await search([smallQuery(i)], 10);
        ms.push(performance.now() - t);
        if (ms.at(-1)! > slowest.ms) slowest = { ms: ms.at(-1)!, startedAt: t };
        if (res.status.error_code !== 'Success') errors++;
      }
      return { sorted: ms.sort((a, b) => a - b), errors, slowest };
    };
    // Warm-up, unmeasured: small searches, and one heavy search beside them, so that every
    // process has compiled the paths of a heavy request (decoding 10,000 vectors takes ~30 ms
    // the first time, ~3 ms after), as a server that has been up a while has.
    await timeSmall(20);
    let warmedUp = false;
    const warmUp = heavyClient.search({ limit: 10, timeoutMs: 1000 }).finally(() => (warmedUp = true));
    await timeSmall(Number.MAX_SAFE_INTEGER, () => !warmedUp);
    await warmUp;
    await untilIdle();
    const baseline = rss.take();
    const rounds: { unloaded: Latencies; loaded: Latencies; heavy: HeavyOutcome; idleAfterMs: number; slowestAfterMs: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const unloaded = await timeSmall(SMALL_RUNS);
      let settled = false;
      const started = Date.now();
      const heavyStartedAt = performance.now();
      const heavySearch = heavyClient.search({ limit: 10, timeoutMs: DEADLINE_MS }).finally(() => (settled = true));
      const loaded = await timeSmall(Number.MAX_SAFE_INTEGER, () => !settled);
      const heavyOutcome = await heavySearch;
      await untilIdle();
      rounds.push({
        unloaded,
        loaded,
        heavy: heavyOutcome,
        idleAfterMs: Date.now() - started - DEADLINE_MS,
        slowestAfterMs: loaded.slowest.startedAt - heavyStartedAt,
      });
    }
    const duringDeadline = rss.take();

    // 3. A heavy search admitted and completed, keys only and with the vectors.
    const hitsPerReader = HEAVY_NQ * COMPLETED_LIMIT;
    const completed: {
      outputFields: string[];
      status: { error_code: unknown };
      ms: number;
      peaks: Map<string, number>;
      growth: Map<string, number>;
    }[] = [];
    for (const outputFields of [['id'], ['id', 'v']]) {
      await untilIdle();
      rss.take();
      const before = new Map([...pids].map(([name, pid]) => [name, rssBytes(pid)]));
      const started = Date.now();
      const res = await search(heavy, COMPLETED_LIMIT, 600_000, outputFields);
      const ms = Date.now() - started;
      const peaks = rss.take();
      const growth = new Map(READERS.map((name) => [name, (peaks.get(name) ?? 0) - (before.get(name) ?? 0)]));
      completed.push({ outputFields, status: res.status, ms, peaks, growth });
    }

    console.log(`bench:overload  ${fmtInt(ROWS)} x ${DIM} FLAT in ${SEGMENTS} segments, two groups of two replicas`);
    console.log(`${machineNote()}; ${loadNote()}\n`);
    console.log(
      table(
        ['1. refused: over', 'nq', 'limit', 'status', 'coordinator ms', 'client ms'],
        refusals.map((r) => [
          r.what,
          fmtInt(r.nq),
          fmtInt(r.limit),
          `${r.status.error_code} (${r.status.code})`,
          r.serverMs.toFixed(1),
          r.ms,
        ]),
      ),
    );
    console.log('(goal: under 10 ms)');
    for (const r of refusals) console.log(`   ${r.what}: ${r.status.reason}`);
    console.log();
    const p50 = (r: Latencies) => percentile(r.sorted, 0.5).toFixed(1);
    const p99 = (r: Latencies) => percentile(r.sorted, 0.99);
    const ratioOf = (unloaded: Latencies, loaded: Latencies) => p99(loaded) / p99(unloaded);
    const pooled = (pick: (r: (typeof rounds)[number]) => Latencies): Latencies => ({
      sorted: rounds.flatMap((r) => pick(r).sorted).sort((a, b) => a - b),
      errors: rounds.reduce((n, r) => n + pick(r).errors, 0),
      slowest: rounds.map((r) => pick(r).slowest).reduce((a, b) => (b.ms > a.ms ? b : a)),
    });
    const rows = [
      ...rounds.map((r, i) => [String(i + 1), r.unloaded, r.loaded] as const),
      ['all', pooled((r) => r.unloaded), pooled((r) => r.loaded)] as const,
    ];
    console.log(
      table(
        [
          `2. small searches (nq 1, limit 10), round`,
          'n',
          'p50 ms',
          'p99 ms',
          `n beside the heavy search`,
          'errors',
          'p50 ms',
          'p99 ms',
          'p99 ratio',
        ],
        rows.map(([round, unloaded, loaded]) => [
          round,
          unloaded.sorted.length,
          p50(unloaded),
          p99(unloaded).toFixed(1),
          loaded.sorted.length,
          loaded.errors,
          p50(loaded),
          p99(loaded).toFixed(1),
          `${ratioOf(unloaded, loaded).toFixed(2)}x`,
        ]),
      ),
    );
    const met = rounds.filter((r) => ratioOf(r.unloaded, r.loaded) < P99_GOAL).length;
    console.log(
      `(goal: p99 beside the heavy search under ${P99_GOAL}x the unloaded p99: met in ${met} of ${ROUNDS} rounds${met < ROUNDS ? ', MISSED in the others' : ''})`,
    );
    for (const [i, r] of rounds.entries()) {
      console.log(
        `   round ${i + 1}: heavy search (nq ${fmtInt(HEAVY_NQ)}, limit 10, ${DEADLINE_MS} ms deadline): "${r.heavy.outcome}" after ${r.heavy.ms} ms; readers idle ${r.idleAfterMs} ms after the deadline; ` +
          `the slowest small search beside it (${r.loaded.slowest.ms.toFixed(0)} ms) started ${r.slowestAfterMs.toFixed(0)} ms after it`,
      );
    }
    const perHit = (bytes: number) => (bytes > 0 ? fmtInt(bytes / hitsPerReader) : '-');
    console.log();
    console.log(
      table(
        ['reader', 'RSS before', 'peak during 2', 'peak in 3, keys', 'per merged hit', 'peak in 3, keys + vectors', 'per merged hit'],
        READERS.map((name) => [
          name,
          mib(baseline.get(name) ?? 0),
          mib(duringDeadline.get(name) ?? 0),
          ...completed.flatMap((c) => [mib(c.peaks.get(name) ?? 0), perHit(c.growth.get(name) ?? 0)]),
        ]),
      ),
    );
    for (const c of completed) {
      console.log(
        `\n3. heavy search admitted (nq ${fmtInt(HEAVY_NQ)}, limit ${COMPLETED_LIMIT}, output ${c.outputFields.join(', ')}, ${fmtInt(hitsPerReader)} merged hits per answering reader): ${c.status.error_code} in ${c.ms} ms`,
      );
    }
  });
}

await main();

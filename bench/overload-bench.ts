/**
 * `npm run bench:overload`: one heavy request against the cluster of the issue (a writer, two
 * reader groups of two replicas, a coordinator; 30,000 x 32 FLAT by default, BENCH_ROWS=N for
 * another size), and what it does to everything else. Figures in docs/limits.md.
 *
 *   1. the request (nq 10,000, limit 1,000, 20 s deadline) and a smaller one that passes
 *      the result-size limit but not a reader's memory budget (limit 400): how fast each is refused;
 *   2. small searches (nq 1, limit 10), sequential, unloaded: p50 / p99;
 *   3. the same while a heavy search runs (nq 10,000, limit 10): p50 / p99, errors, and how
 *      long after the heavy search's deadline (BENCH_DEADLINE_MS, default 3,000) the readers
 *      are idle again;
 *   4. a heavy search that is admitted and completes (nq 10,000, limit 20: the SDK cannot take
 *      much more, it turns every reply into a JSON string), keys only and with the vectors: the
 *      readers' peak RSS over their baseline, per merged hit (what MERGED_HIT_BYTES and
 *      OUTPUT_COPIES in search/cost.ts estimate).
 * Readers' RSS is sampled from /proc every 50 ms throughout (Linux).
 */
import { readFileSync } from 'node:fs';
import type { ResStatus } from '@zilliz/milvus2-sdk-node';
import { TestCluster } from '../test/harness/cluster.js';
import { scrapeMetrics } from '../test/harness/metrics.js';
import { cleanupOnExit, envInt, runBench } from './bench-support.js';
import { fmtInt, loadNote, machineNote, table } from './node-measure.js';

const ROWS = envInt('BENCH_ROWS', 30_000);
const DIM = 32;
const SEGMENTS = 4;
const HEAVY_NQ = 10_000;
const SMALL_RUNS = envInt('BENCH_SMALL', 200);
const DEADLINE_MS = envInt('BENCH_DEADLINE_MS', 3000);
const READERS = ['a1', 'a2', 'b1', 'b2'];
const COLLECTION = 'overload';
/** Hits per query of the completed heavy search (phase 4). */
const COMPLETED_LIMIT = 20;

const heavyQueries = Array.from({ length: HEAVY_NQ }, (_, i) => Array.from({ length: DIM }, (_, j) => Math.cos(i * 0.37 + j * 1.1)));
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
    const client = cluster.client;
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

    // 1. The request, and one over a reader's memory budget only. Timed by the client
    // (which includes the SDK encoding 10,000 query vectors) and by the coordinator: its
    // Search latency histogram's sum grows by exactly this request's time in the handler.
    const coordinatorSearchSeconds = async () => {
      const value = await scrapeMetrics(cluster.coordinator.addresses.metrics!);
      return value('mishards_request_duration_seconds_sum', { method: 'Search' });
    };
    const refusals: { limit: number; status: ResStatus; ms: number; serverMs: number }[] = [];
    for (const limit of [1000, 400]) {
      const before = await coordinatorSearchSeconds();
      const started = Date.now();
      const res = await search(heavyQueries, limit, 20_000);
      const ms = Date.now() - started;
      refusals.push({ limit, status: res.status, ms, serverMs: ((await coordinatorSearchSeconds()) - before) * 1000 });
    }
    let started: number;

    // 2. Small searches, unloaded.
    const timeSmall = async (runs: number, stillLoaded: () => boolean = () => true) => {
      const ms: number[] = [];
      let errors = 0;
      for (let i = 0; i < runs && stillLoaded(); i++) {
        const t = performance.now();
        const res = await search([smallQuery(i)], 10);
        ms.push(performance.now() - t);
        if (res.status.error_code !== 'Success') errors++;
      }
      return { sorted: ms.sort((a, b) => a - b), errors };
    };
    await timeSmall(20); // warm-up
    const unloaded = await timeSmall(SMALL_RUNS);
    const baseline = rss.take();

    // 3. Small searches while a heavy search runs until its deadline.
    let settled = false;
    started = Date.now();
    const heavy = search(heavyQueries, 10, DEADLINE_MS).then(
      (res) => `${res.status.error_code} ${res.status.reason}`.trim(),
      (e: Error) => e.message.split(':').slice(0, 2).join(':'),
    );
    void heavy.finally(() => (settled = true));
    const loaded = await timeSmall(Number.MAX_SAFE_INTEGER, () => !settled);
    const heavyOutcome = await heavy;
    const settledMs = Date.now() - started;
    await untilIdle();
    const idleAfterMs = Date.now() - started - DEADLINE_MS;
    const duringDeadline = rss.take();

    // 4. A heavy search admitted and completed, keys only and with the vectors.
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
      started = Date.now();
      const res = await search(heavyQueries, COMPLETED_LIMIT, 600_000, outputFields);
      const ms = Date.now() - started;
      const peaks = rss.take();
      const growth = new Map(READERS.map((name) => [name, (peaks.get(name) ?? 0) - (before.get(name) ?? 0)]));
      completed.push({ outputFields, status: res.status, ms, peaks, growth });
    }

    console.log(`bench:overload  ${fmtInt(ROWS)} x ${DIM} FLAT in ${SEGMENTS} segments, two groups of two replicas`);
    console.log(`${machineNote()}; ${loadNote()}\n`);
    for (const r of refusals) {
      console.log(
        `1. nq ${fmtInt(HEAVY_NQ)}, limit ${fmtInt(r.limit)}: ${r.status.error_code} (code ${r.status.code}) in ${r.ms} ms at the client, ` +
          `${r.serverMs.toFixed(1)} ms in the coordinator (goal: under 10 ms)\n   ${r.status.reason}`,
      );
    }
    console.log();
    const latencyRow = (what: string, r: { sorted: number[]; errors: number }) => [
      what,
      r.sorted.length,
      r.errors,
      percentile(r.sorted, 0.5).toFixed(1),
      percentile(r.sorted, 0.99).toFixed(1),
    ];
    console.log(
      table(
        ['small searches (nq 1, limit 10)', 'n', 'errors', 'p50 ms', 'p99 ms'],
        [latencyRow('unloaded', unloaded), latencyRow(`beside a heavy search (nq ${fmtInt(HEAVY_NQ)}, limit 10)`, loaded)],
      ),
    );
    const p99Ratio = percentile(loaded.sorted, 0.99) / percentile(unloaded.sorted, 0.99);
    console.log(`p99 beside the heavy search / unloaded: ${p99Ratio.toFixed(2)}x (goal: under 5x) ${p99Ratio < 5 ? 'met' : 'MISSED'}`);
    console.log(
      `\n3. heavy search with a ${DEADLINE_MS} ms deadline: "${heavyOutcome}" after ${settledMs} ms; readers idle ${idleAfterMs} ms after the deadline`,
    );
    const perHit = (bytes: number) => (bytes > 0 ? fmtInt(bytes / hitsPerReader) : '-');
    console.log(
      table(
        ['reader', 'RSS before', 'peak during 3', 'peak in 4, keys', 'per merged hit', 'peak in 4, keys + vectors', 'per merged hit'],
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
        `\n4. heavy search admitted (nq ${fmtInt(HEAVY_NQ)}, limit ${COMPLETED_LIMIT}, output ${c.outputFields.join(', ')}, ${fmtInt(hitsPerReader)} merged hits per answering reader): ${c.status.error_code} in ${c.ms} ms`,
      );
    }
  });
}

await main();

import { afterAll, describe, expect, it } from 'vitest';
import { clusteredVectors } from '../../bench/clustered-data.js';
import { cancelFlagFor } from '../../engine/cancel.js';
import type { VectorSearchResult } from '../../engine/engine.js';
import { exactSearch } from '../../engine/flat.js';
import { createEngine, sharedDense, floatSet } from '../../engine/index.js';
import { SLICE_WORK } from '../../engine/plan.js';
import { unpack, type PackedResult } from '../../engine/protocol.js';
import { WorkerPool } from '../../engine/worker-pool.js';
import { waitUntil } from '../harness/wait.js';

/**
 * Cancellation and fairness of engine work. One worker thread, so that work queues: a search
 * of 10,000 queries over 20,000 x 64 rows is ~13 G multiply-adds, many seconds of one core,
 * while one slice of it is ~17 M.
 */
const dim = 64;
const rows = 20_000;
const vectors = clusteredVectors(rows, dim, 20, 3);
const heavyNq = 10_000;
const heavyQueries = clusteredVectors(heavyNq, dim, 20, 3, rows);
const engine = createEngine({ threads: 1 });
afterAll(() => engine.close());

const CANCELLED = new Error('cancelled by the test');

/** Resolves once this process (its worker threads included) has used `ms` more CPU: work is running. */
async function afterCpu(ms: number): Promise<void> {
  const start = process.cpuUsage();
  await waitUntil(`${ms} ms of CPU were used`, async () => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000 >= ms;
  });
}

/** The same per-query answers. */
function expectSameHits(got: VectorSearchResult, want: VectorSearchResult): void {
  expect(got.offsets.map((o) => Array.from(o))).toEqual(want.offsets.map((o) => Array.from(o)));
  expect(got.scores.map((s) => Array.from(s))).toEqual(want.scores.map((s) => Array.from(s)));
}

describe('a worker job with a cancel flag', () => {
  const pool = new WorkerPool(1);
  afterAll(() => pool.close());
  const shared = sharedDense('float32', vectors.length);
  shared.set(vectors);
  const data = { vectors: floatSet(shared as Float32Array, dim), metric: 'L2' as const };
  /** The first `nq` heavy queries as one job, run `queriesPerTurn` queries at a time, over the `allowed` rows (all by default). */
  const scan = (cancel?: Int32Array, nq = heavyNq, queriesPerTurn = nq, allowed?: Uint8Array) =>
    pool.call<PackedResult>(0, {
      op: 'search',
      data,
      queries: floatSet(heavyQueries.subarray(0, nq * dim), dim),
      nq,
      k: 10,
      ef: 10,
      ...(allowed ? { allowed, allowedCount: allowed.reduce((n, a) => n + a, 0) } : { allowedCount: rows }),
      cancel,
      queriesPerTurn,
    });

  it('is dropped unstarted when the flag is set before it comes up', async () => {
    const controller = new AbortController();
    const { flag } = cancelFlagFor(controller.signal);
    controller.abort();
    await expect(scan(flag)).rejects.toThrow('search cancelled');
  });

  it('stops between row blocks when the flag is set while it runs', async () => {
    const controller = new AbortController();
    const { flag } = cancelFlagFor(controller.signal);
    const running = scan(flag);
    expect(pool.inFlight()).toBe(1);
    await afterCpu(200);
    controller.abort();
    await expect(running).rejects.toThrow('search cancelled');
    expect(pool.inFlight()).toBe(0);
  });

  it('answers in turns as it answers at once, over every row or the allowed ones', async () => {
    expectSameHits(unpack(await scan(undefined, 40, 3)), unpack(await scan(undefined, 40)));
    const everyThird = Uint8Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const inTurns = unpack(await scan(undefined, 40, 3, everyThird));
    expectSameHits(inTurns, unpack(await scan(undefined, 40, 40, everyThird)));
    expect(inTurns.offsets.every((hits) => hits.every((row) => row % 3 === 0))).toBe(true);
  });

  it('in turns, lets a short job that arrives meanwhile run first, and stops at its next turn once cancelled', async () => {
    const controller = new AbortController();
    const { flag } = cancelFlagFor(controller.signal);
    // 10,000 queries of 1.28 M multiply-adds each, one a turn: seconds of work.
    const heavy = scan(flag, heavyNq, 1);
    heavy.catch(() => undefined);
    await afterCpu(200);
    const small = unpack(await scan(undefined, 1));
    expect(small.offsets[0]).toHaveLength(10);
    // Answered while the heavy job was still in the worker.
    expect(pool.inFlight()).toBe(1);
    controller.abort();
    await expect(heavy).rejects.toThrow('search cancelled');
  });
});

describe('a search with a signal', () => {
  it('answers exactly when cut into slices', async () => {
    const index = await engine.build(floatSet(vectors, dim), 'L2', 'FLAT');
    // 300 queries of 1.28 M multiply-adds each: slices of 13, 24 worker jobs.
    const nq = 300;
    expect(Math.floor(SLICE_WORK / (rows * dim))).toBeLessThan(nq / 4);
    const queries = heavyQueries.subarray(0, nq * dim);
    const signal = new AbortController().signal;
    expectSameHits(
      await index.search({ queries: floatSet(queries, dim), nq, k: 10, signal }),
      exactSearch({ vectors: floatSet(vectors, dim), metric: 'L2' }, floatSet(queries, dim), nq, 10),
    );
  });

  it('rejects with the reason once aborted, and its slices stop coming', async () => {
    const index = await engine.build(floatSet(vectors, dim), 'L2', 'FLAT');
    const controller = new AbortController();
    const heavy = index.search({ queries: floatSet(heavyQueries, dim), nq: heavyNq, k: 10, signal: controller.signal });
    expect(engine.workInFlight()).toBe(1);
    await afterCpu(200);
    controller.abort(CANCELLED);
    await expect(heavy).rejects.toBe(CANCELLED);
    // The slice in flight is dropped or stopped at its next block: the worker goes idle,
    // long before the 10,000 queries could have been computed.
    await waitUntil('the worker is idle', async () => engine.workInFlight() === 0, 2000);
  });

  it('lets a small search through while a heavy one runs on the only worker', async () => {
    const index = await engine.build(floatSet(vectors, dim), 'L2', 'FLAT');
    const controller = new AbortController();
    let heavyDone = false;
    const heavy = index
      .search({ queries: floatSet(heavyQueries, dim), nq: heavyNq, k: 10, signal: controller.signal })
      .finally(() => (heavyDone = true))
      .catch((e) => e);
    // One query over 20,000 rows: too much to run inline, so it queues on the worker.
    const small = await index.search({ queries: floatSet(heavyQueries.subarray(0, dim), dim), nq: 1, k: 5 });
    expect(small.offsets[0]).toHaveLength(5);
    expect(heavyDone).toBe(false);
    controller.abort(CANCELLED);
    expect(await heavy).toBe(CANCELLED);
  });

  it('stops an HNSW search between batches of queries', async () => {
    const index = await engine.build(floatSet(vectors.subarray(0, 5000 * dim), dim), 'L2', 'HNSW', { efConstruction: 40 });
    try {
      const controller = new AbortController();
      // A beam of 2,000 per query: far more work than one slice.
      const heavy = index.search({
        queries: floatSet(heavyQueries, dim),
        nq: heavyNq,
        k: 10,
        params: { ef: 2000 },
        signal: controller.signal,
      });
      await afterCpu(200);
      controller.abort(CANCELLED);
      await expect(heavy).rejects.toBe(CANCELLED);
      await waitUntil('the worker is idle', async () => engine.workInFlight() === 0, 2000);
      // Sliced, the graph's answers are the per-query answers.
      const nq = 40;
      const queries = heavyQueries.subarray(0, nq * dim);
      const sliced = await index.search({
        queries: floatSet(queries, dim),
        nq,
        k: 10,
        params: { ef: 2000 },
        signal: new AbortController().signal,
      });
      for (const q of [0, 17, 39]) {
        const alone = await index.search({
          queries: floatSet(queries.subarray(q * dim, (q + 1) * dim), dim),
          nq: 1,
          k: 10,
          params: { ef: 2000 },
        });
        expect(Array.from(sliced.offsets[q]!)).toEqual(Array.from(alone.offsets[0]!));
      }
    } finally {
      await index.close();
    }
  });
});

import type { ResStatus } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestCluster } from '../harness/cluster.js';
import { scrapeMetrics } from '../harness/metrics.js';
import { waitUntil } from '../harness/wait.js';

/**
 * One heavy request against a writer, two reader groups of two replicas and a coordinator
 * (40,000 x 32, FLAT, two segments per group): an exact search of 10,000 queries is ~6 G
 * multiply-adds per reader, many seconds of CPU, while a one-query search is well under a
 * millisecond of it. The bounds asserted are the issue's: work stops within 2 s after the
 * deadline, a coordinator's SIGKILL fails in-flight requests within 3 s (and the same client's
 * searches succeed again after its restart, none waiting for its timeout), and a reader and the
 * coordinator stop within their documented 5 s of SIGTERM.
 */
const DIM = 32;
const cluster = new TestCluster();
const READERS = ['a1', 'a2', 'b1', 'b2'];
const heavyQueries = Array.from({ length: 10_000 }, (_, i) => Array.from({ length: DIM }, (_, j) => Math.cos(i * 0.37 + j * 1.1)));
const smallQuery = Array.from({ length: DIM }, (_, j) => Math.sin(j * 0.9));

beforeAll(async () => {
  await cluster.start(
    READERS.map((name) => ({ name, group: name.startsWith('a') ? 'ga' : 'gb' })),
    10_000,
  );
  await cluster.seed('heavy', DIM, 4, 10_000);
  await cluster.until('every replica holds its group share of the 4 segments', async () => {
    const h = await cluster.holdings('heavy');
    const [a1, a2, b1, b2] = READERS.map((r) => h.get(r)!.length);
    return a1! > 0 && a1 === a2 && b1 === b2 && a1! + b1! === 4;
  });
});

afterAll(() => cluster.stop());

/** Each live reader's load, scraped once: heavy requests admitted and engine jobs in flight. */
async function readerLoad(): Promise<{ name: string; heavy: number; work: number }[]> {
  const live = [...cluster.readers.entries()].filter(([, r]) => r.process.child.exitCode === null && r.process.child.signalCode === null);
  return Promise.all(
    live.map(async ([name, r]) => {
      const value = await scrapeMetrics(r.process.addresses.metrics!);
      return { name, heavy: value('mishards_admission_running', { lane: 'heavy' }), work: value('mishards_engine_work_in_flight') };
    }),
  );
}

/** Readers running a heavy request right now. */
const heavyReaders = async () => (await readerLoad()).filter((r) => r.heavy > 0).map((r) => r.name);

const idle = async () => (await readerLoad()).every((r) => r.heavy === 0 && r.work === 0);

/** A heavy search's outcome (keys only, so the answer is 20 bytes a hit): the SDK's reply, or the error it threw. */
function heavySearch(timeoutMs: number, limit = 10): Promise<{ status?: ResStatus; error?: Error }> {
  const request = { collection_name: 'heavy', data: heavyQueries, limit, output_fields: ['id'], timeout: timeoutMs };
  return cluster.client.search(request as any).then(
    (res) => ({ status: res.status }),
    (error: Error) => ({ error }),
  );
}

/** SearchSegments calls each reader has received. */
const readerSearches = () =>
  Promise.all(
    READERS.map(async (name) =>
      (await scrapeMetrics(cluster.readers.get(name)!.process.addresses.metrics!))('mishards_requests_total', { method: 'SearchSegments' }),
    ),
  );

it("refuses in the coordinator the issue's request and one whose results would not fit a reader's memory budget", async () => {
  const before = await readerSearches();
  // nq 10,000 x limit 1,000: over the result-size limit.
  const issue = await heavySearch(20_000, 1000);
  expect([issue.status?.code, issue.status?.error_code]).toEqual([1100, 'IllegalArgument']);
  expect(issue.status?.reason).toMatch(/^search results exceed the maxOutputSize Limit/);
  // nq 10,000 x limit 400 passes it (80 MB), but each reader would hold an estimated 1.5 GiB
  // of results: the coordinator knows the readers' budget and refuses it as they would.
  const large = await heavySearch(20_000, 400);
  expect([large.status?.code, large.status?.error_code]).toEqual([1100, 'IllegalArgument']);
  expect(large.status?.reason).toMatch(
    /would take an estimated \d+ MiB on each replica of reader group g[ab], more than the 1024 MiB granted to expensive requests there/,
  );
  // Neither reached a reader.
  expect(await readerSearches()).toEqual(before);
  expect(await idle()).toBe(true);
});

it('stops every reader within 2 s of the deadline, unhedged, while small searches keep answering', async () => {
  const deadlineMs = 4000;
  const deadline = Date.now() + deadlineMs;
  let settled = false;
  const heavy = heavySearch(deadlineMs).finally(() => (settled = true));
  const smallErrors: string[] = [];
  let smallWhileHeavy = 0;
  const small = (async () => {
    while (!settled) {
      const res = await cluster.client.search({ collection_name: 'heavy', data: [smallQuery], limit: 5 });
      if (res.status.error_code !== 'Success') smallErrors.push(res.status.reason);
      else if (!settled && res.results.length === 5) smallWhileHeavy++;
    }
  })();
  // Sampled until the deadline: which readers run the heavy request (a hedge would make it four).
  const working = new Set<string>();
  let mostAtOnce = 0;
  while (!settled) {
    const now = await heavyReaders();
    for (const name of now) working.add(name);
    mostAtOnce = Math.max(mostAtOnce, now.length);
  }
  const outcome = await heavy;
  await small;
  expect(String(outcome.error)).toMatch(/DEADLINE_EXCEEDED|deadline/i);
  expect(working.size).toBeGreaterThan(0);
  expect(mostAtOnce).toBeLessThanOrEqual(2);
  expect(smallErrors).toEqual([]);
  expect(smallWhileHeavy).toBeGreaterThan(2);
  await waitUntil('no reader works on the expired search', idle, Math.max(0, deadline + 2000 - Date.now()));
});

it('stops a reader within its bound on SIGTERM while it runs a heavy request', async () => {
  const heavy = heavySearch(10_000);
  let running: string[] = [];
  await waitUntil('a reader runs the heavy search', async () => {
    running = await heavyReaders();
    return running.length > 0;
  });
  const target = cluster.readers.get(running[0]!)!.process;
  const signalled = Date.now();
  const code = await target.stop();
  expect(code).toBe(0);
  expect(Date.now() - signalled).toBeLessThan(5000);
  // Its replica takes the sub-request over until the deadline.
  await heavy;
  await waitUntil('the readers are idle again', idle, 5000);
});

it('stops the coordinator within its bound on SIGTERM while a heavy request runs through it, and the readers drop the work', async () => {
  const heavy = heavySearch(60_000);
  await waitUntil('a reader runs the heavy search', async () => (await heavyReaders()).length > 0);
  const signalled = Date.now();
  expect(await cluster.coordinator.stop()).toBe(0);
  expect(Date.now() - signalled).toBeLessThan(5000);
  const outcome = await heavy;
  expect(outcome.status?.error_code === 'Success').toBe(false);
  // Its forced shutdown cancelled the call, and so every sub-request of it.
  await waitUntil('no reader works for the stopped coordinator', idle, 2000);
  await cluster.restartCoordinator();
  await waitUntil('a search through the restarted coordinator succeeds', async () => {
    const res = await cluster.client.search({ collection_name: 'heavy', data: [smallQuery], limit: 5 }).catch(() => undefined);
    return res?.status.error_code === 'Success';
  });
});

it('fails in-flight requests within 3 s of a coordinator SIGKILL, stops their work, and serves again after a restart', async () => {
  const heavy = heavySearch(60_000);
  await waitUntil('a reader runs the heavy search', async () => (await heavyReaders()).length > 0);
  const killed = Date.now();
  await cluster.coordinator.kill();
  const outcome = await heavy;
  expect(Date.now() - killed).toBeLessThan(3000);
  expect(outcome.status?.error_code === 'Success').toBe(false);
  // The readers saw the coordinator's connection close: its calls were cancelled.
  await waitUntil('no reader works for the killed coordinator', idle, Math.max(0, killed + 2000 - Date.now()));

  await cluster.restartCoordinator();
  // The same client reconnects by itself: until its connection is back (its own reconnect
  // backoff), a search fails at once with UNAVAILABLE; none waits for its 10 s timeout, not
  // even one the SDK retries onto the new coordinator (it is answered at its first message:
  // runtime/first-message.ts); then searches succeed.
  const search = async () => {
    const started = Date.now();
    const res = await cluster.client.search({ collection_name: 'heavy', data: [smallQuery], limit: 5, timeout: 10_000 } as never).then(
      (r) => String(r.status.error_code),
      (e: Error) => e.message,
    );
    return { res, ms: Date.now() - started };
  };
  const outcomes: { res: string; ms: number }[] = [];
  await waitUntil('a search through the restarted coordinator succeeds', async () => {
    outcomes.push(await search());
    return outcomes.at(-1)!.res === 'Success';
  });
  for (const o of outcomes.slice(0, -1)) expect(o.res).toMatch(/UNAVAILABLE/);
  expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(5000);
  for (let i = 0; i < 3; i++) expect((await search()).res).toBe('Success');
});

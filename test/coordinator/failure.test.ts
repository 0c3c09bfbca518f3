import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectExactTopK, TestCluster } from '../harness/cluster.js';

/**
 * A reader killed with SIGKILL under search load: with a replica in its group no client sees
 * an error; without one, clients get an UNAVAILABLE-class status naming the group within the
 * deadline, and full service returns when the reader comes back.
 */
const DIM = 8;
const cluster = new TestCluster();
let rows: Map<number, number[]>;
const queries = Array.from({ length: 8 }, (_, i) => Array.from({ length: DIM }, (_, j) => Math.cos(i * 2.1 + j)));

beforeAll(async () => {
  await cluster.start(
    [
      { name: 'a1', group: 'ga' },
      { name: 'a2', group: 'ga' },
      { name: 'b1', group: 'gb' },
    ],
    50,
  );
  rows = await cluster.seed('resilient', DIM, 12, 50);
  // Every replica holds its group's share, and nothing is left to the writer.
  await cluster.until('both groups hold all 12 segments on every replica', async () => {
    const h = await cluster.holdings('resilient');
    return h.get('a1')!.length > 0 && h.get('a1')!.length === h.get('a2')!.length && h.get('a1')!.length + h.get('b1')!.length === 12;
  });
});

afterAll(() => cluster.stop());

async function searchOnce(i: number) {
  const q = queries[i % queries.length]!;
  return { res: await cluster.client.search({ collection_name: 'resilient', data: [q], limit: 5 }), q };
}

it('hides the loss of a replica from clients', async () => {
  let stop = false;
  const errors: string[] = [];
  let done = 0;
  const load = Array.from({ length: 4 }, async (_, w) => {
    for (let i = w; !stop; i += 4) {
      const { res, q } = await searchOnce(i);
      if (res.status.error_code !== 'Success') errors.push(res.status.reason);
      else
        expectExactTopK(
          res.results.map((r: any) => Number(r.id)),
          rows,
          q,
          5,
        );
      done++;
    }
  });
  await cluster.until('some searches ran', async () => done > 20);
  await cluster.readers.get('a1')!.process.kill();
  const after = done;
  await cluster.until('searches kept running after the kill', async () => done > after + 60);
  stop = true;
  await Promise.all(load);
  expect(errors).toEqual([]);
});

it('names the group when its only replica dies, then recovers when it returns', async () => {
  const b1 = cluster.readers.get('b1')!;
  const port = Number(b1.process.addresses.grpc!.split(':')[1]);
  await b1.process.kill();
  const started = Date.now();
  const failed = await cluster.client.search({ collection_name: 'resilient', data: [queries[0]!], limit: 5, timeout: 10_000 } as any);
  expect(failed.status.error_code).not.toBe('Success');
  expect(failed.status.reason).toMatch(/reader group gb is unavailable/);
  expect(failed.status.code).toBe(2);
  expect(Date.now() - started).toBeLessThan(10_000);

  // The reader comes back on the same address: placement reloads it and service returns.
  await cluster.startReader({ name: 'b1', group: 'gb', port });
  await cluster.until('searches succeed again', async () => (await searchOnce(0)).res.status.error_code === 'Success');
  for (let i = 0; i < queries.length; i++) {
    const { res, q } = await searchOnce(i);
    expect(res.status.error_code).toBe('Success');
    expectExactTopK(
      res.results.map((r: any) => Number(r.id)),
      rows,
      q,
      5,
    );
  }
});

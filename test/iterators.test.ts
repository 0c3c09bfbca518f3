import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { seedBucketed, type BucketedRow } from './harness/bucketed.js';
import { TestCluster } from './harness/cluster.js';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from './harness/mishards-process.js';
import { RawMilvus } from './harness/raw-milvus.js';
import { rank, rankingMismatch, score, type Metric } from './harness/reference.js';

/**
 * The SDK's `searchIterator` (Milvus 2.5 iterator v2: tokens and last bounds) and
 * `queryIterator` (pages by primary key), against the writer alone and through a coordinator
 * with two reader groups: every matching row once, in order (brute force over the rows), over
 * sealed segments and growing rows with runs of equal scores; and the consistency of
 * docs/coordinator.md ("Iterators") while rows are inserted, upserted and deleted between
 * pages.
 */
const DIM = 8;
const ROWS = 5000;
const SEAL = 1000;
/**
 * Rows that copy another row's vector: equal scores, some across page boundaries. They are
 * growing rows on the writer with smaller keys than the sealed rows they copy, so the order of
 * keys within a run of equal scores is not the order of segments or nodes.
 */
const COPIES = 300;

interface Deployment {
  client: MilvusClient;
  address: string;
  /** Waits until the sealed segments of `collection` are where searches read them. */
  settle(collection: string, sealed: number): Promise<void>;
  stop(): Promise<void>;
}

async function writerAlone(): Promise<Deployment> {
  const dir = mkdtempSync(join(tmpdir(), 'mishards-iter-'));
  const writer: MishardsProcess = await startMishards(['writer', ...onFreePorts(dir), '--seal-rows', String(SEAL)]);
  const client = await connectSdk(writer.addresses.grpc!, 60_000);
  return {
    client,
    address: writer.addresses.grpc!,
    settle: async () => undefined,
    async stop() {
      await client.closeConnection();
      await writer.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function twoReaderGroups(): Promise<Deployment> {
  const cluster = new TestCluster();
  await cluster.start(
    [
      { name: 'r1', group: 'g1' },
      { name: 'r2', group: 'g2' },
    ],
    SEAL,
  );
  return {
    client: cluster.client,
    address: cluster.coordinator.addresses.grpc!,
    settle: (collection, sealed) =>
      cluster.until(`the readers hold the ${sealed} sealed segments of ${collection}, both groups some`, async () => {
        const held = [...(await cluster.holdings(collection)).values()];
        return held.reduce((n, ids) => n + ids.length, 0) >= sealed && held.every((ids) => ids.length > 0);
      }),
    stop: () => cluster.stop(),
  };
}

/** A hit as the SDK reports it. */
type Hit = { id: number; score: number };

/** Every page of a search iterator, walked with the SDK; `between` runs after each page. */
async function searchPages(
  client: MilvusClient,
  o: { name: string; q: number[]; batchSize: number; filter?: string },
  between?: (pages: Hit[][]) => Promise<void>,
): Promise<Hit[][]> {
  const iterator = await client.searchIterator({
    collection_name: o.name,
    data: o.q,
    batchSize: o.batchSize,
    ...(o.filter ? { filter: o.filter } : {}),
  });
  const pages: Hit[][] = [];
  for await (const page of iterator) {
    pages.push((page as { id: string | number; score: number }[]).map((h) => ({ id: Number(h.id), score: h.score })));
    await between?.(pages);
  }
  return pages;
}

/** Every page of a query iterator (ids only); `between` runs after each page. */
async function queryPages(
  client: MilvusClient,
  o: { name: string; batchSize: number; filter?: string },
  between?: (pages: number[][]) => Promise<void>,
): Promise<number[][]> {
  const iterator = await client.queryIterator({
    collection_name: o.name,
    batchSize: o.batchSize,
    output_fields: ['id'],
    ...(o.filter ? { filter: o.filter } : {}),
  });
  const pages: number[][] = [];
  for await (const page of iterator) {
    pages.push((page as { id: string | number }[]).map((r) => Number(r.id)));
    await between?.(pages);
  }
  return pages;
}

/** Seeds a FLAT collection: ROWS random rows in sealed segments, then COPIES growing rows copying some of them. */
async function seed(d: Deployment, name: string, metric: Metric, seedValue: number) {
  const { live, rand } = await seedBucketed(d.client, {
    name,
    metric,
    dim: DIM,
    rows: ROWS,
    batch: SEAL,
    buckets: 5,
    seed: seedValue,
    strong: true,
  });
  const copies = Array.from({ length: COPIES }, (_, i) => ({ id: -1 - i, v: live.get((i * 7) % ROWS)!.v, bucket: i % 5 }));
  await d.client.insert({ collection_name: name, data: copies });
  for (const r of copies) live.set(r.id, { v: r.v, bucket: r.bucket });
  await d.settle(name, ROWS / SEAL);
  return { live, rand };
}

const sortedIds = (ids: Iterable<number>) => [...ids].sort((a, b) => a - b);

/** Asserts a walk holds each of `rows` once, in brute-force order for `q`. */
function expectExactWalk(all: Hit[], rows: [number, BucketedRow][], q: number[], metric: Metric): void {
  expect(new Set(all.map((h) => h.id)).size).toBe(all.length);
  expect(sortedIds(all.map((h) => h.id))).toEqual(sortedIds(rows.map(([id]) => id)));
  const vectors = new Map(rows.map(([id, r]) => [id, r.v] as const));
  const want = rank(
    rows.map(([id, r]) => [id, r.v]),
    q,
    metric,
  );
  expect(rankingMismatch(all, want, (id) => score[metric](q, vectors.get(id)!))).toBeUndefined();
}

describe.each([
  ['the writer alone', writerAlone],
  ['a coordinator over two reader groups', twoReaderGroups],
] as const)('iterators through %s', (_, deploy) => {
  let d: Deployment;
  beforeAll(async () => {
    d = await deploy();
  }, 120_000);
  afterAll(async () => {
    await d?.stop();
  });

  it.each(['L2', 'IP', 'COSINE'] as const)(
    '%s: searchIterator returns every row once, in distance order; queryIterator in key order',
    async (metric) => {
      const name = `it_${metric}`;
      const { live, rand } = await seed(d, name, metric, metric.length * 7919);
      const all = [...live.entries()];
      const q = Array.from({ length: DIM }, rand);

      const unfiltered = await searchPages(d.client, { name, q, batchSize: 100 });
      expect(unfiltered.slice(0, -1).every((p) => p.length === 100)).toBe(true);
      expectExactWalk(unfiltered.flat(), all, q, metric);

      const filter = 'bucket in [1, 3] and id > -200';
      const passing = all.filter(([id, r]) => (r.bucket === 1 || r.bucket === 3) && id > -200);
      const filtered = await searchPages(d.client, { name, q, batchSize: 777, filter });
      expect(filtered.slice(0, -1).every((p) => p.length === 777)).toBe(true);
      expectExactWalk(filtered.flat(), passing, q, metric);

      for (const [batchSize, f, rows] of [
        [100, undefined, all],
        [777, filter, passing],
      ] as const) {
        const ids = (await queryPages(d.client, { name, batchSize, ...(f ? { filter: f } : {}) })).flat();
        expect(ids).toEqual(sortedIds(rows.map(([id]) => id)));
      }
    },
  );

  it('searchIterator while rows change: the first page snapshot, less the rows deleted before their page', async () => {
    const name = 'it_changes';
    const { live, rand } = await seed(d, name, 'L2', 31);
    const initial = new Map(live);
    const q = Array.from({ length: DIM }, rand);
    const deleted = new Set<number>();
    const upserted = new Set<number>();
    const fresh = Array.from({ length: 1200 }, (_, i) => ({ id: 100_000 + i, v: Array.from({ length: DIM }, rand), bucket: 0 }));
    const pages = await searchPages(d.client, { name, q, batchSize: 200 }, async (done) => {
      if (done.length !== 1) return;
      const returned = new Set(done[0]!.map((h) => h.id));
      const ahead = [...initial.keys()].filter((id) => !returned.has(id));
      for (const id of ahead.slice(0, 100)) deleted.add(id);
      for (const id of ahead.slice(100, 150)) upserted.add(id);
      const behind = [...returned].slice(0, 20);
      await d.client.delete({ collection_name: name, filter: `id in [${[...deleted, ...behind].join(',')}]` });
      await d.client.upsert({
        collection_name: name,
        data: [...upserted].map((id) => ({ id, v: Array.from({ length: DIM }, () => 0), bucket: 0 })),
      });
      // More than a segment's worth: the writer seals rows under the iterator, readers load them.
      await d.client.insert({ collection_name: name, data: fresh });
    });
    // Rows inserted or upserted after the first page are not in its snapshot; rows deleted
    // before their page are gone; every other row of the snapshot comes once, in order.
    const expected = [...initial.entries()].filter(([id]) => !deleted.has(id) && !upserted.has(id));
    expectExactWalk(pages.flat(), expected, q, 'L2');
  });

  it('queryIterator while rows change: every page reads the rows after its key', async () => {
    const name = 'it_query_changes';
    const { live, rand } = await seed(d, name, 'L2', 37);
    const expected = new Set(live.keys());
    const ids = (
      await queryPages(d.client, { name, batchSize: 500 }, async (done) => {
        if (done.length !== 1) return;
        const cursor = done[0]!.at(-1)!;
        // Behind the cursor: an upsert and deletes change nothing returned after it.
        await d.client.upsert({ collection_name: name, data: [{ id: 10, v: Array.from({ length: DIM }, rand), bucket: 0 }] });
        await d.client.delete({ collection_name: name, filter: 'id in [0, 1, 2]' });
        // Ahead of it: deleted rows are not returned, new and upserted ones are, once.
        const doomed = Array.from({ length: 100 }, (_, i) => cursor + 1 + i * 3);
        await d.client.delete({ collection_name: name, filter: `id in [${doomed.join(',')}]` });
        for (const id of doomed) expected.delete(id);
        const fresh = Array.from({ length: 60 }, (_, i) => ({ id: 200_000 + i, v: Array.from({ length: DIM }, rand), bucket: 0 }));
        await d.client.insert({ collection_name: name, data: fresh });
        await d.client.upsert({ collection_name: name, data: [{ id: 2000, v: Array.from({ length: DIM }, rand), bucket: 0 }] });
        for (const r of fresh) expected.add(r.id);
      })
    ).flat();
    expect(ids).toEqual(sortedIds(expected));
  });

  it('a query iterator (pymilvus protocol) reads as of the session_ts of its first page', async () => {
    const name = 'it_query_snapshot';
    await seed(d, name, 'L2', 41);
    const raw = new RawMilvus(d.address);
    try {
      const { collectionID } = await d.client.describeCollection({ collection_name: name });
      const iteratorParams = [
        { key: 'iterator', value: 'true' },
        { key: 'reduce_stop_for_best', value: 'true' },
        { key: 'collection_id', value: String(collectionID) },
      ];
      const query = (expr: string, params: { key: string; value: string }[], guarantee = '0') =>
        raw.call('Query', { collection_name: name, expr, output_fields: ['id'], query_params: params, guarantee_timestamp: guarantee });
      const first = await query('id < 100', [...iteratorParams, { key: 'limit', value: '10' }]);
      expect(first.status.code).toBe(0);
      const snapshot = first.session_ts;
      expect(Number(snapshot)).toBeGreaterThan(0);
      await d.client.insert({ collection_name: name, data: [{ id: 999_999, v: Array.from({ length: DIM }, () => 1), bucket: 0 }] });
      await d.client.delete({ collection_name: name, filter: 'id in [5]' });
      const count = async (expr: string, params: { key: string; value: string }[], guarantee?: string) => {
        const res = await query(expr, params, guarantee);
        expect(res.status.code).toBe(0);
        return res.fields_data[0]?.scalars?.long_data?.data?.length ?? 0;
      };
      // A later page: the new row is not in the snapshot; the delete is seen at once.
      expect(await count('id == 999999', iteratorParams, snapshot)).toBe(0);
      expect(await count('id == 5', iteratorParams, snapshot)).toBe(0);
      // A new iterator, or a plain query, reads the new row.
      expect(await count('id == 999999', iteratorParams)).toBe(1);
      expect(await count('id == 999999', [])).toBe(1);
      const stranger = await query('id < 10', [...iteratorParams.slice(0, 2), { key: 'collection_id', value: '12345' }]);
      expect(stranger.status.reason).toContain('Input collection id is not consistent to collectionID in the context');
    } finally {
      raw.close();
    }
  });

  it('refuses iterator parameters Milvus refuses, with its reasons', async () => {
    const name = 'it_L2';
    const q = Array.from({ length: DIM }, () => 0.1);
    const v2 = { iterator: true, search_iter_v2: true, search_iter_batch_size: 10 };
    const reason = async (extra: Record<string, unknown>, params: Record<string, unknown>) =>
      (await d.client.search({ collection_name: name, data: q, limit: 10, ...extra, params })).status.reason;
    expect(await reason({ offset: 5 }, v2)).toContain('Setting an offset is not permitted when using a search iterator v2');
    expect(await reason({}, { ...v2, search_iter_id: 'not-a-token', search_iter_last_bound: 1 })).toContain('invalid token format');
    expect(await reason({}, { ...v2, search_iter_batch_size: 20_000 })).toContain('batch size is invalid');
    expect(await reason({}, { search_iter_v2: true, search_iter_batch_size: 10 })).toContain(
      'both iterator and search_iter_v2 must be set in the SDK',
    );
    const two = (await d.client.search({ collection_name: name, data: [q, q], limit: 10, params: v2 })).status.reason;
    expect(two).toContain('Number of queries is greater than 1');
  });
});

it("after a restart, a first page's snapshot covers every row written before", async () => {
  // With everything checkpointed, the restarted writer replays no record: its newest applied
  // write is the log's last, not nothing.
  const dir = mkdtempSync(join(tmpdir(), 'mishards-iter-restart-'));
  const args = ['writer', ...onFreePorts(dir), '--seal-rows', String(SEAL)];
  let writer = await startMishards(args);
  try {
    let client = await connectSdk(writer.addresses.grpc!, 60_000);
    const name = 'it_restart';
    const { live, rand } = await seedBucketed(client, {
      name,
      metric: 'L2',
      dim: DIM,
      rows: 2 * SEAL,
      batch: SEAL,
      buckets: 5,
      seed: 3,
      strong: true,
    });
    await client.flushSync({ collection_names: [name] });
    await client.closeConnection();
    await writer.stop();
    writer = await startMishards(args);
    client = await connectSdk(writer.addresses.grpc!, 60_000);
    await client.loadCollectionSync({ collection_name: name });
    const q = Array.from({ length: DIM }, rand);
    expectExactWalk((await searchPages(client, { name, q, batchSize: 300 })).flat(), [...live.entries()], q, 'L2');
    await client.closeConnection();
  } finally {
    await writer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

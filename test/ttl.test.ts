import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, RRFRanker, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { StaticDiscovery } from '../cluster/discovery.js';
import { startCoordinator, type RunningCoordinator } from '../ext-proc/server.js';
import { unlimitedRates } from '../milvus/quotas.js';
import { DEFAULT_REQUEST_LIMITS } from '../milvus/request-limits.js';
import type { RunningNode } from '../runtime/serve.js';
import { startWriter, type WriterConfig } from '../nodes/writer/server.js';
import { expectExactTopK } from './harness/cluster.js';
import { DataNodeClient } from './harness/data-node-client.js';
import { connectSdk, startMishards, type MishardsProcess } from './harness/mishards-process.js';
import { waitUntil } from './harness/wait.js';

/**
 * Collection TTL (`collection.ttl.seconds`) as Milvus applies it: a row inserted longer ago
 * than the TTL is invisible to searches, hybrid searches, queries, gets and counts. The writer
 * and the coordinator run in this process on one clock the test sets, so rows expire exactly
 * when the test says, with no waiting: the writer stamps each insert with that clock, the
 * coordinator computes each request's expiry from it, and two reader processes apply it to the
 * sealed segments they hold. The insert times travel with the rows into sealed segments and
 * through the write-ahead log across a restart.
 */
const DIM = 4;
const T0 = 1_700_000_000_000;
let now = T0;
const clock = () => now;

const vec = (id: number) => Array.from({ length: DIM }, (_, j) => Math.sin(id * 0.9 + j * 1.7));
const batch = (from: number) => Array.from({ length: 40 }, (_, i) => ({ id: from + i, v: vec(from + i) }));
/** Inserted at T0 (then sealed), at T0 + 100 s, at T0 + 150 s. */
const A = batch(0);
const B = batch(100);
const C = batch(200);
const ids = (rows: { id: number }[]) => rows.map((r) => r.id);
const asMap = (rows: { id: number; v: number[] }[]) => new Map(rows.map((r) => [r.id, r.v]));

const dir = mkdtempSync(join(tmpdir(), 'mishards-ttl-'));
const log = pino({ level: 'silent' });
const config: WriterConfig = {
  host: '127.0.0.1',
  port: 0,
  metricsPort: 0,
  dataDir: join(dir, 'writer'),
  meta: `sqlite:${join(dir, 'meta.sqlite')}`,
  storage: join(dir, 'storage'),
  sealRows: 1_000_000,
  sealAgeMs: 3_600_000,
  segmentSize: { unit: 'rows', value: 1_000_000 },
  compactionIntervalMs: 0,
  compactionDeletedRatio: 0.2,
  compactionRetentionMs: 3_600_000,
  maxResultBytes: DEFAULT_REQUEST_LIMITS.maxResultBytes,
  rates: unlimitedRates(),
  memoryHighWaterLevel: 1,
  clock,
};
let writer: RunningNode;
const readers: MishardsProcess[] = [];
let coordinator: RunningCoordinator;
let client: MilvusClient;

/** The ids a query through `c` finds (every row), sorted. */
async function visible(c: MilvusClient = client): Promise<number[]> {
  const res = await c.query({ collection_name: 'expiring', filter: 'id >= 0', output_fields: ['id'] });
  expect(res.status.error_code).toBe('Success');
  return res.data.map((r: any) => Number(r.id)).sort((a: number, b: number) => a - b);
}

const setTtl = async (seconds: number) =>
  expect(
    (await client.alterCollectionProperties({ collection_name: 'expiring', properties: { 'collection.ttl.seconds': seconds } })).error_code,
  ).toBe('Success');

beforeAll(async () => {
  writer = await startWriter(config, log);
  for (const g of ['g1', 'g2']) {
    readers.push(
      await startMishards([
        'reader',
        '--meta',
        config.meta,
        '--storage',
        config.storage,
        '--port',
        '0',
        '--metrics-port',
        '0',
        '--group',
        g,
        '--data-dir',
        join(dir, g),
      ]),
    );
  }
  coordinator = await startCoordinator(
    {
      host: '127.0.0.1',
      port: 0,
      metricsPort: 0,
      writer: writer.grpc,
      discovery: new StaticDiscovery(
        readers.map((r, i) => ({ role: 'reader', name: `r${i}`, group: `g${i + 1}`, address: r.addresses.grpc! })),
      ),
      limits: DEFAULT_REQUEST_LIMITS,
      clock,
    },
    log,
  );
  client = await connectSdk(coordinator.grpc);
  await client.createCollection({
    collection_name: 'expiring',
    consistency_level: 'Strong',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: DIM },
    ],
  });
  await client.createIndex({ collection_name: 'expiring', field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
  await client.loadCollectionSync({ collection_name: 'expiring' });
  expect((await client.insert({ collection_name: 'expiring', data: A })).status.error_code).toBe('Success');
  await client.flushSync({ collection_names: ['expiring'] });
  now = T0 + 100_000;
  expect((await client.insert({ collection_name: 'expiring', data: B })).status.error_code).toBe('Success');
  // A's segment on a reader, B's rows growing on the writer.
  const probes = readers.map((r) => new DataNodeClient(r.addresses.grpc!));
  await waitUntil('a reader holds the sealed segment', async () => {
    const held = await Promise.all(probes.map(async (p) => (await p.call('ListSegments', {})).segments.length));
    return held.reduce((a, b) => a + b, 0) === 1;
  });
  for (const p of probes) p.close();
});

afterAll(async () => {
  await client?.closeConnection();
  await coordinator?.stop();
  for (const r of readers) await r.stop();
  await writer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a collection TTL through the coordinator', () => {
  it('hides rows inserted longer ago than the TTL from every read, on readers and on the writer', async () => {
    await setTtl(150);
    now = T0 + 200_000; // expiry T0 + 50 s: A (sealed, on a reader) has expired, B (growing) has not
    expect(await visible()).toEqual(ids(B));
    expect((await client.count({ collection_name: 'expiring' })).data).toBe(B.length);
    const q = vec(5);
    const searched = await client.search({ collection_name: 'expiring', data: [q], limit: 10 });
    expectExactTopK(
      searched.results.map((r: any) => Number(r.id)),
      asMap(B),
      q,
      10,
    );
    const got = await client.get({ collection_name: 'expiring', ids: [1, 101], output_fields: ['id'] });
    expect(got.data.map((r: any) => Number(r.id))).toEqual([101]);
    const hybrid = await client.hybridSearch({
      collection_name: 'expiring',
      data: [
        { data: q, anns_field: 'v', params: {} },
        { data: vec(7), anns_field: 'v', params: {} },
      ],
      rerank: RRFRanker(60),
      limit: 50,
    });
    expect(hybrid.results.every((r: any) => Number(r.id) >= 100)).toBe(true);
    expect(hybrid.results).toHaveLength(B.length);

    now = T0 + 300_000; // expiry T0 + 150 s: B has expired too
    expect(await visible()).toEqual([]);
    expect((await client.search({ collection_name: 'expiring', data: [q], limit: 10 })).results).toEqual([]);
  });

  it('shows every row again once the TTL is dropped, and counts a TTL of 0 or less as none', async () => {
    expect(
      (await client.dropCollectionProperties({ collection_name: 'expiring', properties: ['collection.ttl.seconds'] })).error_code,
    ).toBe('Success');
    expect(await visible()).toEqual([...ids(A), ...ids(B)]);
    await setTtl(-1);
    expect(await visible()).toEqual([...ids(A), ...ids(B)]);
  });

  it('keeps the insert times of rows sealed into segments', async () => {
    await client.flushSync({ collection_names: ['expiring'] });
    await setTtl(150);
    now = T0 + 200_000;
    expect(await visible()).toEqual(ids(B));
    await coordinator.placement.settled();
    expect(await visible()).toEqual(ids(B));
  });
});

describe('a collection TTL on the writer alone, across a restart', () => {
  it('keeps the insert times of logged rows when the log is replayed', async () => {
    now = T0 + 150_000;
    expect((await client.insert({ collection_name: 'expiring', data: C })).status.error_code).toBe('Success');
    await client.closeConnection();
    await coordinator.stop();
    await writer.stop();
    now = T0 + 240_000; // the replay happens later than the rows were written
    writer = await startWriter(config, log);
    const direct = await connectSdk(writer.grpc);
    try {
      now = T0 + 260_000; // expiry T0 + 110 s: A and B have expired, C has not
      expect(await visible(direct)).toEqual(ids(C));
      now = T0 + 320_000; // expiry T0 + 170 s: C has expired too
      expect(await visible(direct)).toEqual([]);
    } finally {
      await direct.closeConnection();
    }
  });
});

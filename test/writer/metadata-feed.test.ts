import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { decodeView, type CollectionView } from '../../meta/collection-view.js';
import { MetadataFeedService } from '../../proto/data-node.js';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from '../harness/mishards-process.js';

/**
 * The writer's metadata feed: a snapshot, then every change, in order, with rising versions;
 * collections named by id, databases and aliases in names events.
 */
let dir: string;
let writer: MishardsProcess;
let client: MilvusClient;

interface Event {
  version: number;
  /** The collection the event is about (0 on a names event). */
  collection: number;
  view: CollectionView | undefined;
  snapshotDone: boolean;
  /** Every database and alias, on the snapshot's end and on their changes. */
  names: { databases: { id: string; name: string }[]; aliases: { database_id: string; alias: string; collection_id: string }[] } | null;
}

/** Collects feed events and lets a test wait for the first one matching a predicate. */
function watch(address: string) {
  const feed = new MetadataFeedService(address, grpc.credentials.createInsecure()) as any;
  const stream = feed.Watch({});
  const events: Event[] = [];
  const waiters: { pred: (e: Event) => boolean; resolve: (e: Event) => void }[] = [];
  stream.on('data', (m: any) => {
    const e = {
      version: Number(m.version),
      collection: Number(m.collection_id),
      view: m.view_json ? decodeView(m.view_json) : undefined,
      snapshotDone: m.snapshot_done,
      names: m.names,
    };
    events.push(e);
    for (const w of [...waiters])
      if (w.pred(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
  });
  stream.on('error', () => undefined);
  return {
    events,
    next(pred: (e: Event) => boolean): Promise<Event> {
      const seen = events.find(pred);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    close() {
      stream.cancel();
      feed.close();
    },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-feed-'));
  writer = await startMishards(['writer', ...onFreePorts(dir)]);
  client = await connectSdk(writer.addresses.grpc!);
});

afterAll(async () => {
  await client?.closeConnection();
  await writer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('streams a snapshot and then every metadata change', async () => {
  const w = watch(writer.addresses.grpc!);
  const snapshotEnd = await w.next((e) => e.snapshotDone);
  expect(snapshotEnd.names).toEqual({ databases: [{ id: '1', name: 'default' }], aliases: [] });
  await client.createCollection({
    collection_name: 'fed',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: 4 },
    ],
  });
  const created = await w.next((e) => e.view?.record.name === 'fed');
  const id = created.collection;
  expect(created.view!.record.id).toBe(id);
  expect(created.view!.record.dbId).toBe(1);
  expect(created.view!.record.schema.fields.map((f) => f.name)).toEqual(['id', 'v']);
  expect(created.view!.partitions.map((p) => p.name)).toEqual(['_default']);
  await client.createIndex({ collection_name: 'fed', field_name: 'v', index_type: 'HNSW', metric_type: 'L2' });
  await w.next((e) => e.collection === id && e.view?.indexes[0]?.indexType === 'HNSW');
  await client.loadCollectionSync({ collection_name: 'fed' });
  const loaded = await w.next((e) => e.collection === id && e.view?.partitions[0]?.loaded === true);
  expect(loaded.view!.record.loadNewPartitions).toBe(true);
  await client.insert({ collection_name: 'fed', data: Array.from({ length: 10 }, (_, i) => ({ id: i, v: [i, 1, 2, 3] })) });
  await client.flushSync({ collection_names: ['fed'] });
  const sealed = await w.next((e) => e.collection === id && (e.view?.segments.length ?? 0) === 1);
  expect(sealed.view!.segments[0]!.rows).toBe(10);
  const indexed = await w.next((e) => e.collection === id && e.view?.segments[0]?.state === 'indexed');
  expect(indexed.version).toBeGreaterThan(sealed.version);

  // Databases and aliases travel whole in names events.
  await client.createDatabase({ db_name: 'other' });
  await client.createAlias({ collection_name: 'fed', alias: 'fa' });
  const named = await w.next((e) => (e.names?.aliases.length ?? 0) > 0);
  expect(named.names).toEqual({
    databases: [
      { id: '1', name: 'default' },
      { id: expect.any(String), name: 'other' },
    ],
    aliases: [{ database_id: '1', alias: 'fa', collection_id: String(id) }],
  });
  await client.dropAlias({ alias: 'fa' });
  await w.next((e) => e.version > named.version && e.names?.aliases.length === 0);

  // A second watcher starts from a snapshot holding the current state.
  const late = watch(writer.addresses.grpc!);
  const snap = await late.next((e) => e.collection === id);
  expect(snap.view!.segments.map((s) => s.state)).toEqual(['indexed']);
  await late.next((e) => e.snapshotDone);
  late.close();

  await client.dropCollection({ collection_name: 'fed' });
  const dropped = await w.next((e) => e.collection === id && e.view === undefined);
  const versions = w.events.filter((e) => !e.snapshotDone).map((e) => e.version);
  expect(versions).toEqual([...versions].sort((a, b) => a - b));
  expect(dropped.version).toBe(Math.max(...versions));
  w.close();
});

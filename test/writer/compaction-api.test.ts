import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from '../harness/mishards-process.js';
import { RawMilvus } from '../harness/raw-milvus.js';
import { waitUntil } from '../harness/wait.js';

/**
 * The SDK's compaction flow against the writer alone: compact, getCompactionState until
 * Completed, getCompactionStateWithPlans, and the segments before and after as
 * getPersistentSegmentInfo and getQuerySegmentInfo list them; bad requests get a status.
 */
const DIM = 4;
const C = 'stack';
let dir: string;
let writer: MishardsProcess;
let client: MilvusClient;
let raw: RawMilvus;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-compaction-api-'));
  writer = await startMishards(['writer', ...onFreePorts(dir), '--segment-size', '100']);
  client = await connectSdk(writer.addresses.grpc!);
  raw = new RawMilvus(writer.addresses.grpc!);
  await client.createCollection({
    collection_name: C,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: DIM },
    ],
  });
  await client.createIndex({ collection_name: C, field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
  await client.loadCollectionSync({ collection_name: C });
  for (let s = 0; s < 8; s++) {
    const data = Array.from({ length: 25 }, (_, i) => ({ id: s * 25 + i, v: [s, i, 1, 0] }));
    expect((await client.insert({ collection_name: C, data })).status.error_code).toBe('Success');
    await client.flushSync({ collection_names: [C] });
  }
});

afterAll(async () => {
  raw?.close();
  await client?.closeConnection();
  await writer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Segment ids as the wire carries them (int64 as decimal strings). */
const ids = (infos: { segmentID: unknown }[]) => infos.map((i) => String(i.segmentID)).sort();

it('compacts eight 25-row segments into two of 100, as the segment-info calls show before and after', async () => {
  const before = await client.getPersistentSegmentInfo({ collectionName: C });
  expect(before.infos.map((i) => [String(i.num_rows), i.state])).toEqual(Array(8).fill(['25', 'Flushed']));
  const queried = await client.getQuerySegmentInfo({ collectionName: C });
  expect(ids(queried.infos)).toEqual(ids(before.infos));
  expect(queried.infos.every((i) => String(i.state) === 'Sealed' && i.nodeIds.join() === '1')).toBe(true);

  const started = await client.compact({ collection_name: C });
  expect(started.status.error_code).toBe('Success');
  expect(started.compactionPlanCount).toBe(2);
  const compactionID = started.compactionID;
  let state: any;
  await waitUntil('the compaction completed', async () => {
    state = await client.getCompactionState({ compactionID });
    return state.state === 'Completed';
  });
  expect([state.status.error_code, state.executingPlanNo, state.completedPlanNo, state.failedPlanNo]).toEqual(['Success', '0', '2', '0']);

  const plans = await client.getCompactionStateWithPlans({ compactionID });
  expect(plans.state).toBe('Completed');
  expect(plans.mergeInfos.flatMap((m) => m.sources.map(String)).sort()).toEqual(ids(before.infos));
  expect(plans.mergeInfos.map((m) => m.sources.length)).toEqual([4, 4]);

  const after = await client.getPersistentSegmentInfo({ collectionName: C });
  expect(after.infos.map((i) => String(i.num_rows))).toEqual(['100', '100']);
  expect(ids(after.infos)).toEqual(plans.mergeInfos.map((m) => String(m.target)).sort());
  expect(ids((await client.getQuerySegmentInfo({ collectionName: C })).infos)).toEqual(ids(after.infos));

  const count = await client.count({ collection_name: C });
  expect(count.data).toBe(200);
});

it('answers a second compaction with nothing left to merge with id -1 and no plan', async () => {
  const again = await client.compact({ collection_name: C });
  expect([again.status.error_code, again.compactionID, again.compactionPlanCount]).toEqual(['Success', '-1', 0]);
});

it('refuses bad compaction requests with a status saying why', async () => {
  const unknown = await raw.call('ManualCompaction', { collection_name: 'nope' });
  expect([unknown.status.error_code, unknown.status.code, unknown.status.reason]).toEqual([
    'CollectionNotExists',
    100,
    'collection not found[collection=nope]',
  ]);
  const major = await raw.call('ManualCompaction', { collection_name: C, majorCompaction: true });
  expect([major.status.error_code, major.status.code]).toEqual(['IllegalArgument', 1100]);
  const segment = await raw.call('ManualCompaction', { collection_name: C, segment_ids: [424242] });
  expect([segment.status.code, segment.status.reason]).toEqual([1100, `segment 424242 is not a flushed segment of collection ${C}`]);
  const partition = await raw.call('ManualCompaction', { collection_name: C, partition_id: 424242 });
  expect(partition.status.code).toBe(200);
  const info = await raw.call('GetPersistentSegmentInfo', { collectionName: 'nope' });
  expect(info.status.code).toBe(100);
});

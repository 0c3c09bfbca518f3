import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { encodeQueryVectors } from '../../milvus/placeholder.js';
import { readPartial } from '../../milvus/partial-result.js';
import { collectionIdOf, DataNodeClient } from '../harness/data-node-client.js';
import { signedPrng } from '../harness/prng.js';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from '../harness/mishards-process.js';

/**
 * A read-only node loads sealed segments from shared storage and answers searches and
 * queries over them exactly as the writer does over the same segments.
 */
const DIM = 8;
let dir: string;
let writer: MishardsProcess;
let reader: MishardsProcess;
let client: MilvusClient;
let onWriter: DataNodeClient;
let onReader: DataNodeClient;
let sealedIds: string[];
/** The id the data nodes know the collection by. */
let sharedId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-reader-'));
  const common = [...onFreePorts(), '--meta', `sqlite:${join(dir, 'meta.sqlite')}`, '--storage', join(dir, 'storage')];
  writer = await startMishards(['writer', ...common, '--data-dir', join(dir, 'w'), '--seal-rows', '200']);
  reader = await startMishards(['reader', ...common, '--data-dir', join(dir, 'r'), '--group', 'g1']);
  client = await connectSdk(writer.addresses.grpc!, 60_000);
  onWriter = new DataNodeClient(writer.addresses.grpc!);
  onReader = new DataNodeClient(reader.addresses.grpc!);

  await client.createCollection({
    collection_name: 'shared',
    enable_dynamic_field: true,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      { name: 'tag', data_type: DataType.VarChar, max_length: 8 },
    ],
  });
  await client.createIndex({
    collection_name: 'shared',
    field_name: 'v',
    index_type: 'HNSW',
    metric_type: 'IP',
    params: { M: 8, efConstruction: 64 },
  });
  await client.loadCollectionSync({ collection_name: 'shared' });
  const rand = signedPrng(42);
  for (let b = 0; b < 6; b++) {
    const rows = Array.from({ length: 200 }, (_, i) => ({
      id: b * 200 + i,
      v: Array.from({ length: DIM }, rand),
      tag: `t${i % 5}`,
      extra: i % 3,
    }));
    expect((await client.insert({ collection_name: 'shared', data: rows })).status.error_code).toBe('Success');
  }
  await client.flushSync({ collection_names: ['shared'] });
  sharedId = await collectionIdOf(client, 'shared');
  const listed = await onWriter.call('ListSegments', {});
  sealedIds = listed.segments.filter((s: any) => s.collection_id === sharedId && !s.growing).map((s: any) => s.segment_id);
  expect(sealedIds.length).toBe(6);
});

afterAll(async () => {
  await client?.closeConnection();
  onWriter?.close();
  onReader?.close();
  await reader?.stop();
  await writer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const decode = (res: any) => {
  expect(res.status.code).toBe(0);
  const p = readPartial(res.partial, true);
  return {
    ids: [...p.keys],
    scores: [...p.scores],
    topks: p.topks,
    fields: p.columns.map((c) => c.header.field_name),
    ts: [...p.timestamps],
  };
};

describe('read-only node', () => {
  it('loads sealed segments and reports them', async () => {
    const res = await onReader.call('LoadSegments', { collection_id: sharedId, segment_ids: sealedIds });
    expect(res.status.code).toBe(0);
    expect(res.loaded.sort()).toEqual([...sealedIds].sort());
    expect(res.errors).toEqual([]);
    const listed = await onReader.call('ListSegments', {});
    expect(listed.segments.map((s: any) => s.segment_id).sort()).toEqual([...sealedIds].sort());
  });

  it('answers searches exactly as the writer does over the same segments', async () => {
    const rand = signedPrng(7);
    const queries = Array.from({ length: 3 }, () => Array.from({ length: DIM }, rand));
    for (const filter of ['', 'tag == "t2"', 'extra == 1 and id < 900']) {
      const req = {
        collection_id: sharedId,
        segment_ids: sealedIds,
        placeholder_group: encodeQueryVectors(queries),
        topk: 15,
        metric_type: 'IP',
        params_json: '{"ef": 64}',
        filter,
        output_fields: ['tag', 'extra'],
      };
      const fromReader = decode(await onReader.call('SearchSegments', req));
      const fromWriter = decode(await onWriter.call('SearchSegments', req));
      expect(fromReader).toEqual(fromWriter);
      expect(fromReader.ids.length).toBe(45);
    }
  });

  it('answers queries exactly as the writer does and sees deletes made after loading', async () => {
    const req = { collection_id: sharedId, segment_ids: sealedIds, filter: 'tag in ["t1", "t3"]', output_fields: ['tag'], limit: 50 };
    const before = decode(await onReader.call('QuerySegments', req));
    expect(before).toEqual(decode(await onWriter.call('QuerySegments', req)));
    const victims = before.ids.slice(0, 5);
    expect((await client.delete({ collection_name: 'shared', filter: `id in [${victims.join(',')}]` })).status.error_code).toBe('Success');
    const after = decode(await onReader.call('QuerySegments', req));
    expect(after.ids).not.toContain(victims[0]);
    expect(after).toEqual(decode(await onWriter.call('QuerySegments', req)));
  });

  it('reports a missing or corrupt segment by name and keeps serving', async () => {
    const missing = await onReader.call('LoadSegments', { collection_id: sharedId, segment_ids: ['999999'] });
    expect(missing.errors[0].segment_id).toBe('999999');
    expect(missing.errors[0].reason).toMatch(/segment 999999/);
    // Corrupt a segment's data file, release it and load it again.
    const victim = sealedIds[0]!;
    await onReader.call('ReleaseSegments', { collection_id: sharedId, segment_ids: [victim] });
    const collectionDirs = readdirSync(join(dir, 'storage'));
    const segDir = collectionDirs
      .flatMap((c) => readdirSync(join(dir, 'storage', c)).map((p) => join(dir, 'storage', c, p, victim)))
      .find((d) => {
        try {
          return readdirSync(d).includes('data.msc');
        } catch {
          return false;
        }
      })!;
    writeFileSync(join(segDir, 'data.msc'), Buffer.from('garbage'));
    const corrupt = await onReader.call('LoadSegments', { collection_id: sharedId, segment_ids: [victim] });
    expect(corrupt.loaded).toEqual([]);
    expect(corrupt.errors[0].reason).toMatch(new RegExp(`segment ${victim}`));
    const notLoaded = await onReader.call('SearchSegments', {
      collection_id: sharedId,
      segment_ids: [victim],
      placeholder_group: encodeQueryVectors([Array(DIM).fill(0.1)]),
      topk: 1,
      metric_type: 'IP',
    });
    expect(notLoaded.status.code).toBe(601);
    expect(notLoaded.status.reason).toMatch(victim);
    const stillServing = await onReader.call('ListSegments', {});
    expect(stillServing.segments.length).toBe(sealedIds.length - 1);
  });
});

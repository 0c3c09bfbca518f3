import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { waitUntil } from '../harness/wait.js';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from '../harness/mishards-process.js';

/**
 * A dropped collection takes all of its pending writer state with it: a collection with
 * sealed segments and delete records in flight is dropped, and every other collection still
 * flushes, inserts and searches, before and after a restart, with nothing of the dropped one
 * left in storage.
 */
const DIM = 4;
const OTHERS = ['keep_a', 'keep_b', 'keep_c'];

const vec = (i: number) => [Math.cos(i), Math.sin(i), (i % 7) / 7, 1];
const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: from + i, vector: vec(from + i) }));

const targets: [string, string[]][] = [
  ['the writer alone', ['writer']],
  ['the coordinator of mishards up', ['up', '--readers', '2']],
];

describe.each(targets)('dropping a collection with pending state, through %s', (_target, command) => {
  const dir = mkdtempSync(join(tmpdir(), 'mishards-drop-'));
  const storage = join(dir, 'storage');
  let server: MishardsProcess | undefined;
  let client: MilvusClient | undefined;

  const start = async () => {
    server = await startMishards([...command, ...onFreePorts(dir), '--seal-rows', '1000']);
    client = await connectSdk(server.addresses.grpc!);
    return client;
  };
  const stop = async () => {
    await client?.closeConnection();
    if (server) expect(await server.stop()).toBe(0);
    server = undefined;
  };

  afterAll(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Flush, insert and search each of the other collections; `base` keeps ids distinct per round. */
  const useOthers = async (c: MilvusClient, base: number) => {
    for (const name of OTHERS) {
      const ins = await c.insert({ collection_name: name, data: rows(base, 20) });
      expect(ins.status.error_code).toBe('Success');
      const flushed = await c.flush({ collection_names: [name] });
      expect(flushed.status.error_code).toBe('Success');
      const res = await c.search({ collection_name: name, data: vec(base + 3), limit: 1, consistency_level: 'Strong' as any });
      expect(res.status.error_code).toBe('Success');
      expect(res.results[0]!.id).toBe(String(base + 3));
    }
  };

  it('forgets the dropped collection: others flush, insert and search, before and after a restart', async () => {
    const c = await start();
    for (const name of ['doomed', ...OTHERS]) {
      expect((await c.createCollection({ collection_name: name, dimension: DIM, metric_type: 'L2', auto_id: false })).error_code).toBe(
        'Success',
      );
    }
    await useOthers(c, 0);

    expect((await c.insert({ collection_name: 'doomed', data: rows(0, 50) })).status.error_code).toBe('Success');
    expect((await c.flush({ collection_names: ['doomed'] })).status.error_code).toBe('Success');
    const doomedId = (await c.describeCollection({ collection_name: 'doomed' })).collectionID;
    expect(existsSync(join(storage, doomedId))).toBe(true);
    // Deletes that hit sealed segments leave delete logs to sync at the next checkpoint.
    const del = await c.delete({ collection_name: 'doomed', filter: 'id in [1, 2, 3, 40]' });
    expect(del.status.error_code).toBe('Success');
    expect((await c.dropCollection({ collection_name: 'doomed' })).error_code).toBe('Success');

    await useOthers(c, 100);
    await waitUntil('the dropped collection has no files', async () => !existsSync(join(storage, doomedId)));

    await stop();
    const again = await start();
    await useOthers(again, 200);
    expect((await again.hasCollection({ collection_name: 'doomed' })).value).toBe(false);
    for (const name of OTHERS) {
      const stats = await again.getCollectionStatistics({ collection_name: name });
      expect(Number(stats.data.row_count)).toBe(60);
    }
    expect(readdirSync(storage)).not.toContain(doomedId);
  });

  it('forgets a dropped partition the same way', async () => {
    const c = client!;
    expect((await c.createPartition({ collection_name: 'keep_a', partition_name: 'doomed_part' })).error_code).toBe('Success');
    const ins = await c.insert({ collection_name: 'keep_a', partition_name: 'doomed_part', data: rows(1000, 30) });
    expect(ins.status.error_code).toBe('Success');
    expect((await c.flush({ collection_names: ['keep_a'] })).status.error_code).toBe('Success');
    expect((await c.delete({ collection_name: 'keep_a', filter: 'id in [1001, 1002]' })).status.error_code).toBe('Success');
    const collectionId = (await c.describeCollection({ collection_name: 'keep_a' })).collectionID;
    const parts = await c.showPartitions({ collection_name: 'keep_a' });
    const partitionId = parts.partitionIDs[parts.partition_names.indexOf('doomed_part')]!;
    expect((await c.releasePartitions({ collection_name: 'keep_a', partition_names: ['doomed_part'] })).error_code).toBe('Success');
    expect((await c.dropPartition({ collection_name: 'keep_a', partition_name: 'doomed_part' })).error_code).toBe('Success');

    await useOthers(c, 300);
    await waitUntil(
      'the dropped partition has no files',
      async () => !existsSync(join(storage, String(collectionId), String(partitionId))),
    );
    const res = await c.query({
      collection_name: 'keep_a',
      filter: 'id >= 1000',
      output_fields: ['id'],
      consistency_level: 'Strong' as any,
    });
    expect(res.data).toEqual([]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { quotaSettingsKey } from '../cluster/quota-settings.js';
import { etcdForFile } from './cluster/discovery/helpers.js';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from './harness/mishards-process.js';
import { scrapeMetrics } from './harness/metrics.js';
import { waitUntil } from './harness/wait.js';

/**
 * Quota settings changed at run time through the etcd key `<prefix>/config/quotas`, against a
 * writer and a coordinator started by the CLI with --etcd: the key overrides their flags, a bad
 * value is logged with the key and ignored, and deleting the key brings the flags back.
 */
const DIM = 4;
const { etcd, prefix } = etcdForFile('quota-settings');
const key = quotaSettingsKey(prefix);
const vec = (i: number) => [Math.cos(i), Math.sin(i), (i % 7) / 7, 1];

describe('quota settings in etcd', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mishards-quota-settings-'));
  let writer: MishardsProcess;
  let coordinator: MishardsProcess;
  let client: MilvusClient;
  let nextId = 0;

  const metric = async (p: MishardsProcess, name: string, labels: Record<string, string> = {}) =>
    (await scrapeMetrics(p.addresses.metrics!))(name, labels);
  const searchLimit = (scope: string) => metric(coordinator, 'mishards_quota_limit', { kind: 'search', scope });
  /** The codes of `n` searches sent one after the other. */
  const searches = async (n: number) => {
    const codes: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await client.search({ collection_name: 'q', data: [vec(i)], limit: 3, output_fields: ['id'] });
      codes.push(Number((res.status as { code?: number }).code ?? 0));
    }
    return codes;
  };
  const insert = async () => (await client.insert({ collection_name: 'q', data: [{ id: nextId, v: vec(nextId++) }] })).status;

  beforeAll(async () => {
    const shared = ['--meta', `sqlite:${join(dir, 'meta.sqlite')}`, '--storage', join(dir, 'storage')];
    const cluster = ['--etcd', inject('etcd').endpoint, '--etcd-prefix', prefix];
    writer = await startMishards(['writer', ...onFreePorts(join(dir, 'writer')), ...shared, ...cluster]);
    coordinator = await startMishards([
      'coordinator',
      ...onFreePorts(),
      '--writer',
      writer.addresses.grpc!,
      ...cluster,
      '--quota-search-rate',
      '1000',
    ]);
    client = await connectSdk(coordinator.addresses.grpc!);
    await client.createCollection({
      collection_name: 'q',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
    });
    await client.createIndex({ collection_name: 'q', field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
    await client.loadCollectionSync({ collection_name: 'q' });
    expect((await insert()).error_code).toBe('Success');
  });

  afterAll(async () => {
    await client?.closeConnection();
    if (coordinator) expect(await coordinator.stop()).toBe(0);
    if (writer) expect(await writer.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies the key over the flags as soon as it is written', async () => {
    await etcd.put(key).value(JSON.stringify({ 'quota-search-rate-collection': 3 }));
    await waitUntil('the coordinator holds searches to 3 vectors/s per collection', async () => (await searchLimit('collection')) === 3);
    // The flag it does not name stays.
    expect(await searchLimit('cluster')).toBe(1000);
    // A full bucket of 3, refilled at 3 a second: 20 searches in a row meet the limit.
    const codes = await searches(20);
    expect(codes.filter((c) => c === 0).length).toBeGreaterThanOrEqual(3);
    expect(codes).toContain(8);
  });

  it('logs a bad value naming the key and ignores it: the last good settings stay', async () => {
    await etcd.put(key).value(JSON.stringify({ 'quota-search-rate-collection': 'fast' }));
    await waitUntil('the coordinator rejects the value', async () => coordinator.output().includes('etcd value rejected'));
    const line = coordinator
      .output()
      .split('\n')
      .find((l) => l.includes('etcd value rejected'))!;
    expect(JSON.parse(line)).toMatchObject({ key, reason: expect.stringMatching(/^quota-search-rate-collection: /) });
    expect(await searchLimit('collection')).toBe(3);
    expect(await searches(20)).toContain(8);
  });

  it('goes back to the flags once the key is deleted', async () => {
    await etcd.delete().key(key);
    await waitUntil('the per-collection search limit is gone', async () => (await searchLimit('collection')) === 0);
    expect(await searchLimit('cluster')).toBe(1000);
    expect(await searches(20)).toEqual(Array(20).fill(0));
  });

  it("sets the writer's memory protection level", async () => {
    await etcd.put(key).value(JSON.stringify({ 'quota-memory-high-water-level': 0.0001 }));
    await waitUntil(
      'the writer protects its memory at 0.0001',
      async () => (await metric(writer, 'mishards_memory_high_water_level')) === 0.0001,
    );
    expect(await insert()).toMatchObject({ code: 9, error_code: 'ForceDeny' });
    await etcd.delete().key(key);
    await waitUntil('the writer is back to its flag', async () => (await metric(writer, 'mishards_memory_high_water_level')) === 0.95);
    expect((await insert()).error_code).toBe('Success');
  });
});

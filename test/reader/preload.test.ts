import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import YAML from 'yaml';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { createRouter, DEFAULT_ROUTER } from '../../cluster/routing/registry.js';
import { DataNodeClient } from '../harness/data-node-client.js';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from '../harness/mishards-process.js';

/**
 * Readers that know the writer and the membership preload their group's share of the sealed
 * segments on the same ring the coordinators use, with no coordinator running.
 */
let dir: string;
let writer: MishardsProcess;
const readers: MishardsProcess[] = [];
let client: MilvusClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-preload-'));
  const file = join(dir, 'cluster.yaml');
  const shared = [...onFreePorts(), '--meta', `sqlite:${join(dir, 'meta.sqlite')}`, '--storage', join(dir, 'storage')];
  writer = await startMishards(['writer', ...shared, '--data-dir', join(dir, 'w'), '--seal-rows', '20']);
  for (const g of ['ga', 'gb']) {
    readers.push(
      await startMishards([
        'reader',
        ...shared,
        '--group',
        g,
        '--data-dir',
        join(dir, g),
        '--writer',
        writer.addresses.grpc!,
        '--discovery',
        file,
      ]),
    );
  }
  // The membership file appears after the readers started (as `mishards up` writes it).
  const members = readers.map((r, i) => ({ role: 'reader', name: `r${i}`, group: ['ga', 'gb'][i], address: r.addresses.grpc }));
  writeFileSync(`${file}.tmp`, YAML.stringify({ members }));
  renameSync(`${file}.tmp`, file);
  client = await connectSdk(writer.addresses.grpc!);
});

afterAll(async () => {
  await client?.closeConnection();
  for (const r of readers) await r.stop();
  await writer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('loads exactly its group share of each sealed segment as it is sealed', async () => {
  await client.createCollection({
    collection_name: 'pre',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: 4 },
    ],
  });
  await client.createIndex({ collection_name: 'pre', field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
  await client.loadCollectionSync({ collection_name: 'pre' });
  for (let b = 0; b < 10; b++) {
    await client.insert({ collection_name: 'pre', data: Array.from({ length: 20 }, (_, i) => ({ id: b * 20 + i, v: [b, i, 1, 2] })) });
  }
  await client.flushSync({ collection_names: ['pre'] });
  const probes = [writer, ...readers].map((r) => new DataNodeClient(r.addresses.grpc!));
  const [onWriter, ...onReaders] = probes;
  const owners = createRouter(DEFAULT_ROUTER, ['ga', 'gb']);
  try {
    const sealed = (await onWriter!.call('ListSegments', {})).segments.filter((s: any) => !s.growing).map((s: any) => Number(s.segment_id));
    expect(sealed.length).toBe(10);
    const want = ['ga', 'gb'].map((g) => (owners.assign(sealed).get(g) ?? []).sort((a, b) => a - b));
    for (;;) {
      const held = await Promise.all(
        onReaders.map(async (p) =>
          (await p.call('ListSegments', {})).segments.map((s: any) => Number(s.segment_id)).sort((a: number, b: number) => a - b),
        ),
      );
      if (JSON.stringify(held) === JSON.stringify(want)) break;
      // Never more than the group's share: preloading follows the ring exactly.
      for (const [i, h] of held.entries()) expect(h.every((id: number) => want[i]!.includes(id))).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    for (const p of probes) p.close();
  }
});

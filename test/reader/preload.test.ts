import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import YAML from 'yaml';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { createRouter, DEFAULT_ROUTER } from '../../cluster/routing/registry.js';
import type { SegmentRows } from '../../cluster/routing/router.js';
import { DataNodeClient } from '../harness/data-node-client.js';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from '../harness/mishards-process.js';

/**
 * Readers that know the writer and the membership preload their group's share of the sealed
 * segments, placed by the same router the coordinators use, with no coordinator running.
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

it('loads its group share of the sealed segments as they are sealed, and only what was its share', async () => {
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
  const router = createRouter(DEFAULT_ROUTER, ['ga', 'gb']);
  try {
    const sealed: SegmentRows[] = (await onWriter!.call('ListSegments', {})).segments
      .filter((s: any) => !s.growing)
      .map((s: any) => ({ id: Number(s.segment_id), rows: Number(s.rows) }))
      .sort((a: SegmentRows, b: SegmentRows) => a.id - b.id);
    expect(sealed.length).toBe(10);
    const share = (segments: SegmentRows[], group: string) => {
      const ids = segments.map((s) => s.id);
      return router.assign(segments).partition(ids).get(group) ?? [];
    };
    const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
    // Segments were sealed in id order; a reader placed them as each prefix of that order was
    // sealed (or fewer times: passes coalesce). The bounded-load router may move a segment as
    // the rows grow, and a reader never releases on its own: it ends with at least its final
    // share, and holds nothing that was never its share.
    const want = ['ga', 'gb'].map((g) => sorted(share(sealed, g)));
    const everOwned = ['ga', 'gb'].map((g) => new Set(sealed.flatMap((_, k) => share(sealed.slice(0, k + 1), g))));
    for (;;) {
      const held = await Promise.all(
        onReaders.map(async (p) => sorted((await p.call('ListSegments', {})).segments.map((s: any) => Number(s.segment_id)))),
      );
      for (const [i, h] of held.entries()) expect(h.filter((id: number) => !everOwned[i]!.has(id))).toEqual([]);
      if (held.every((h, i) => want[i]!.every((id) => h.includes(id)))) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    for (const p of probes) p.close();
  }
});

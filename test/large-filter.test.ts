import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from './harness/mishards-process.js';

/**
 * A filter of 500,000 keys (`id in [0, ..., 499999]`, 3.9 MB of text) through the official
 * SDK, for query and search: on the writer alone, and through the coordinator, which checks it
 * and forwards it in every sub-request, where each node compiles it again.
 */
const DIM = 4;
const KEYS = 500_000;
/** Keys inside the list (sealed and growing rows) and beyond it. */
const INSIDE = Array.from({ length: 1500 }, (_, i) => i * 7);
const OUTSIDE = Array.from({ length: 50 }, (_, i) => 600_000 + i);

const vec = (i: number) => [Math.cos(i), Math.sin(i), (i % 11) / 11, 1];
const list = `[${Array.from({ length: KEYS }, (_, i) => i).join(', ')}]`;
const ids = (data: Record<string, unknown>[]) => data.map((r) => Number(r.id)).sort((a, b) => a - b);

const targets: [string, string[]][] = [
  ['the writer alone', ['writer']],
  ['the coordinator of mishards up', ['up', '--readers', '1']],
];

describe.each(targets)('a filter of 500,000 keys, through %s', (_target, command) => {
  const dir = mkdtempSync(join(tmpdir(), 'mishards-large-filter-'));
  let server: MishardsProcess;
  let client: MilvusClient;

  beforeAll(async () => {
    server = await startMishards([...command, ...onFreePorts(dir), '--seal-rows', '1000']);
    client = await connectSdk(server.addresses.grpc!, 60_000);
    await client.createCollection({
      collection_name: 'keyed',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
    });
    await client.createIndex({ collection_name: 'keyed', field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
    await client.loadCollectionSync({ collection_name: 'keyed' });
    const res = await client.insert({ collection_name: 'keyed', data: [...INSIDE, ...OUTSIDE].map((id) => ({ id, v: vec(id) })) });
    expect(res.status.error_code).toBe('Success');
  });

  afterAll(async () => {
    await client?.closeConnection();
    if (server) expect(await server.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('queries the rows whose keys are in the list, and those whose keys are not', async () => {
    const inside = await client.query({
      collection_name: 'keyed',
      filter: `id in ${list}`,
      output_fields: ['id'],
      consistency_level: 'Strong' as any,
    });
    expect(inside.status.error_code).toBe('Success');
    expect(ids(inside.data)).toEqual(INSIDE);
    const outside = await client.query({
      collection_name: 'keyed',
      filter: `id not in ${list}`,
      output_fields: ['id'],
      consistency_level: 'Strong' as any,
    });
    expect(outside.status.error_code).toBe('Success');
    expect(ids(outside.data)).toEqual(OUTSIDE);
  });

  it('searches among the rows whose keys are in the list', async () => {
    // The nearest row of all is outside the list: the filter must keep it out.
    const res = await client.search({
      collection_name: 'keyed',
      data: [vec(OUTSIDE[0]!)],
      filter: `id in ${list}`,
      limit: 10,
      output_fields: ['id'],
      consistency_level: 'Strong' as any,
    });
    expect(res.status.error_code).toBe('Success');
    expect(res.results).toHaveLength(10);
    for (const hit of res.results) expect(INSIDE).toContain(Number(hit.id));
  });
});

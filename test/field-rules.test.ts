import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, type MilvusClient, ShowCollectionsType } from '@zilliz/milvus2-sdk-node';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from './harness/mishards-process.js';

/**
 * The field rules (milvus/field-rules.ts) through the official SDK, against the writer alone
 * and the coordinator of `mishards up`: a refused parameter, schema attribute or database
 * fails with the Milvus status naming it; `ignore_growing` leaves the rows not sealed yet out
 * of searches and queries; ShowCollections with InMemory lists the named collections only.
 */
const DIM = 4;
const SEALED = 8;
const GROWING = 3;
const vec = (id: number): number[] => Array.from({ length: DIM }, (_, j) => Math.cos(id * 0.7 + j));
const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: from + i, v: vec(from + i) }));
const ids = (values: Iterable<unknown>) => [...values].map(Number).sort((a, b) => a - b);
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

const targets: [string, string[]][] = [
  ['the writer', ['writer']],
  ['the coordinator of mishards up', ['up', '--readers', '2']],
];

describe.each(targets)('field rules against %s', (_target, command) => {
  let dir: string;
  let server: MishardsProcess;
  let client: MilvusClient;
  const collection = 'rules';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mishards-field-rules-'));
    server = await startMishards([...command, ...onFreePorts(dir)]);
    client = await connectSdk(server.addresses.grpc!);
    const created = await client.createCollection({
      collection_name: collection,
      consistency_level: 'Strong',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
    });
    expect(created.error_code).toBe('Success');
    await client.createIndex({ collection_name: collection, field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
    await client.loadCollection({ collection_name: collection });
    expect((await client.insert({ collection_name: collection, data: rows(0, SEALED) })).status.error_code).toBe('Success');
    // Flush answers once the rows are sealed and persisted; the next ones stay growing.
    expect((await client.flushSync({ collection_names: [collection] })).status.error_code).toBe('Success');
    expect((await client.insert({ collection_name: collection, data: rows(SEALED, GROWING) })).status.error_code).toBe('Success');
  });

  afterAll(async () => {
    await client?.closeConnection();
    if (server) expect(await server.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  const search = (extra: Record<string, unknown>) =>
    client.search({ collection_name: collection, data: [vec(1)], limit: 100, output_fields: ['id'], ...extra });

  it('searches and queries leave growing rows out with ignore_growing, and include them without', async () => {
    const all = await search({});
    expect(ids(all.results.map((r) => r.id))).toEqual(range(0, SEALED + GROWING));
    const sealedOnly = await search({ ignore_growing: true });
    expect(sealedOnly.status.error_code).toBe('Success');
    expect(ids(sealedOnly.results.map((r) => r.id))).toEqual(range(0, SEALED));

    // The SDK sends a query's `params` as its query_params.
    const queried = await client.query({
      collection_name: collection,
      filter: 'id >= 0',
      output_fields: ['id'],
      params: { ignore_growing: true },
    });
    expect(queried.status.error_code).toBe('Success');
    expect(ids(queried.data.map((r) => r.id))).toEqual(range(0, SEALED));
    const queriedAll = await client.query({ collection_name: collection, filter: 'id >= 0', output_fields: ['id'] });
    expect(ids(queriedAll.data.map((r) => r.id))).toEqual(range(0, SEALED + GROWING));
  });

  it('refuses a search parameter Mishards does not implement, naming it', async () => {
    const res = await search({ hints: 'iterative_filter' });
    expect(res.status.code).toBe(1100);
    expect(res.status.reason).toContain('search hints are not supported (search_params.hints)');
  });

  it('refuses a schema attribute Mishards does not implement, naming the field', async () => {
    // The SDK throws the status of a failed createCollection.
    const res = await client
      .createCollection({
        collection_name: 'clustered',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'v', data_type: DataType.FloatVector, dim: DIM },
          { name: 'k', data_type: DataType.Int64, is_clustering_key: true },
        ],
      })
      .catch((status: { code: number; reason: string }) => status);
    expect(res.code).toBe(1100);
    expect(res.reason).toContain('clustering keys are not supported (schema.fields[2].is_clustering_key)');
    expect((await client.hasCollection({ collection_name: 'clustered' })).value).toBe(false);
  });

  it('answers a database that does not exist with database not found', async () => {
    // (The SDK's own search path fails before sending for a database it cannot describe.)
    const res = await client.getCollectionStatistics({ collection_name: collection, db_name: 'sales' });
    expect(res.status.code).toBe(800);
    expect(res.status.reason).toContain('database not found[database=sales]');
  });

  it('lists the named loaded collections with InMemory, and refuses a named one not loaded', async () => {
    await client.createCollection({
      collection_name: 'unloaded',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
    });
    const loaded = await client.showCollections({ type: ShowCollectionsType.Loaded, collection_names: [collection] });
    expect(loaded.data.map((c) => c.name)).toEqual([collection]);
    const all = await client.showCollections({ type: ShowCollectionsType.Loaded });
    expect(all.data.map((c) => c.name)).toEqual([collection]);
    const refused = await client.showCollections({ type: ShowCollectionsType.Loaded, collection_names: ['unloaded'] });
    expect(refused.status.code).toBe(101);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType } from '@zilliz/milvus2-sdk-node';
import { expectExactTopK, seedVector, TestCluster } from './harness/cluster.js';
import { RawMilvus } from './harness/raw-milvus.js';

/**
 * Changes to existing collections through the coordinator of a cluster with two reader groups
 * (official SDK and REST), each on a collection with sealed segments on the readers and rows
 * still growing on the writer: RenameCollection, collection properties (mmap, TTL validation),
 * AddCollectionField, TruncateCollection, GetReplicas and the default resource group; and what
 * of them survives a restart of the writer.
 */
const DIM = 8;
const SEGMENTS = 3;
const PER_SEGMENT = 30;
const GROWING = 5;
const cluster = new TestCluster();
let raw: RawMilvus;

async function rest(path: string, body: object): Promise<any> {
  const res = await fetch(`http://${cluster.coordinator.addresses.http}/v2/vectordb/${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  return res.json();
}

/** A seeded collection with GROWING more rows only the writer holds, once the readers hold its sealed segments. */
async function collection(name: string): Promise<Map<number, number[]>> {
  const rows = await cluster.seed(name, DIM, SEGMENTS, PER_SEGMENT);
  const growing = Array.from({ length: GROWING }, (_, i) => ({ id: 1000 + i, v: seedVector(1000 + i, DIM) }));
  expect((await cluster.client.insert({ collection_name: name, data: growing })).status.error_code).toBe('Success');
  for (const r of growing) rows.set(r.id, r.v);
  await cluster.until(`the readers hold the sealed segments of ${name}`, async () => {
    return [...(await cluster.holdings(name)).values()].flat().length === SEGMENTS;
  });
  return rows;
}

async function searchIds(name: string, q: number[]): Promise<number[]> {
  const res = await cluster.client.search({ collection_name: name, data: [q], limit: 10 });
  expect(res.status.error_code, res.status.reason).toBe('Success');
  return res.results.map((r: any) => Number(r.id));
}

const count = async (name: string) => (await cluster.client.count({ collection_name: name })).data;
const q = Array.from({ length: DIM }, (_, j) => Math.cos(j * 0.8));

beforeAll(async () => {
  await cluster.start(
    [
      { name: 'r1', group: 'g1' },
      { name: 'r2', group: 'g2' },
    ],
    PER_SEGMENT,
  );
  raw = new RawMilvus(cluster.coordinator.addresses.grpc!);
});

afterAll(async () => {
  raw?.close();
  await cluster.stop();
});

describe('RenameCollection', () => {
  let rows: Map<number, number[]>;
  beforeAll(async () => {
    rows = await collection('before');
    expect((await cluster.client.createAlias({ collection_name: 'before', alias: 'ren' })).error_code).toBe('Success');
  });

  it('renames: the new name reads every row, the alias follows, and the old name is refused', async () => {
    const c = cluster.client;
    expect((await c.renameCollection({ collection_name: 'before', new_collection_name: 'after' })).error_code).toBe('Success');
    expectExactTopK(await searchIds('after', q), rows, q, 10);
    expectExactTopK(await searchIds('ren', q), rows, q, 10);
    expect((await c.describeAlias({ alias: 'ren', collection_name: 'ignored' })).collection).toBe('after');
    const described = await c.describeCollection({ collection_name: 'after' });
    expect([described.collection_name, described.schema.name, described.aliases]).toEqual(['after', 'after', ['ren']]);
    const gone = 'collection not found[collection=before]';
    const searched = await raw.call('Search', { collection_name: 'before', nq: 1, placeholder_group: Buffer.alloc(0), search_params: [] });
    expect(searched.status).toMatchObject({ code: 100, reason: gone });
    expect((await raw.call('Insert', { collection_name: 'before', num_rows: 0, fields_data: [] })).status).toMatchObject({ code: 100 });
    expect((await c.describeCollection({ collection_name: 'before' })).status).toMatchObject({ code: 100, reason: gone });
    expect((await c.hasCollection({ collection_name: 'before' })).value).toBe(false);
    // The readers hold its segments by collection id, which the rename keeps: they serve them still.
    expect([...(await cluster.holdings('after')).values()].flat()).toHaveLength(SEGMENTS);
    expectExactTopK(await searchIds('after', q), rows, q, 10);
  });

  it('refuses what Milvus 2.5 refuses, with its codes and messages', async () => {
    expect((await cluster.client.createCollection({ collection_name: 'other', dimension: DIM })).error_code).toBe('Success');
    const rename = (oldName: string, newName: string) => raw.call('RenameCollection', { oldName, newName });
    const cases: [string, string, number, string][] = [
      ['after', 'other', 65535, 'duplicated new collection name default:other with other collection name or alias'],
      ['after', 'ren', 65535, 'cannot rename collection to an existing alias: ren'],
      ['ren', 'x', 65535, 'unsupported use an alias to rename collection, alias:ren'],
      ['nothing', 'x', 100, 'collection not found[database=default][collection=nothing]'],
      ['after', 'after', 1100, 'collection name or database name should be different'],
      ['after', '9x', 1100, 'Invalid collection name: 9x. the first character of a collection name must be an underscore or letter.'],
    ];
    for (const [oldName, newName, code, reason] of cases) expect(await rename(oldName, newName)).toMatchObject({ code, reason });
    expect(await rest('collections/rename', { collectionName: 'other', newCollectionName: 'renamed_by_rest' })).toEqual({
      code: 0,
      data: {},
    });
    expect((await cluster.client.hasCollection({ collection_name: 'renamed_by_rest' })).value).toBe(true);
  });
});

describe('collection properties', () => {
  beforeAll(async () => {
    await collection('props');
  });

  it('stores and reports properties; mmap only while released, as Milvus', async () => {
    const c = cluster.client;
    expect(
      (await c.alterCollectionProperties({ collection_name: 'props', properties: { 'collection.ttl.seconds': 3600, note: 'x' } }))
        .error_code,
    ).toBe('Success');
    const loaded = await c.alterCollectionProperties({ collection_name: 'props', properties: { 'mmap.enabled': true } });
    expect(loaded).toMatchObject({
      code: 104,
      reason: 'can not alter mmap properties if collection loaded: collection already loaded[collection=props]',
    });
    expect((await c.releaseCollection({ collection_name: 'props' })).error_code).toBe('Success');
    expect((await c.alterCollectionProperties({ collection_name: 'props', properties: { 'mmap.enabled': true } })).error_code).toBe(
      'Success',
    );
    const props = (await c.describeCollection({ collection_name: 'props' })).properties;
    // As Milvus's rootcoord, creation gave the collection a time zone (its database's, else UTC).
    expect(Object.fromEntries(props.map((p: any) => [p.key, p.value]))).toEqual({
      timezone: 'UTC',
      'collection.ttl.seconds': '3600',
      note: 'x',
      'mmap.enabled': 'true',
    });
    expect((await c.dropCollectionProperties({ collection_name: 'props', properties: ['mmap.enabled', 'note'] })).error_code).toBe(
      'Success',
    );
    expect(await rest('collections/describe', { collectionName: 'props' })).toMatchObject({
      code: 0,
      data: {
        properties: [
          { key: 'timezone', value: 'UTC' },
          { key: 'collection.ttl.seconds', value: '3600' },
        ],
      },
    });
    expect(await rest('collections/alter_properties', { collectionName: 'props', properties: { 'mmap.enabled': false } })).toEqual({
      code: 0,
      data: {},
    });
    expect(await rest('collections/drop_properties', { collectionName: 'props', propertyKeys: ['mmap.enabled'] })).toEqual({
      code: 0,
      data: {},
    });
    await c.loadCollectionSync({ collection_name: 'props' });
    expect(await rest('collections/drop_properties', { collectionName: 'props', propertyKeys: ['mmap.enabled'] })).toEqual({
      code: 104,
      message: 'can not delete mmap properties if collection loaded: collection already loaded[collection=props]',
    });
  });

  it('refuses a TTL Milvus refuses, and properties with keys to drop in one request', async () => {
    const alter = (properties: { key: string; value: string }[], delete_keys: string[] = []) =>
      raw.call('AlterCollection', { collection_name: 'props', properties, delete_keys });
    expect((await alter([{ key: 'collection.ttl.seconds', value: 'soon' }])).code).toBe(1100);
    expect((await alter([{ key: 'collection.ttl.seconds', value: 'soon' }])).reason).toBe('collection TTL is not a valid positive integer');
    expect(await alter([{ key: 'collection.ttl.seconds', value: '-2' }])).toMatchObject({
      code: 1100,
      reason: 'collection TTL is out of range, expect [-1, 3155760000], got -2',
    });
    expect(await alter([{ key: 'a', value: '1' }], ['b'])).toMatchObject({
      code: 1100,
      reason: 'cannot provide both DeleteKeys and ExtraParams',
    });
  });
});

describe('AddCollectionField', () => {
  let rows: Map<number, number[]>;
  beforeAll(async () => {
    rows = await collection('grows');
  });

  const query = async (filter: string, fields = ['id', 'extra', 'label']) => {
    const res = await cluster.client.query({ collection_name: 'grows', filter, output_fields: fields });
    expect(res.status.error_code, res.status.reason).toBe('Success');
    return res.data.map((r: any) => fields.map((f) => (f === 'id' ? Number(r[f]) : r[f]))).sort((a: any[], b: any[]) => a[0] - b[0]);
  };

  it('adds nullable fields that rows written before read as their default or null, on readers and on the writer', async () => {
    const c = cluster.client;
    expect(
      (await c.addCollectionField({ collection_name: 'grows', field: { name: 'extra', data_type: DataType.Int64, nullable: true } }))
        .error_code,
    ).toBe('Success');
    const byRest = await rest('collections/fields/add', {
      collectionName: 'grows',
      schema: { fieldName: 'label', dataType: 'VarChar', nullable: true, defaultValue: 'none', elementTypeParams: { max_length: 16 } },
    });
    expect(byRest).toEqual({ code: 0, data: {} });
    const fields = (await c.describeCollection({ collection_name: 'grows' })).schema.fields;
    expect(fields.map((f: any) => [f.name, f.nullable])).toEqual([
      ['id', false],
      ['v', false],
      ['extra', true],
      ['label', true],
    ]);
    const old = [...rows.keys()].sort((a, b) => a - b);
    expect(await query('id >= 0')).toEqual(old.map((id) => [id, null, 'none']));
    expect((await query('extra is null', ['id'])).length).toBe(rows.size);

    const fresh = [0, 1, 2].map((i) => ({ id: 5000 + i, v: seedVector(5000 + i, DIM), extra: 7, label: `n${i}` }));
    expect((await c.insert({ collection_name: 'grows', data: fresh })).status.error_code).toBe('Success');
    expect(await query('extra == 7')).toEqual(fresh.map((r) => [r.id, String(r.extra), r.label]));
    expect((await query('label == "none"', ['id'])).length).toBe(rows.size);
    const searched = await c.search({
      collection_name: 'grows',
      data: [seedVector(5001, DIM)],
      limit: 1,
      output_fields: ['extra', 'label'],
    });
    expect(searched.results[0]).toMatchObject({ id: '5001', extra: '7', label: 'n1' });

    // Sealed with the field, loaded by the readers with it.
    await c.flushSync({ collection_names: ['grows'] });
    await cluster.until('the readers hold every sealed segment', async () => {
      return [...(await cluster.holdings('grows')).values()].flat().length === SEGMENTS + 1;
    });
    expect(await query('id >= 0')).toEqual([...old.map((id) => [id, null, 'none']), ...fresh.map((r) => [r.id, String(r.extra), r.label])]);
  });

  it("refuses fields Milvus's proxy refuses, with its messages", async () => {
    const add = (field: object) => cluster.client.addCollectionField({ collection_name: 'grows', field: field as any });
    const cases: [object, string][] = [
      [{ name: 'y', data_type: DataType.Int64 }, 'added field must be nullable, please check it, field name = y'],
      [{ name: 'extra', data_type: DataType.Int64, nullable: true }, 'duplicated field name extra'],
      [{ name: 'vv', data_type: DataType.FloatVector, dim: DIM, nullable: true }, 'not support to add vector field, field name = vv'],
      [{ name: 'k', data_type: DataType.Int64, nullable: true, is_primary_key: true }, 'not support to add pk field, field name = k'],
    ];
    for (const [field, reason] of cases) expect(await add(field)).toMatchObject({ code: 1100, reason });
  });
});

describe('TruncateCollection', () => {
  let rows: Map<number, number[]>;
  beforeAll(async () => {
    rows = await collection('trunc');
    const c = cluster.client;
    expect((await c.createPartition({ collection_name: 'trunc', partition_name: 'p1' })).error_code).toBe('Success');
    expect(
      (await c.insert({ collection_name: 'trunc', partition_name: 'p1', data: [{ id: 9000, v: seedVector(9000, DIM) }] })).status
        .error_code,
    ).toBe('Success');
    expect((await c.createAlias({ collection_name: 'trunc', alias: 'tr' })).error_code).toBe('Success');
  });

  it('drops every row and keeps the schema, index, partitions, load state and aliases', async () => {
    const c = cluster.client;
    expect(await count('trunc')).toBe(rows.size + 1);
    const before = await c.describeCollection({ collection_name: 'trunc' });
    expect((await c.truncateCollection({ collection_name: 'tr' })).status.error_code).toBe('Success');
    expect(await count('trunc')).toBe(0);
    expect(await searchIds('trunc', q)).toEqual([]);
    const after = await c.describeCollection({ collection_name: 'trunc' });
    expect([after.collectionID, after.schema, after.aliases]).toEqual([before.collectionID, before.schema, ['tr']]);
    expect((await c.describeIndex({ collection_name: 'trunc' })).index_descriptions.map((d) => [d.field_name, d.index_name])).toEqual([
      ['v', 'v'],
    ]);
    expect((await c.showPartitions({ collection_name: 'trunc' })).partition_names).toEqual(['_default', 'p1']);
    expect((await c.getLoadState({ collection_name: 'trunc' })).state).toBe('LoadStateLoaded');
    await cluster.until(
      'the readers released the truncated segments',
      async () => [...(await cluster.holdings('trunc')).values()].flat().length === 0,
    );

    const fresh = [{ id: 7, v: seedVector(7, DIM) }];
    expect((await c.insert({ collection_name: 'trunc', data: fresh })).status.error_code).toBe('Success');
    expect(await searchIds('trunc', q)).toEqual([7]);
    expect(await rest('collections/truncate', { collectionName: 'trunc' })).toEqual({ code: 0, data: {} });
    expect(await count('trunc')).toBe(0);
    expect((await c.insert({ collection_name: 'trunc', data: fresh })).status.error_code).toBe('Success');
  });
});

describe('GetReplicas and the default resource group', () => {
  it('answers a released collection as Milvus does, and lists and describes the group over REST', async () => {
    expect((await cluster.client.createCollection({ collection_name: 'idle', dimension: DIM })).error_code).toBe('Success');
    expect((await cluster.client.releaseCollection({ collection_name: 'idle' })).error_code).toBe('Success');
    const id = (await cluster.client.describeCollection({ collection_name: 'idle' })).collectionID;
    expect((await raw.call('GetReplicas', { collectionID: id })).status).toMatchObject({
      code: 400,
      error_code: 'MetaFailed',
      reason: `failed to get replicas by collection: replica not found[replica=${id}]`,
    });
    expect(await rest('resource_groups/list', {})).toEqual({ code: 0, data: ['__default_resource_group'] });
    const group = await rest('resource_groups/describe', { name: '__default_resource_group' });
    expect(group.code).toBe(0);
    expect(group.resource_group.nodes.map((n: any) => n.node_id)).toEqual(['3', '4']);
    expect(await rest('resource_groups/describe', { name: 'rg' })).toEqual({ code: 300, message: 'resource group not found[rg=rg]' });
    expect(await rest('resource_groups/create', { name: 'rg' })).toEqual({
      code: 10,
      message: 'CreateResourceGroup is not supported by Mishards',
    });
  });
});

describe('after a restart of the writer', () => {
  it('keeps the new name, the added fields and the truncation', async () => {
    await cluster.restartWriter();
    await cluster.until(
      'the writer answers through the coordinator',
      async () => (await cluster.client.hasCollection({ collection_name: 'after' })).value === true,
    );
    expect((await cluster.client.hasCollection({ collection_name: 'before' })).value).toBe(false);
    expect((await cluster.client.describeAlias({ alias: 'ren', collection_name: 'ignored' })).collection).toBe('after');
    const grown = await cluster.client.query({ collection_name: 'grows', filter: 'id < 3', output_fields: ['id', 'extra', 'label'] });
    expect(grown.data.map((r: any) => [Number(r.id), r.extra, r.label])).toEqual([
      [0, null, 'none'],
      [1, null, 'none'],
      [2, null, 'none'],
    ]);
    // The truncated rows were in the write-ahead log too: its replay must not bring them back.
    expect(await count('trunc')).toBe(1);
  });
});

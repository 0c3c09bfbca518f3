import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '@zilliz/milvus2-sdk-node';
import { startRestCluster, vec, DIM, type RestCluster } from './cluster.js';
import { bookRow } from '../harness/book-rows.js';
import { makeCertificates, tlsFetch, type TestCertificates } from '../harness/tls.js';

const ROOT_PASSWORD = 'Root-pw-rest-6d02';

/**
 * The official SDK's REST `HttpClient` runs the data-node flow of test/sdk-flow.test.ts
 * against the REST v2 API of the coordinator of a `mishards up` cluster. Request bodies are
 * built as plain objects where the SDK's types lag behind Milvus's API (nullable fields,
 * `enableDynamicField`, `partitionName` on insert).
 */
describe.each([
  { target: 'the coordinator of mishards up', nginx: false, auth: false, tls: false },
  // Nginx passes the client's Authorization header on: the coordinator and the writer check it.
  {
    target: 'Nginx in front of mishards up --nginx --auth (membership from etcd), with a bearer token',
    nginx: true,
    auth: true,
    tls: false,
  },
  {
    target: 'the coordinator of mishards up --auth --tls-cert --tls-key --tls-ca, with a bearer token',
    nginx: false,
    auth: true,
    tls: true,
  },
])('REST v2 flow with the SDK HttpClient against $target', ({ nginx, auth, tls }) => {
  let cluster: RestCluster;
  let client: HttpClient;
  let certs: TestCertificates | undefined;

  beforeAll(async () => {
    certs = tls ? makeCertificates() : undefined;
    const tlsArgs = certs ? ['--tls-cert', certs.node.cert, '--tls-key', certs.node.key, '--tls-ca', certs.ca] : [];
    cluster = await startRestCluster({
      nginx,
      args: [...(auth ? ['--auth'] : []), ...tlsArgs],
      env: auth ? { MISHARDS_ROOT_PASSWORD: ROOT_PASSWORD } : {},
    });
    client = new HttpClient({
      endpoint: `${certs ? 'https' : 'http'}://${cluster.http}`,
      ...(auth ? { token: `root:${ROOT_PASSWORD}` } : {}),
      timeout: 30_000,
      ...(certs ? { fetch: tlsFetch({ ca: certs.ca, cert: certs.client.cert, key: certs.client.key }) } : {}),
    });
  });

  afterAll(async () => {
    if (cluster) expect(await cluster.stop()).toBe(0);
    certs?.remove();
  });

  it('quick-creates a collection (indexed and loaded), inserts with dynamic fields and searches it', async () => {
    expect(await client.createCollection({ collectionName: 'quick', dimension: DIM })).toEqual({ code: 0, data: {} });
    const index = await client.describeIndex({ collectionName: 'quick', indexName: 'vector' });
    expect(index.code).toBe(0);
    expect(index.data[0]!.metricType).toBe('COSINE');
    expect((await client.getCollectionLoadState({ collectionName: 'quick' })).data).toEqual({
      loadState: 'LoadStateLoaded',
      loadProgress: 100,
    });
    const rows = Array.from({ length: 30 }, (_, i) => ({ id: i, vector: vec(i), color: i % 2 ? 'red' : 'blue', n: i }));
    const ins = await client.insert({ collectionName: 'quick', data: rows });
    expect(ins.code).toBe(0);
    expect(ins.data.insertCount).toBe(30);
    expect(ins.data.insertIds).toEqual(rows.map((r) => String(r.id)));
    // Strong: read-your-writes right after the insert (Bounded, the default, may lag, as in Milvus).
    const res = await client.search({
      collectionName: 'quick',
      data: [vec(7)],
      limit: 3,
      filter: 'color == "red"',
      outputFields: ['color', 'n'],
      consistencyLevel: 'Strong',
    } as any);
    expect(res.code).toBe(0);
    expect(res.topks).toEqual([3]);
    const hits = res.data as any[];
    expect(hits.length).toBe(3);
    expect(hits[0].id).toBe('7');
    expect(hits[0].color).toBe('red');
    expect(hits[0].distance).toBeCloseTo(1, 5);
    expect(hits.every((h) => h.n % 2 === 1)).toBe(true);
  });

  it('runs the full schema flow: DDL, partitions, index, load, DML, search, query, get', async () => {
    const collectionName = 'books';
    const schema = {
      enableDynamicField: true,
      fields: [
        { fieldName: 'id', dataType: 'Int64', isPrimary: true },
        { fieldName: 'vector', dataType: 'FloatVector', elementTypeParams: { dim: DIM } },
        { fieldName: 'title', dataType: 'VarChar', elementTypeParams: { max_length: 64 } },
        { fieldName: 'year', dataType: 'Int32' },
        { fieldName: 'price', dataType: 'Double' },
        { fieldName: 'rank', dataType: 'Int8' },
        { fieldName: 'small', dataType: 'Int16' },
        { fieldName: 'big', dataType: 'Int64' },
        { fieldName: 'ratio', dataType: 'Float' },
        { fieldName: 'available', dataType: 'Bool' },
        { fieldName: 'info', dataType: 'JSON' },
        { fieldName: 'tags', dataType: 'Array', elementDataType: 'VarChar', elementTypeParams: { max_capacity: 4, max_length: 16 } },
        { fieldName: 'note', dataType: 'VarChar', elementTypeParams: { max_length: 32 }, nullable: true },
      ],
    };
    expect((await client.createCollection({ collectionName, schema })).code).toBe(0);
    expect((await client.hasCollection({ collectionName, dbName: 'default' })).data.has).toBe(true);
    expect((await client.hasCollection({ collectionName: 'nope', dbName: 'default' })).data.has).toBe(false);
    expect((await client.listCollections()).data).toContain(collectionName);

    const desc = await client.describeCollection({ collectionName });
    expect(desc.code).toBe(0);
    expect(desc.data.enableDynamicField).toBe(true);
    expect(desc.data.load).toBe('LoadStateNotLoad');
    const fields = desc.data.fields as any[];
    expect(fields.map((f) => f.name)).toEqual(schema.fields.map((f) => f.fieldName));
    expect(fields.find((f) => f.name === 'vector').params).toEqual([{ key: 'dim', value: String(DIM) }]);
    expect(fields.find((f) => f.name === 'tags').elementType).toBe('VarChar');
    expect(fields.find((f) => f.name === 'note').nullable).toBe(true);
    expect(fields.find((f) => f.name === 'id').primaryKey).toBe(true);

    expect((await client.createPartition({ collectionName, partitionName: 'p1' })).code).toBe(0);
    expect((await client.hasPartition({ collectionName, partitionName: 'p1' })).data.has).toBe(true);
    expect((await client.listPartitions({ collectionName })).data.sort()).toEqual(['_default', 'p1']);
    expect((await client.createPartition({ collectionName, partitionName: 'tmp' })).code).toBe(0);
    expect((await client.dropPartition({ collectionName, partitionName: 'tmp' })).code).toBe(0);
    expect((await client.hasPartition({ collectionName, partitionName: 'tmp' })).data.has).toBe(false);

    // Loading without an index is refused, as in Milvus.
    const noIndex = await client.loadCollection({ collectionName });
    expect(noIndex.code).toBe(700);
    expect(noIndex.message).toMatch(/index not found/);

    const idx = await client.createIndex({
      collectionName,
      indexParams: [
        { fieldName: 'vector', indexName: 'vector_idx', metricType: 'L2', params: { index_type: 'HNSW', M: '16', efConstruction: '64' } },
      ],
    });
    expect(idx.code).toBe(0);
    const di = await client.describeIndex({ collectionName, indexName: 'vector_idx' });
    expect(di.data[0]).toMatchObject({ indexName: 'vector_idx', fieldName: 'vector', indexType: 'HNSW', metricType: 'L2' });
    expect((await client.listIndexes({ collectionName })).data).toEqual(['vector_idx']);

    expect((await client.loadCollection({ collectionName })).code).toBe(0);
    expect((await client.getCollectionLoadState({ collectionName })).data).toEqual({ loadState: 'LoadStateLoaded', loadProgress: 100 });

    const row = (i: number) => bookRow(i, vec(i));
    const first = await client.insert({ collectionName, data: Array.from({ length: 150 }, (_, i) => row(i)) });
    expect(first.code).toBe(0);
    expect(first.data.insertCount).toBe(150);
    const intoP1 = { collectionName, partitionName: 'p1', data: Array.from({ length: 20 }, (_, i) => row(1000 + i)) };
    expect((await client.insert(intoP1)).data.insertCount).toBe(20);
    expect((await client.getCollectionStatistics({ collectionName })).data.rowCount).toBe(170);
    expect((await client.getPartitionStatistics({ collectionName, partitionName: 'p1' })).data.rowCount).toBe(20);

    const up = await client.upsert({ collectionName, data: [{ ...row(5), title: 'replaced' }] });
    expect(up.data).toEqual({ upsertCount: 1, upsertIds: ['5'] });
    expect((await client.delete({ collectionName, filter: 'id in [1, 2, 3]' })).code).toBe(0);
    const delExpr: any = await client.delete({ collectionName, filter: 'year == 1999 and id < 100' });
    expect(delExpr.code).toBe(0);
    expect(delExpr.data.deleteCount).toBeGreaterThan(0);

    expect((await client.flushCollection({ collectionName })).code).toBe(0);
    const removedByYear = Array.from({ length: 100 }, (_, i) => i).filter((i) => 1990 + (i % 30) === 1999 && ![1, 2, 3].includes(i)).length;
    expect((await client.getCollectionStatistics({ collectionName })).data.rowCount).toBe(170 - 3 - removedByYear);

    const got = await client.query({
      collectionName,
      filter: 'id in [4, 5, 1]',
      outputFields: ['title', 'note', 'big', 'tags', 'info', 'shelf'],
    });
    expect(got.code).toBe(0);
    const byId = Object.fromEntries(got.data.map((r: any) => [r.id, r]));
    expect(Object.keys(byId).sort()).toEqual(['4', '5']);
    expect(byId['5'].title).toBe('replaced');
    expect(byId['5'].note).toBe(null);
    expect(byId['4'].note).toBe('n4');
    // Int64 values are strings unless the client asks for numbers (Accept-Type-Allow-Int64).
    expect(byId['4'].big).toBe(`${9007199254740993n + 4n}`);
    expect(byId['4'].tags).toEqual(['c']);
    // JSON fields come back as JSON text, as Milvus renders them; dynamic keys are flattened.
    expect(JSON.parse(byId['4'].info)).toEqual({ author: 'Bob', pages: 40 });
    expect(byId['4'].shelf).toBe('s0');

    const page = await client.query({ collectionName, filter: 'year >= 2000', outputFields: ['year'], limit: 5, offset: 2 });
    const allMatching = Array.from({ length: 150 }, (_, i) => i)
      .filter((i) => 1990 + (i % 30) >= 2000 && ![1, 2, 3].includes(i))
      .concat(Array.from({ length: 20 }, (_, i) => 1000 + i).filter((i) => 1990 + (i % 30) >= 2000));
    allMatching.sort((a, b) => a - b);
    expect(page.data.map((r: any) => Number(r.id))).toEqual(allMatching.slice(2, 7));

    const count = await client.query({ collectionName, filter: 'info["author"] == "Ann"', outputFields: ['count(*)'] });
    const expected =
      Array.from({ length: 150 }, (_, i) => i).filter((i) => i % 2 === 1 && ![1, 3].includes(i) && !(1990 + (i % 30) === 1999 && i < 100))
        .length + 10;
    expect(count.data).toEqual([{ 'count(*)': String(expected) }]);

    const inPartition = await client.query({ collectionName, partitionNames: ['p1'], filter: 'id > 0', outputFields: ['id'] });
    expect(inPartition.data.length).toBe(20);

    const byKey = await client.get({ collectionName, id: [4, 5, 1], outputFields: ['title'] });
    expect(byKey.data.map((r: any) => [r.id, r.title])).toEqual([
      ['4', 'book 4'],
      ['5', 'replaced'],
    ]);

    const search = await client.search({
      collectionName,
      data: [vec(10), vec(11)],
      limit: 4,
      offset: 1,
      filter: 'available == true or id == 11',
      outputFields: ['title', 'shelf'],
      searchParams: { params: { ef: 32 } },
    });
    expect(search.code).toBe(0);
    expect(search.topks).toEqual([4, 4]);
    // The SDK splits a multi-query answer by `topks`.
    const [q0, q1] = search.data as any[][];
    expect(q0!.length).toBe(4);
    expect(q0!.every((h) => Number(h.id) % 3 === 0 || h.id === '11')).toBe(true);
    // offset 1 skips the best hit (id 11 matches query 1 exactly)
    expect(q1!.map((h) => h.id)).not.toContain('11');
    expect(q0![0].distance).toBeLessThanOrEqual(q0![1].distance);
    expect(q0![0].title).toMatch(/^book /);
    expect(q0![0].shelf).toMatch(/^s[0-3]$/);

    expect((await client.releaseCollection({ collectionName })).code).toBe(0);
    expect((await client.getCollectionLoadState({ collectionName })).data).toEqual({ loadState: 'LoadStateNotLoad' });
    const notLoaded = await client.search({ collectionName, data: [vec(1)], limit: 1, outputFields: [] });
    expect(notLoaded.code).toBe(101);
    expect(notLoaded.message).toMatch(/not loaded/);
    expect((await client.dropIndex({ collectionName, indexName: 'vector_idx' })).code).toBe(0);
    expect((await client.describeIndex({ collectionName, indexName: 'vector_idx' })).code).toBe(700);
    expect((await client.listIndexes({ collectionName })).data).toEqual([]);
    expect((await client.dropCollection({ collectionName })).code).toBe(0);
    expect((await client.hasCollection({ collectionName, dbName: 'default' })).data.has).toBe(false);
  });

  it('generates keys for an autoID VarChar collection and deletes by string keys', async () => {
    const collectionName = 'docs';
    const created = await client.createCollection({
      collectionName,
      schema: {
        autoID: true,
        fields: [
          { fieldName: 'pk', dataType: 'VarChar', isPrimary: true, elementTypeParams: { max_length: 36 } },
          { fieldName: 'embedding', dataType: 'FloatVector', elementTypeParams: { dim: DIM } },
        ],
      },
      indexParams: [{ fieldName: 'embedding', indexName: 'embedding', metricType: 'IP', params: { index_type: 'FLAT' } }],
    });
    expect(created.code).toBe(0);
    expect((await client.getCollectionLoadState({ collectionName })).data.loadState).toBe('LoadStateLoaded');
    const ins = await client.insert({ collectionName, data: Array.from({ length: 5 }, (_, i) => ({ embedding: vec(i) })) });
    expect(ins.code).toBe(0);
    const ids = ins.data.insertIds as string[];
    expect(new Set(ids).size).toBe(5);
    expect((await client.delete({ collectionName, filter: `pk in ["${ids[0]}", "${ids[1]}"]` })).code).toBe(0);
    const left = await client.query({ collectionName, filter: 'pk != ""', outputFields: ['pk'] });
    expect(left.data.map((r: any) => r.pk).sort()).toEqual(ids.slice(2).sort());
    const hit = await client.search({ collectionName, data: [vec(3)], limit: 1, outputFields: [], consistencyLevel: 'Strong' } as any);
    expect((hit.data as any[])[0].pk).toBe(ids[3]);
  });
});

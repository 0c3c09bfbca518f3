import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, RRFRanker } from '@zilliz/milvus2-sdk-node';
import { expectExactTopK, CheckedSearches, seedVector, TestCluster } from './harness/cluster.js';
import { RawMilvus } from './harness/raw-milvus.js';

/**
 * Collection aliases through the coordinator of a cluster with two reader groups, with the
 * official SDK and REST: Milvus's rules and statuses for creating, moving, describing,
 * listing and dropping them; every data call through an alias; and a blue/green swap under a
 * continuous search load, every answer exact over exactly one of the two collections.
 */
const DIM = 8;
const SEGMENTS = 3;
const PER_SEGMENT = 40;
const cluster = new TestCluster();
/** For the calls the SDK will not make as Milvus allows them (ListAliases of the whole database). */
let raw: RawMilvus;
/** The two collections of the swap: the same ids, different vectors. */
let blue: Map<number, number[]>;
let green: Map<number, number[]>;
const greenVector = (id: number, dim: number) => Array.from({ length: dim }, (_, j) => Math.cos(id * 1.3 + j * 0.4));
const queries = Array.from({ length: 12 }, (_, i) => Array.from({ length: DIM }, (_, j) => Math.sin(i * 2.1 + j * 0.7)));

/** DescribeAlias as the SDK sends it (it wants a collection name, which Milvus ignores). */
const describeAlias = (alias: string) => cluster.client.describeAlias({ alias, collection_name: 'ignored' });
const allAliases = async (): Promise<string[]> => (await raw.call('ListAliases', {})).aliases;

/** The status an SDK call answered: its own, or the one inside its reply. */
const statusOf = (r: any) => r.status ?? r;

async function rest(path: string, body: object): Promise<any> {
  const res = await fetch(`http://${cluster.coordinator.addresses.http}/v2/vectordb/${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  return res.json();
}

/** Top-10 ids of a search through `name`. */
async function searchIds(name: string, q: number[]): Promise<number[]> {
  const res = await cluster.client.search({ collection_name: name, data: [q], limit: 10 });
  expect(res.status.error_code).toBe('Success');
  return res.results.map((r: any) => Number(r.id));
}

beforeAll(async () => {
  await cluster.start(
    [
      { name: 'r1', group: 'g1' },
      { name: 'r2', group: 'g2' },
    ],
    PER_SEGMENT,
  );
  raw = new RawMilvus(cluster.coordinator.addresses.grpc!);
  blue = await cluster.seed('blue', DIM, SEGMENTS, PER_SEGMENT);
  green = await cluster.seed('green', DIM, SEGMENTS, PER_SEGMENT, greenVector);
  // Rows only the writer holds, besides the sealed segments on the readers.
  for (const [name, rows, vector] of [
    ['blue', blue, seedVector],
    ['green', green, greenVector],
  ] as const) {
    const growing = Array.from({ length: 5 }, (_, i) => ({ id: 1000 + i, v: vector(1000 + i, DIM) }));
    await cluster.client.insert({ collection_name: name, data: growing });
    for (const r of growing) rows.set(r.id, r.v);
  }
  await cluster.until('the readers hold every sealed segment', async () => {
    const held = [...(await cluster.holdings('blue')).values(), ...(await cluster.holdings('green')).values()].flat();
    return held.length === 2 * SEGMENTS;
  });
});

afterAll(async () => {
  raw?.close();
  await cluster.stop();
});

describe('alias DDL with Milvus statuses', () => {
  it('creates, describes, lists, moves and drops aliases', async () => {
    const c = cluster.client;
    expect((await c.createAlias({ collection_name: 'blue', alias: 'a1' })).error_code).toBe('Success');
    // Again for the same collection: nothing to do, as in Milvus.
    expect((await c.createAlias({ collection_name: 'blue', alias: 'a1' })).error_code).toBe('Success');
    expect((await c.createAlias({ collection_name: 'blue', alias: 'a2' })).error_code).toBe('Success');
    expect(await describeAlias('a1')).toMatchObject({ db_name: 'default', alias: 'a1', collection: 'blue' });
    expect((await c.listAliases({ collection_name: 'blue' })).aliases).toEqual(['a1', 'a2']);
    expect(await allAliases()).toEqual(['a1', 'a2']);
    expect((await c.describeCollection({ collection_name: 'blue' })).aliases).toEqual(['a1', 'a2']);

    expect((await c.alterAlias({ collection_name: 'green', alias: 'a2' })).error_code).toBe('Success');
    expect((await describeAlias('a2')).collection).toBe('green');
    expect((await c.listAliases({ collection_name: 'green' })).aliases).toEqual(['a2']);

    expect((await c.dropAlias({ alias: 'a1' })).error_code).toBe('Success');
    expect((await c.dropAlias({ alias: 'a2' })).error_code).toBe('Success');
    // Dropping one that does not exist succeeds (Milvus 2.5).
    expect((await c.dropAlias({ alias: 'a2' })).error_code).toBe('Success');
    expect(await allAliases()).toEqual([]);
    expect((await describeAlias('a1')).status).toMatchObject({
      code: 1600,
      reason: 'alias not found[database=default][alias=a1]',
    });
  });

  it("refuses what Milvus refuses, with Milvus's codes and messages", async () => {
    const c = cluster.client;
    expect((await c.createAlias({ collection_name: 'blue', alias: 'taken' })).error_code).toBe('Success');
    // Made one after the other: each must leave everything as it was.
    const cases: [() => Promise<any>, number, string][] = [
      [
        () => c.createAlias({ collection_name: 'blue', alias: 'green' }),
        1601,
        'alias and collection name conflict[database=default][alias=green]',
      ],
      [
        () => c.createAlias({ collection_name: 'green', alias: 'taken' }),
        1602,
        'taken is alias to another collection: blue: alias already exist[database=default][alias=taken]',
      ],
      [() => c.createAlias({ collection_name: 'nothing', alias: 'x' }), 100, 'collection not found[database=default][collection=nothing]'],
      // An alias names a collection by its name, not by another alias.
      [() => c.createAlias({ collection_name: 'taken', alias: 'x' }), 100, 'collection not found[database=default][collection=taken]'],
      [
        () => c.createAlias({ collection_name: 'blue', alias: '1x' }),
        1100,
        'Invalid collection alias: 1x. the first character of a collection alias must be an underscore or letter.',
      ],
      [() => c.alterAlias({ collection_name: 'green', alias: 'never' }), 1600, 'alias not found[database=default][alias=never]'],
      [() => c.alterAlias({ collection_name: 'nothing', alias: 'taken' }), 100, 'collection not found[collection=nothing]'],
      [
        () => c.alterAlias({ collection_name: 'blue', alias: 'blue' }),
        1601,
        'alias and collection name conflict[database=default][alias=blue]',
      ],
      [() => c.dropCollection({ collection_name: 'taken' }), 65535, 'cannot drop the collection via alias = taken'],
      [
        () => c.dropCollection({ collection_name: 'blue' }),
        65535,
        'unable to drop the collection [blue] because it has associated aliases [taken], please remove all aliases before dropping the collection',
      ],
      [
        // The SDK rejects with the status of this one.
        () =>
          c
            .createCollection({
              collection_name: 'taken',
              fields: [
                { name: 'id', data_type: DataType.Int64, is_primary_key: true },
                { name: 'v', data_type: DataType.FloatVector, dim: DIM },
              ],
            })
            .catch((status) => status),
        65535,
        'collection name [taken] conflicts with an existing alias, please choose a unique name',
      ],
      [() => c.listAliases({ collection_name: 'taken' }), 100, 'collection not found[collection=taken]'],
    ];
    for (const [call, code, reason] of cases) expect(statusOf(await call())).toMatchObject({ code, reason });
    expect(await c.hasCollection({ collection_name: 'blue' })).toMatchObject({ value: true });
    expect((await c.dropAlias({ alias: 'taken' })).error_code).toBe('Success');
  });
});

describe('data calls through an alias', () => {
  beforeAll(async () => {
    expect((await cluster.client.createAlias({ collection_name: 'green', alias: 'via' })).error_code).toBe('Success');
  });
  afterAll(async () => {
    await cluster.client.dropAlias({ alias: 'via' });
  });

  it('reads: search, hybrid search, query, get, count, describe, statistics, load state, replicas', async () => {
    const c = cluster.client;
    const q = queries[0]!;
    expectExactTopK(await searchIds('via', q), green, q, 10);
    const hybrid = await c.hybridSearch({
      collection_name: 'via',
      data: [
        { data: q, anns_field: 'v', params: {} },
        { data: queries[1]!, anns_field: 'v', params: {} },
      ],
      rerank: RRFRanker(60),
      limit: 5,
    });
    expect(hybrid.status.error_code).toBe('Success');
    expect(hybrid.results).toHaveLength(5);
    const queried = await c.query({ collection_name: 'via', filter: 'id < 5', output_fields: ['id', 'v'] });
    expect(queried.data.map((r: any) => [Number(r.id), r.v.map(Math.fround)])).toEqual(
      [0, 1, 2, 3, 4].map((id) => [id, green.get(id)!.map(Math.fround)]),
    );
    expect((await c.get({ collection_name: 'via', ids: [1001], output_fields: ['id'] })).data.map((r: any) => Number(r.id))).toEqual([
      1001,
    ]);
    expect((await c.count({ collection_name: 'via' })).data).toBe(green.size);
    const described = await c.describeCollection({ collection_name: 'via' });
    expect([described.collection_name, described.aliases]).toEqual(['green', ['via']]);
    expect(Number((await c.getCollectionStatistics({ collection_name: 'via' })).data.row_count)).toBe(green.size);
    expect((await c.getLoadState({ collection_name: 'via' })).state).toBe('LoadStateLoaded');
    expect((await c.hasCollection({ collection_name: 'via' })).value).toBe(true);
    expect((await c.describeIndex({ collection_name: 'via' })).index_descriptions.map((d) => d.field_name)).toEqual(['v']);
    const replicas: any = await (c as any).getReplicas({ collectionID: described.collectionID, collection_name: 'via' });
    expect(replicas.replicas.map((r: any) => r.collectionID)).toEqual([described.collectionID]);
  });

  it('writes: insert, upsert, delete, partitions, flush; each seen through the collection name', async () => {
    const c = cluster.client;
    const row = (id: number) => ({ id, v: greenVector(id, DIM) });
    expect((await c.insert({ collection_name: 'via', data: [row(2000), row(2001)] })).status.error_code).toBe('Success');
    expect((await c.upsert({ collection_name: 'via', data: [{ id: 2001, v: Array(DIM).fill(0.5) }] })).status.error_code).toBe('Success');
    expect((await c.delete({ collection_name: 'via', ids: [2000] })).status.error_code).toBe('Success');
    const seen = await c.query({ collection_name: 'green', filter: 'id >= 2000', output_fields: ['id', 'v'] });
    expect(seen.data.map((r: any) => [Number(r.id), r.v])).toEqual([[2001, Array(DIM).fill(0.5)]]);
    expect((await c.delete({ collection_name: 'via', ids: [2001] })).status.error_code).toBe('Success');
    expect((await c.createPartition({ collection_name: 'via', partition_name: 'p1' })).error_code).toBe('Success');
    expect((await c.hasPartition({ collection_name: 'green', partition_name: 'p1' })).value).toBe(true);
    expect((await c.releasePartitions({ collection_name: 'via', partition_names: ['p1'] })).error_code).toBe('Success');
    expect((await c.dropPartition({ collection_name: 'via', partition_name: 'p1' })).error_code).toBe('Success');
    expect((await c.showPartitions({ collection_name: 'via' })).partition_names).toEqual(['_default']);
    expect((await c.flush({ collection_names: ['via'] })).status.error_code).toBe('Success');
    expect((await c.count({ collection_name: 'green' })).data).toBe(green.size);
  });

  it('over REST too: search, count and describe through the alias', async () => {
    const q = queries[2]!;
    const searched = await rest('entities/search', { collectionName: 'via', data: [q], limit: 10 });
    expect(searched.code).toBe(0);
    expectExactTopK(
      searched.data.map((r: any) => Number(r.id)),
      green,
      q,
      10,
    );
    const counted = await rest('entities/query', { collectionName: 'via', filter: '', outputFields: ['count(*)'] });
    expect(counted).toMatchObject({ code: 0, data: [{ 'count(*)': String(green.size) }] });
    expect((await rest('collections/describe', { collectionName: 'via' })).data).toMatchObject({
      collectionName: 'green',
      aliases: ['via'],
    });
  });
});

describe('REST alias endpoints', () => {
  it('creates, describes, lists, alters and drops an alias, with the same refusals as gRPC', async () => {
    expect(await rest('aliases/create', { collectionName: 'blue', aliasName: 'r1' })).toEqual({ code: 0, data: {} });
    expect(await rest('aliases/describe', { aliasName: 'r1' })).toEqual({
      code: 0,
      data: { dbName: 'default', collectionName: 'blue', aliasName: 'r1' },
    });
    expect(await rest('aliases/alter', { collectionName: 'green', aliasName: 'r1' })).toEqual({ code: 0, data: {} });
    expect(await rest('aliases/list', {})).toEqual({ code: 0, data: ['r1'] });
    expect(await rest('aliases/list', { collectionName: 'green' })).toEqual({ code: 0, data: ['r1'] });
    expect(await rest('aliases/list', { collectionName: 'blue' })).toEqual({ code: 0, data: [] });
    expect(await rest('aliases/create', { collectionName: 'blue', aliasName: 'r1' })).toEqual({
      code: 1602,
      message: 'r1 is alias to another collection: green: alias already exist[database=default][alias=r1]',
    });
    expect(await rest('aliases/drop', { aliasName: 'r1' })).toEqual({ code: 0, data: {} });
    expect(await rest('aliases/describe', { aliasName: 'r1' })).toEqual({
      code: 1600,
      message: 'alias not found[database=default][alias=r1]',
    });
    expect((await rest('aliases/create', { collectionName: 'blue' })).code).toBe(1802);
  });
});

describe('a blue/green swap under load', () => {
  it('answers every search through the alias exactly over one collection or the other, never an error or a mix', async () => {
    const c = cluster.client;
    expect((await c.createAlias({ collection_name: 'blue', alias: 'live' })).error_code).toBe('Success');
    const checked = new CheckedSearches(c, 'live', queries, [blue, green]);
    let target = 'blue';
    for (let swap = 0; swap < 8; swap++) {
      const before = checked.searches;
      await cluster.until('searches ran on this target', async () => checked.searches > before + 10);
      target = target === 'blue' ? 'green' : 'blue';
      expect((await c.alterAlias({ collection_name: target, alias: 'live' })).error_code).toBe('Success');
      // Once the swap is acknowledged, the next search reads the new target.
      const q = queries[swap % queries.length]!;
      expectExactTopK(await searchIds('live', q), target === 'blue' ? blue : green, q, 10);
    }
    await checked.stop();
    expect(checked.failures).toEqual([]);
    expect(checked.answeredBy.every((n) => n > 0)).toBe(true);
    expect((await c.dropAlias({ alias: 'live' })).error_code).toBe('Success');
  });
});

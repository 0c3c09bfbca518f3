import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { expectExactTopK, seedVector, TestCluster } from './harness/cluster.js';
import { connectSdk } from './harness/mishards-process.js';

/**
 * Milvus databases through the coordinator of a cluster with two reader groups, with the
 * official SDK: creating, listing, describing, altering and dropping them with Milvus's rules
 * and statuses; a collection of the same name in two databases, each with its own data, index,
 * partitions, aliases and load state, searched and queried exactly through the coordinator
 * while the readers serve both; the database chosen by the request's db_name, the client's
 * `database` option or `useDatabase`; moving a collection between databases.
 */
const DIM = 8;
const PER_SEGMENT = 40;
const cluster = new TestCluster();
/** A client whose `database` option is `shop`: its calls carry the dbname metadata. */
let shop: MilvusClient;
/** `items` of the default database and of `shop`: different rows under one name. */
let mainRows: Map<number, number[]>;
let shopRows: Map<number, number[]>;
const shopVector = (id: number, dim: number) => Array.from({ length: dim }, (_, j) => Math.cos(id * 1.1 + j * 0.5));
const queries = Array.from({ length: 10 }, (_, i) => Array.from({ length: DIM }, (_, j) => Math.sin(i * 2.3 + j * 0.9)));

/** The status an SDK call answered: its own, or the one inside its reply. */
const statusOf = (r: any) => r.status ?? r;
/** What a call answered: the SDK's createCollection rejects with the status instead. */
const answered = (call: Promise<unknown>) => call.catch((status: unknown) => status);
const ok = (r: any) => expect(statusOf(r).error_code).toBe('Success');
/** [code, reason] of a failed call. */
const failure = (r: any) => [statusOf(r).code, statusOf(r).reason];

/** Top-10 ids of a search of `items` through `client`, checked to succeed. */
async function searchIds(client: MilvusClient, q: number[], extra: object = {}): Promise<number[]> {
  const res = await client.search({ collection_name: 'items', data: [q], limit: 10, ...extra });
  ok(res);
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
  ok(await cluster.client.createDatabase({ db_name: 'shop' }));
  shop = await connectSdk(cluster.coordinator.addresses.grpc!, 30_000, 'shop');
  mainRows = await cluster.seed('items', DIM, 3, PER_SEGMENT);
  shopRows = await cluster.seed('items', DIM, 2, PER_SEGMENT, shopVector, shop);
  // Rows only the writer holds, in shop's collection only.
  const growing = Array.from({ length: 7 }, (_, i) => ({ id: 1000 + i, v: shopVector(1000 + i, DIM) }));
  ok(await shop.insert({ collection_name: 'items', data: growing }));
  for (const r of growing) shopRows.set(r.id, r.v);
  await cluster.until('the readers hold every sealed segment of both', async () => {
    const main = [...(await cluster.holdings('items')).values()].flat();
    const theirs = [...(await cluster.holdings('items', 'shop')).values()].flat();
    return main.length === 3 && theirs.length === 2;
  });
});

afterAll(async () => {
  await shop?.closeConnection();
  await cluster.stop();
});

describe('database DDL with Milvus statuses', () => {
  it('creates, lists, describes, alters and drops databases', async () => {
    const c = cluster.client;
    ok(await c.createDatabase({ db_name: 'scratch', properties: { 'database.replica.number': 1 } }));
    const listed = await c.listDatabases();
    ok(listed);
    expect(listed.db_names).toEqual(['default', 'shop', 'scratch']);
    expect(listed.db_ids[0]).toBe('1');
    expect(new Set(listed.db_ids).size).toBe(3);
    expect(listed.created_timestamp.every((ts: string) => BigInt(ts) > 0n)).toBe(true);

    const described = await c.describeDatabase({ db_name: 'scratch' });
    ok(described);
    expect([described.db_name, described.dbID, described.properties]).toEqual([
      'scratch',
      listed.db_ids[2],
      [{ key: 'database.replica.number', value: '1' }],
    ]);
    ok(await c.alterDatabase({ db_name: 'scratch', properties: { 'database.resource_groups': 'rg1' } }));
    ok(await c.dropDatabaseProperties({ db_name: 'scratch', properties: ['database.replica.number'] }));
    expect((await c.describeDatabase({ db_name: 'scratch' })).properties).toEqual([{ key: 'database.resource_groups', value: 'rg1' }]);

    ok(await c.dropDatabase({ db_name: 'scratch' }));
    // Dropping one that does not exist succeeds, as in Milvus.
    ok(await c.dropDatabase({ db_name: 'scratch' }));
    expect((await c.listDatabases()).db_names).toEqual(['default', 'shop']);
  });

  it("refuses what Milvus refuses, with Milvus's codes and messages", async () => {
    const c = cluster.client;
    const cases: [() => Promise<unknown>, number, string][] = [
      [() => c.createDatabase({ db_name: 'shop' }), 65535, 'database already exist: shop'],
      [
        () => c.createDatabase({ db_name: '1shop' }),
        802,
        'the first character of a database name must be an underscore or letter: invalid database name[database=1shop]',
      ],
      [
        () => c.createDatabase({ db_name: 'sh-op' }),
        802,
        'database name can only contain numbers, letters and underscores: invalid database name[database=sh-op]',
      ],
      [() => c.describeDatabase({ db_name: 'nowhere' }), 800, 'database not found[database=nowhere]'],
      [() => c.alterDatabase({ db_name: 'nowhere', properties: { a: 1 } }), 800, 'database not found[database=nowhere]'],
      [
        () => c.alterDatabase({ db_name: 'shop', properties: {} }),
        65535,
        'alter database requires either properties or deletekeys to modify or delete keys, both cannot be empty',
      ],
      [() => c.dropDatabase({ db_name: 'default' }), 65535, 'can not drop default database'],
      [() => c.dropDatabase({ db_name: 'shop' }), 65535, 'database:shop not empty, must drop all collections before drop database'],
      [() => c.showCollections({ db_name: 'nowhere' }), 800, 'database not found[database=nowhere]'],
      [
        () =>
          c.createCollection({
            db_name: 'nowhere',
            collection_name: 'x',
            fields: [
              { name: 'id', data_type: DataType.Int64, is_primary_key: true },
              { name: 'v', data_type: DataType.FloatVector, dim: DIM },
            ],
          }),
        800,
        'database not found[database=nowhere]',
      ],
    ];
    for (const [call, code, reason] of cases) expect(failure(await answered(call()))).toEqual([code, reason]);
    // A database that does not exist has no collection.
    expect((await c.hasCollection({ db_name: 'nowhere', collection_name: 'items' })).value).toBe(false);
  });

  it('holds at most 64 databases, the default one included, as Milvus does', async () => {
    const c = cluster.client;
    const extra = Array.from({ length: 62 }, (_, i) => `many_${i}`);
    for (const db_name of extra) ok(await c.createDatabase({ db_name }));
    expect((await c.listDatabases()).db_names).toHaveLength(64);
    expect(failure(await c.createDatabase({ db_name: 'one_too_many' }))).toEqual([801, 'exceeded the limit number of database[limit=64]']);
    for (const db_name of extra) ok(await c.dropDatabase({ db_name }));
    expect((await c.listDatabases()).db_names).toEqual(['default', 'shop']);
  });

  it('enforces database.max.collections when a collection is created', async () => {
    ok(await cluster.client.alterDatabase({ db_name: 'shop', properties: { 'database.max.collections': 1 } }));
    const refused = await answered(
      shop.createCollection({
        collection_name: 'second',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'v', data_type: DataType.FloatVector, dim: DIM },
        ],
      }),
    );
    expect(failure(refused)).toEqual([102, 'exceeded the limit number of collections[dbName=shop][limit=1]']);
    ok(await cluster.client.dropDatabaseProperties({ db_name: 'shop', properties: ['database.max.collections'] }));
  });
});

describe('the same collection name in two databases', () => {
  it('searches and queries each exactly through the coordinator, with the readers serving both', async () => {
    for (const q of queries) {
      expectExactTopK(await searchIds(cluster.client, q), mainRows, q, 10);
      expectExactTopK(await searchIds(shop, q), shopRows, q, 10);
    }
    expect(Number((await cluster.client.count({ collection_name: 'items' })).data)).toBe(mainRows.size);
    expect(Number((await shop.count({ collection_name: 'items' })).data)).toBe(shopRows.size);
    const growing = await shop.query({ collection_name: 'items', filter: 'id >= 1000', output_fields: ['id', 'v'], limit: 100 });
    ok(growing);
    expect(growing.data.map((r: any) => [Number(r.id), r.v.map((x: number) => Math.fround(x))])).toEqual(
      [...shopRows].filter(([id]) => id >= 1000).map(([id, v]) => [id, v.map(Math.fround)]),
    );
    const none = await cluster.client.query({ collection_name: 'items', filter: 'id >= 1000', output_fields: ['id'], limit: 100 });
    expect(none.data).toEqual([]);
    // The two collections' vectors differ: the search is not answering both from one.
    expect(seedVector(5, DIM)).not.toEqual(shopVector(5, DIM));
  });

  it("takes the request's db_name over the client's database, as Milvus's proxy does", async () => {
    const q = queries[0]!;
    expectExactTopK(await searchIds(cluster.client, q, { db_name: 'shop' }), shopRows, q, 10);
    expectExactTopK(await searchIds(shop, q, { db_name: 'default' }), mainRows, q, 10);
  });

  it('keeps indexes, partitions, aliases and load state apart', async () => {
    const c = cluster.client;
    const [mainItems, shopItems] = await Promise.all([
      c.describeCollection({ collection_name: 'items' }),
      shop.describeCollection({ collection_name: 'items' }),
    ]);
    expect(mainItems.collectionID).not.toBe(shopItems.collectionID);
    expect([mainItems.db_name, shopItems.db_name]).toEqual(['default', 'shop']);
    // db_id is on the wire, not in the SDK's type of the reply.
    const dbIds = [mainItems, shopItems].map((r) => (r as { db_id?: string }).db_id);
    expect(dbIds).toEqual(['1', (await c.describeDatabase({ db_name: 'shop' })).dbID]);

    ok(await shop.createPartition({ collection_name: 'items', partition_name: 'p_shop' }));
    expect((await shop.showPartitions({ collection_name: 'items' })).partition_names).toEqual(['_default', 'p_shop']);
    expect((await c.showPartitions({ collection_name: 'items' })).partition_names).toEqual(['_default']);

    // One alias name in both databases, each naming its own database's collection.
    ok(await c.createAlias({ collection_name: 'items', alias: 'top' }));
    ok(await shop.createAlias({ collection_name: 'items', alias: 'top' }));
    const q = queries[3]!;
    expectExactTopK(await searchIds(c, q, { collection_name: 'top' }), mainRows, q, 10);
    expectExactTopK(await searchIds(shop, q, { collection_name: 'top' }), shopRows, q, 10);
    expect((await shop.listAliases({ collection_name: 'items' })).aliases).toEqual(['top']);
    ok(await c.dropAlias({ alias: 'top' }));
    expect((await shop.describeAlias({ alias: 'top', collection_name: 'ignored' })).collection).toBe('items');

    // A collection of one name indexed and loaded in one database only.
    for (const client of [c, shop]) {
      ok(
        await client.createCollection({
          collection_name: 'cold',
          fields: [
            { name: 'id', data_type: DataType.Int64, is_primary_key: true },
            { name: 'v', data_type: DataType.FloatVector, dim: DIM },
          ],
        }),
      );
    }
    ok(await c.createIndex({ collection_name: 'cold', field_name: 'v', index_name: 'cold_main', index_type: 'FLAT', metric_type: 'L2' }));
    ok(await c.loadCollectionSync({ collection_name: 'cold' }));
    expect((await c.getLoadState({ collection_name: 'cold' })).state).toBe('LoadStateLoaded');
    expect((await shop.getLoadState({ collection_name: 'cold' })).state).toBe('LoadStateNotLoad');
    expect((await c.describeIndex({ collection_name: 'cold' })).index_descriptions.map((d: any) => d.index_name)).toEqual(['cold_main']);
    expect(statusOf(await shop.describeIndex({ collection_name: 'cold' })).code).toBe(700);
    expect((await shop.listCollections()).data.map((x: any) => x.name).sort()).toEqual(['cold', 'items']);
  });

  it('follows useDatabase: later calls of the client are in that database', async () => {
    const client = await connectSdk(cluster.coordinator.addresses.grpc!);
    try {
      const q = queries[7]!;
      expectExactTopK(await searchIds(client, q), mainRows, q, 10);
      await client.useDatabase({ db_name: 'shop' });
      expectExactTopK(await searchIds(client, q), shopRows, q, 10);
      expect(Number((await client.count({ collection_name: 'items' })).data)).toBe(shopRows.size);
      await client.useDatabase({ db_name: 'default' });
      expectExactTopK(await searchIds(client, q), mainRows, q, 10);
    } finally {
      await client.closeConnection();
    }
  });
});

describe('moving a collection between databases', () => {
  it('renames into another database, as Milvus allows a collection without aliases', async () => {
    const c = cluster.client;
    const moving = await cluster.seed('moving', DIM, 1, 10);
    ok(await c.renameCollection({ collection_name: 'moving', new_collection_name: 'moved', new_db_name: 'shop' }));
    expect((await c.hasCollection({ collection_name: 'moving' })).value).toBe(false);
    const described = await shop.describeCollection({ collection_name: 'moved' });
    expect([described.db_name, described.collection_name]).toEqual(['shop', 'moved']);
    const q = queries[1]!;
    expectExactTopK(await searchIds(shop, q, { collection_name: 'moved' }), moving, q, 10);

    ok(await shop.createAlias({ collection_name: 'moved', alias: 'held' }));
    const refusals: [() => Promise<unknown>, string][] = [
      [
        () => shop.renameCollection({ collection_name: 'moved', new_collection_name: 'moved', new_db_name: 'default' }),
        'fail to rename db name, must drop all aliases of this collection before rename',
      ],
      [
        () => shop.renameCollection({ collection_name: 'moved', new_collection_name: 'x', new_db_name: 'nowhere' }),
        'target database:nowhere not found',
      ],
      [
        () => shop.renameCollection({ collection_name: 'moved', new_collection_name: 'items', new_db_name: 'default' }),
        'duplicated new collection name default:items with other collection name or alias',
      ],
    ];
    for (const [call, reason] of refusals) expect(failure(await answered(call()))).toEqual([65535, reason]);
    ok(await shop.dropAlias({ alias: 'held' }));
    ok(await shop.renameCollection({ collection_name: 'moved', new_collection_name: 'moving', new_db_name: 'default' }));
    expectExactTopK(await searchIds(c, q, { collection_name: 'moving' }), moving, q, 10);
    ok(await c.dropCollection({ collection_name: 'moving' }));
  });
});

describe('dropping a database', () => {
  it('is refused while it holds a collection, then drops it; the other database is untouched', async () => {
    expect(failure(await cluster.client.dropDatabase({ db_name: 'shop' }))).toEqual([
      65535,
      'database:shop not empty, must drop all collections before drop database',
    ]);
    ok(await shop.dropAlias({ alias: 'top' }));
    for (const name of ['items', 'cold']) ok(await shop.dropCollection({ collection_name: name }));
    ok(await cluster.client.dropDatabase({ db_name: 'shop' }));
    expect((await cluster.client.listDatabases()).db_names).toEqual(['default']);
    expect(failure(await shop.describeCollection({ collection_name: 'items' }))).toEqual([800, 'database not found[database=shop]']);
    const q = queries[9]!;
    expectExactTopK(await searchIds(cluster.client, q), mainRows, q, 10);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestCluster, vec, type RestCluster } from './cluster.js';

/**
 * Databases over REST v2: the `databases/*` endpoints with the bodies and answers of Milvus's
 * REST handler, and every other endpoint in the database its body's `dbName` (or the `DB-Name`
 * header) names: one collection name in two databases, each answering with its own rows.
 */
describe('REST v2 databases', () => {
  let cluster: RestCluster;

  async function post(path: string, body: object, headers: Record<string, string> = {}): Promise<any> {
    const res = await fetch(`http://${cluster.http}/v2/vectordb/${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return res.json();
  }

  /** The top hit's id of a search of `items` for row `i`'s vector, in the database the body or headers name. */
  const topHit = async (i: number, where: { body?: object; headers?: Record<string, string> }) => {
    const res = await post('entities/search', { collectionName: 'items', data: [vec(i)], limit: 1, ...where.body }, where.headers);
    expect(res.code).toBe(0);
    return Number(res.data[0].id);
  };

  beforeAll(async () => {
    cluster = await startRestCluster();
  });

  afterAll(async () => {
    if (cluster) expect(await cluster.stop()).toBe(0);
  });

  it('creates, lists, describes, alters and drops properties of databases', async () => {
    expect(await post('databases/create', { dbName: 'shop', properties: { 'database.max.collections': 5 } })).toEqual({
      code: 0,
      data: {},
    });
    expect(await post('databases/list', {})).toEqual({ code: 0, data: ['default', 'shop'] });
    const described = await post('databases/describe', { dbName: 'shop' });
    expect(described).toEqual({
      code: 0,
      data: { dbName: 'shop', dbID: expect.any(Number), properties: [{ key: 'database.max.collections', value: '5' }] },
    });
    expect((await post('databases/describe', { dbName: 'default' })).data.dbID).toBe(1);

    expect(await post('databases/alter', { dbName: 'shop', properties: { 'database.replica.number': 2 } })).toEqual({ code: 0, data: {} });
    expect(await post('databases/alter_properties', { dbName: 'shop', properties: { 'database.resource_groups': 'rg' } })).toEqual({
      code: 0,
      data: {},
    });
    expect(await post('databases/drop_properties', { dbName: 'shop', propertyKeys: ['database.replica.number'] })).toEqual({
      code: 0,
      data: {},
    });
    const properties = (await post('databases/describe', { dbName: 'shop' })).data.properties;
    expect(properties.map((p: { key: string }) => p.key).sort()).toEqual(['database.max.collections', 'database.resource_groups']);
  });

  it('refuses a missing dbName, a bad name and an unknown database with their codes', async () => {
    expect((await post('databases/describe', {})).code).toBe(1802);
    expect((await post('databases/drop', {})).code).toBe(1802);
    expect((await post('databases/create', { dbName: 'no-dash' })).code).toBe(802);
    expect(await post('databases/describe', { dbName: 'nowhere' })).toEqual({ code: 800, message: 'database not found[database=nowhere]' });
    expect((await post('collections/list', {}, { 'db-name': 'nowhere' })).code).toBe(800);
  });

  it('keeps one collection name in two databases apart, by body dbName or DB-Name header', async () => {
    const create = { collectionName: 'items', dimension: vec(0).length, metricType: 'L2' };
    expect((await post('collections/create', create)).code).toBe(0);
    expect((await post('collections/create', { ...create, dbName: 'shop' })).code).toBe(0);
    // The same vectors under other ids, and fewer of them, in shop.
    const mainRows = Array.from({ length: 10 }, (_, i) => ({ id: i, vector: vec(i) }));
    const shopRows = Array.from({ length: 6 }, (_, i) => ({ id: 100 + i, vector: vec(i) }));
    expect((await post('entities/insert', { collectionName: 'items', data: mainRows })).data.insertCount).toBe(10);
    expect((await post('entities/insert', { collectionName: 'items', data: shopRows }, { 'db-name': 'shop' })).data.insertCount).toBe(6);

    expect(await topHit(3, {})).toBe(3);
    expect(await topHit(3, { body: { dbName: 'shop' } })).toBe(103);
    expect(await topHit(3, { headers: { 'db-name': 'shop' } })).toBe(103);
    // The body's dbName over the header, as Milvus's handler reads them.
    expect(await topHit(3, { body: { dbName: 'default' }, headers: { 'db-name': 'shop' } })).toBe(3);

    const count = async (db: string) =>
      (await post('entities/query', { dbName: db, collectionName: 'items', filter: '', outputFields: ['count(*)'] })).data[0]['count(*)'];
    expect([await count('default'), await count('shop')]).toEqual(['10', '6']);
    expect(
      (await post('entities/get', { dbName: 'shop', collectionName: 'items', id: [101, 1] })).data.map((r: any) => Number(r.id)),
    ).toEqual([101]);
    const shopItems = await post('collections/describe', { dbName: 'shop', collectionName: 'items' });
    const mainItems = await post('collections/describe', { collectionName: 'items' });
    expect(shopItems.data.collectionID).not.toBe(mainItems.data.collectionID);

    expect((await post('aliases/create', { dbName: 'shop', collectionName: 'items', aliasName: 'top' })).code).toBe(0);
    expect((await post('aliases/describe', { dbName: 'shop', aliasName: 'top' })).data).toEqual({
      dbName: 'shop',
      collectionName: 'items',
      aliasName: 'top',
    });
    expect((await post('aliases/describe', { aliasName: 'top' })).code).toBe(1600);
    expect((await post('aliases/list', { dbName: 'shop' })).data).toEqual(['top']);
  });

  it('drops a database once it holds nothing, and the other keeps its collection', async () => {
    expect(await post('databases/drop', { dbName: 'shop' })).toEqual({
      code: 65535,
      message: 'database:shop not empty, must drop all collections before drop database',
    });
    expect((await post('aliases/drop', { dbName: 'shop', aliasName: 'top' })).code).toBe(0);
    expect((await post('collections/drop', { dbName: 'shop', collectionName: 'items' })).code).toBe(0);
    expect(await post('databases/drop', { dbName: 'shop' })).toEqual({ code: 0, data: {} });
    expect(await post('databases/list', {})).toEqual({ code: 0, data: ['default'] });
    expect((await post('entities/search', { dbName: 'shop', collectionName: 'items', data: [vec(1)], limit: 1 })).code).toBe(800);
    expect(await topHit(4, {})).toBe(4);
  });
});

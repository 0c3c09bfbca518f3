import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType } from '@zilliz/milvus2-sdk-node';
import { TestCluster } from './harness/cluster.js';
import { prng } from './harness/prng.js';

/**
 * Scalar indexes through the coordinator of a cluster with a reader group, with the official
 * SDK: every Milvus scalar index type accepted on the fields Milvus accepts it on (refused with
 * its messages elsewhere), described, and filters over sealed (reader) and growing (writer) rows
 * answering exactly as on a twin collection without indexes.
 */
const PER_SEGMENT = 400;
const SEALED = 3;
const GROWING = 150;
const ROWS = PER_SEGMENT * SEALED + GROWING;
const cluster = new TestCluster();
const rand = prng(99);
const TAGS = ['red', 'reed', 'rose', 'blue', 'black', 'b', ''];

const rows = Array.from({ length: ROWS }, (_, id) => ({
  id,
  k: Math.floor(rand() * 300) - 100,
  tag: TAGS[Math.floor(rand() * TAGS.length)]! + (rand() < 0.5 ? String(Math.floor(rand() * 9)) : ''),
  score: Math.floor(rand() * 1000) / 8,
  flag: rand() < 0.3,
  meta: { a: Math.floor(rand() * 10) },
  v: [rand(), rand(), rand(), rand()],
}));

const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'k', data_type: DataType.Int64 },
  { name: 'tag', data_type: DataType.VarChar, max_length: 16 },
  { name: 'score', data_type: DataType.Double },
  { name: 'flag', data_type: DataType.Bool },
  { name: 'meta', data_type: DataType.JSON },
  { name: 'v', data_type: DataType.FloatVector, dim: 4 },
];

const SCALAR_INDEXES = [
  { field_name: 'k', index_type: 'INVERTED' },
  { field_name: 'tag', index_type: 'TRIE' },
  { field_name: 'score', index_type: 'STL_SORT' },
  { field_name: 'flag', index_type: 'BITMAP' },
  { field_name: 'meta', index_type: 'INVERTED', params: { json_path: 'meta["a"]', json_cast_type: 'DOUBLE' } },
];

beforeAll(async () => {
  await cluster.start([{ name: 'r1', group: 'g1' }], PER_SEGMENT);
  const client = cluster.client;
  for (const name of ['indexed', 'plain']) {
    expect((await client.createCollection({ collection_name: name, consistency_level: 'Strong', fields })).error_code).toBe('Success');
    expect((await client.createIndex({ collection_name: name, field_name: 'v', index_type: 'FLAT', metric_type: 'L2' })).error_code).toBe(
      'Success',
    );
    if (name === 'indexed') {
      for (const index of SCALAR_INDEXES) {
        const created = await client.createIndex({ collection_name: name, ...index });
        expect([created.error_code, created.reason], index.index_type).toEqual(['Success', '']);
      }
    }
    await client.loadCollectionSync({ collection_name: name });
    for (let s = 0; s < SEALED; s++) {
      const data = rows.slice(s * PER_SEGMENT, (s + 1) * PER_SEGMENT);
      expect((await client.insert({ collection_name: name, data })).status.error_code).toBe('Success');
    }
    await client.flushSync({ collection_names: [name] });
    expect((await client.insert({ collection_name: name, data: rows.slice(SEALED * PER_SEGMENT) })).status.error_code).toBe('Success');
  }
  await cluster.until('the reader holds the sealed segments', async () => {
    for (const name of ['indexed', 'plain']) {
      if (new Set([...(await cluster.holdings(name)).values()].flat()).size !== SEALED) return false;
    }
    return true;
  });
}, 240_000);

afterAll(async () => {
  await cluster.stop();
});

const FILTERS = [
  'k == 17',
  'k in [3, -5, 150, 999]',
  '-10 <= k < 4',
  'k > 190',
  'tag like "re%"',
  'tag == "blue3"',
  'tag >= "rose"',
  'score < 3.5',
  '10 < score <= 12.5',
  'flag == true and k < 0',
  'not (k != 5) or tag like "b%"',
  'meta["a"] == 3 and score > 60',
  'k % 7 == 1',
];

async function ids(collection: string, filter: string): Promise<number[]> {
  const res = await cluster.client.query({ collection_name: collection, filter, output_fields: ['id'], limit: ROWS });
  expect([res.status.error_code, res.status.reason], filter).toEqual(['Success', '']);
  return res.data.map((r: any) => Number(r.id)).sort((a: number, b: number) => a - b);
}

describe('scalar indexes', () => {
  it('are described with what serves them', async () => {
    const d = await cluster.client.describeIndex({ collection_name: 'indexed' });
    const byField = Object.fromEntries(
      d.index_descriptions.map((x) => [x.field_name, Object.fromEntries(x.params.map((p) => [p.key, p.value]))]),
    );
    expect(byField.k).toMatchObject({ index_type: 'INVERTED', engine: 'SORTED' });
    expect(byField.tag).toMatchObject({ index_type: 'TRIE', engine: 'SORTED' });
    expect(byField.score).toMatchObject({ index_type: 'STL_SORT', engine: 'SORTED' });
    expect(byField.flag).toMatchObject({ index_type: 'BITMAP', engine: 'SORTED' });
    expect(byField.meta).toMatchObject({ index_type: 'INVERTED', engine: 'SCAN', json_cast_type: 'DOUBLE' });
    expect(byField.v).toMatchObject({ index_type: 'FLAT', metric_type: 'L2', engine: 'FLAT' });
  });

  it('answer filters exactly as the scan of a collection without them', async () => {
    let nonEmpty = 0;
    for (const filter of FILTERS) {
      const want = await ids('plain', filter);
      expect(await ids('indexed', filter), filter).toEqual(want);
      if (want.length > 0 && want.length < ROWS) nonEmpty++;
    }
    // The filters select something, and not everything: the comparison says something.
    expect(nonEmpty).toBeGreaterThanOrEqual(FILTERS.length - 1);
  });

  it('answer filtered searches as the scan does', async () => {
    const search = (collection: string) =>
      cluster.client.search({ collection_name: collection, data: [[0.5, 0.5, 0.5, 0.5]], filter: '-20 <= k <= 20', limit: 10 });
    const [a, b] = await Promise.all([search('indexed'), search('plain')]);
    expect(a.results.map((h: any) => h.id)).toEqual(b.results.map((h: any) => h.id));
  });

  it('refuses the indexes Milvus refuses, with its messages', async () => {
    const client = cluster.client;
    const refusal = async (field_name: string, index_type: string, params?: Record<string, string>) => {
      const r = await client.createIndex({ collection_name: 'plain', field_name, index_type, ...(params ? { params } : {}) });
      return [r.code, r.reason];
    };
    const wrap = ': invalid parameter[expected=valid index params][actual=invalid index params]';
    expect(await refusal('tag', 'STL_SORT')).toEqual([1100, `STL_SORT are only supported on numeric field${wrap}`]);
    expect(await refusal('k', 'TRIE')).toEqual([1100, `TRIE are only supported on varchar field${wrap}`]);
    expect(await refusal('id', 'BITMAP')).toEqual([1100, `create bitmap index on primary key not supported${wrap}`]);
    expect(await refusal('score', 'BITMAP')).toEqual([1100, `bitmap index are only supported on bool, int, string and array field${wrap}`]);
    expect((await refusal('meta', 'INVERTED'))[1]).toContain('json index must specify cast type');
  });

  it('drop by name; one of several needs its name', async () => {
    const client = cluster.client;
    await client.releaseCollection({ collection_name: 'indexed' });
    const unnamed = await client.dropIndex({ collection_name: 'indexed', field_name: '' } as never);
    expect(unnamed.reason).toBe('there are multiple indexes, please specify the index_name');
    expect((await client.dropIndex({ collection_name: 'indexed', field_name: 'k', index_name: 'k' })).error_code).toBe('Success');
    const left = await client.describeIndex({ collection_name: 'indexed' });
    expect(left.index_descriptions.map((x) => x.field_name).sort()).toEqual(['flag', 'meta', 'score', 'tag', 'v']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, type MilvusClient, RRFRanker } from '@zilliz/milvus2-sdk-node';
import { hashInt64Key } from '../milvus/key-hash.js';
import { TestCluster } from './harness/cluster.js';
import { collectionIdOf, DataNodeClient } from './harness/data-node-client.js';
import { scrapeMetrics } from './harness/metrics.js';
import { connectSdk } from './harness/mishards-process.js';
import { RawMilvus, schemaBytes } from './harness/raw-milvus.js';
import { rank, rankingMismatch, score } from './harness/reference.js';

/**
 * Partition-key mode through the official SDK, against the writer alone and through a
 * coordinator over two reader groups (one cluster, a collection per target): rows land in
 * the partition Milvus's hash names (counted per partition, and checked row by row on the
 * writer's internal API), searches and queries filtered on the key answer exactly what a
 * brute-force scan of every row does while reading only the partitions the key hashes to
 * (mishards_search_partitions), and managing partitions by hand is refused with Milvus's
 * statuses.
 */
const DIM = 8;
const PARTITIONS = 8;
/** Per partition, a growing segment seals at this many rows: the data spans sealed and growing segments. */
const SEAL_ROWS = 20;

/** A type, not an interface: the SDK takes rows as records. */
type Row = { id: number; tenant: number; v: number[] };

const vec = (i: number) => Array.from({ length: DIM }, (_, j) => Math.sin(i * 0.61 + j * 1.7));
/** Index of the partition Milvus puts a tenant in: its hash (checked against reference values in a unit test) modulo the partitions. */
const home = (tenant: number) => hashInt64Key(BigInt(tenant)) % PARTITIONS;
/** Tenants from -10 to 42: negative keys, and several keys per partition. */
const rowOf = (id: number, tenant = ((id * 7919) % 53) - 10): Row => ({ id, tenant, v: vec(id) });

/** Filters on the key with what each means for a row, pruning or not. */
const FILTERS: [string, (r: Row) => boolean][] = [
  ['tenant == 5', (r) => r.tenant === 5],
  ['tenant == -7', (r) => r.tenant === -7],
  ['tenant in [1, 2, 30]', (r) => [1, 2, 30].includes(r.tenant)],
  ['tenant in [3, 4] and id > 100', (r) => [3, 4].includes(r.tenant) && r.id > 100],
  ['tenant == 7 or tenant == 8', (r) => r.tenant === 7 || r.tenant === 8],
  ['tenant == 9 or id < 50', (r) => r.tenant === 9 || r.id < 50],
  ['not (tenant == 10)', (r) => r.tenant !== 10],
  ['tenant > 20', (r) => r.tenant > 20],
  ['tenant == 1 and tenant == 2', () => false],
];

const REFUSED = { error_code: 'IllegalArgument', code: 1100 };
const NAMED = { ...REFUSED, reason: 'not support manually specifying the partition names if partition key mode is used' };

const cluster = new TestCluster();
beforeAll(() =>
  cluster.start(
    [
      { name: 'r1', group: 'g1' },
      { name: 'r2', group: 'g2' },
    ],
    SEAL_ROWS,
  ),
);
afterAll(() => cluster.stop());

describe.each([
  ['the writer', 'writer'],
  ['a coordinator over two reader groups', 'coordinator'],
] as const)('partition keys against %s', (_target, role) => {
  const name = `tenants_${role}`;
  let client: MilvusClient;
  /** The collection's rows as they should be, by id. */
  const rows = new Map<number, Row>();
  /** Partition name of each partition index. */
  let partitionNames: string[];

  /** The partitions the target read for `run`'s search or query: (requests, partitions) observed. */
  async function partitionsRead(run: () => Promise<unknown>): Promise<{ requests: number; partitions: number }> {
    const address = role === 'writer' ? cluster.writer.addresses.metrics! : cluster.coordinator.addresses.metrics!;
    const before = await scrapeMetrics(address);
    await run();
    const after = await scrapeMetrics(address);
    const delta = (metric: string) => after(metric) - before(metric);
    return { requests: delta('mishards_search_partitions_count'), partitions: delta('mishards_search_partitions_sum') };
  }

  async function insert(batch: Row[]): Promise<void> {
    const res = await client.insert({ collection_name: name, data: batch });
    expect(res.status.error_code).toBe('Success');
    for (const r of batch) rows.set(r.id, r);
  }

  beforeAll(async () => {
    client = role === 'writer' ? await connectSdk(cluster.writer.addresses.grpc!) : cluster.client;
    const created = await client.createCollection({
      collection_name: name,
      consistency_level: 'Strong',
      num_partitions: PARTITIONS,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'tenant', data_type: DataType.Int64, is_partition_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
    });
    expect(created.error_code).toBe('Success');
    expect((await client.createIndex({ collection_name: name, field_name: 'v', index_type: 'FLAT', metric_type: 'L2' })).error_code).toBe(
      'Success',
    );
    expect((await client.loadCollectionSync({ collection_name: name })).error_code).toBe('Success');
    // Three batches sealed, one left growing (a partition past SEAL_ROWS seals some of it too).
    for (let b = 0; b < 3; b++) await insert(Array.from({ length: 100 }, (_, i) => rowOf(b * 100 + i)));
    await client.flushSync({ collection_names: [name] });
    await insert(Array.from({ length: 100 }, (_, i) => rowOf(300 + i)));
    // Upserts that move rows to another tenant (most of them to another partition).
    const moved = Array.from({ length: 20 }, (_, i) => rowOf(i * 3, 100 + i));
    expect((await client.upsert({ collection_name: name, data: moved })).status.error_code).toBe('Success');
    for (const r of moved) rows.set(r.id, r);
    partitionNames = (await client.showPartitions({ collection_name: name })).partition_names;
  });

  afterAll(async () => {
    if (role === 'writer') await client?.closeConnection();
  });

  it('creates the partitions _default_0 ... and describes the key and their number', async () => {
    expect(partitionNames).toEqual(Array.from({ length: PARTITIONS }, (_, i) => `_default_${i}`));
    const described = await client.describeCollection({ collection_name: name });
    expect(Number(described.num_partitions)).toBe(PARTITIONS);
    expect(described.schema.fields.map((f: any) => [f.name, f.is_partition_key])).toEqual([
      ['id', false],
      ['tenant', true],
      ['v', false],
    ]);
    // 16 partitions when num_partitions is not given.
    const other = `${name}_default_count`;
    const created = await client.createCollection({
      collection_name: other,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'tag', data_type: DataType.VarChar, max_length: 16, is_partition_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
    });
    expect(created.error_code).toBe('Success');
    expect(Number((await client.describeCollection({ collection_name: other })).num_partitions)).toBe(16);
    expect((await client.showPartitions({ collection_name: other })).partition_names).toHaveLength(16);
  });

  it('puts each row in the partition its key hashes to', async () => {
    const expected = Array.from({ length: PARTITIONS }, () => [] as Row[]);
    for (const r of rows.values()) expected[home(r.tenant)]!.push(r);
    // Every partition gets rows: a wrong hash could not hide behind empty partitions.
    expect(expected.every((list) => list.length > 0)).toBe(true);
    for (const [i, partition] of partitionNames.entries()) {
      const stats = await client.getPartitionStatistics({ collection_name: name, partition_name: partition });
      expect(Number(stats.data.row_count), partition).toBe(expected[i]!.length);
    }
    // On the writer's internal API, every row a partition holds has a key that hashes to it.
    const ids = new Map((await client.showPartitions({ collection_name: name })).data.map((p: any) => [p.name as string, String(p.id)]));
    const node = new DataNodeClient(cluster.writer.addresses.grpc!);
    const collectionId = await collectionIdOf(client, name);
    const count = async (partition: string, filter: string) => {
      const res = await node.call('QuerySegments', {
        collection_id: collectionId,
        filter,
        partition_ids: [ids.get(partition)],
        include_growing: true,
        count_only: true,
      });
      expect(res.status.code, res.status.reason).toBe(0);
      return Number(res.count);
    };
    try {
      for (const [i, partition] of partitionNames.entries()) {
        const keys = [...new Set(expected[i]!.map((r) => r.tenant))];
        expect(await count(partition, ''), partition).toBe(expected[i]!.length);
        expect(await count(partition, `tenant in [${keys.join(', ')}]`), partition).toBe(expected[i]!.length);
      }
    } finally {
      node.close();
    }
  });

  it.each(FILTERS)('answers %s as a scan of every row does', async (filter, matches) => {
    const wanted = [...rows.values()].filter(matches);
    const query = await client.query({ collection_name: name, filter, output_fields: ['id', 'tenant'], limit: 1000 });
    expect(query.status.error_code).toBe('Success');
    expect(query.data.map((r: any) => [Number(r.id), Number(r.tenant)]).sort((a: number[], b: number[]) => a[0]! - b[0]!)).toEqual(
      wanted.map((r) => [r.id, r.tenant]).sort((a, b) => a[0]! - b[0]!),
    );
    expect(Number((await client.count({ collection_name: name, expr: filter })).data)).toBe(wanted.length);
    for (const q of [3, 77, 250]) {
      const res = await client.search({ collection_name: name, data: vec(q + 0.5), filter, limit: 10, output_fields: ['tenant'] });
      expect(res.status.error_code).toBe('Success');
      const want = rank(
        wanted.map((r) => [r.id, r.v] as [number, number[]]),
        vec(q + 0.5),
        'L2',
      ).slice(0, 10);
      const got = res.results.map((h: any) => ({ id: Number(h.id), score: h.score }));
      expect(
        rankingMismatch(got, want, (id) => score.L2(vec(q + 0.5), rows.get(id)!.v)),
        filter,
      ).toBeUndefined();
      for (const h of res.results) expect(Number(h.tenant)).toBe(rows.get(Number(h.id))!.tenant);
    }
  });

  it('reads only the partitions the key hashes to', async () => {
    const search = (filter: string) => client.search({ collection_name: name, data: vec(1), filter, limit: 5 });
    const query = (filter: string) => client.query({ collection_name: name, filter, output_fields: ['id'], limit: 100 });
    // Two tenants of different partitions.
    const a = 0;
    const b = [1, 2, 3, 4, 5, 6].find((t) => home(t) !== home(a))!;
    expect(await partitionsRead(() => search('tenant == 5'))).toEqual({ requests: 1, partitions: 1 });
    expect(await partitionsRead(() => query('tenant == 5 and id > 3'))).toEqual({ requests: 1, partitions: 1 });
    expect(await partitionsRead(() => search(`tenant in [${a}, ${b}]`))).toEqual({ requests: 1, partitions: 2 });
    expect(await partitionsRead(() => client.count({ collection_name: name, expr: `tenant == ${a}` }))).toEqual({
      requests: 1,
      partitions: 1,
    });
    // No pruning where the filter does not bound the key.
    for (const filter of ['tenant == 5 or id < 3', 'tenant > 5', 'not (tenant == 5)', 'id in [1, 2]'])
      expect(await partitionsRead(() => search(filter)), filter).toEqual({ requests: 1, partitions: PARTITIONS });
    // A hybrid search prunes each sub-search by its own filter.
    const hybrid = () =>
      client.hybridSearch({
        collection_name: name,
        data: [
          { data: vec(2), anns_field: 'v', limit: 5, params: {}, expr: `tenant == ${a}` },
          { data: vec(4), anns_field: 'v', limit: 5, params: {}, expr: 'id > 3' },
        ],
        rerank: RRFRanker(60),
        limit: 5,
      });
    expect(await partitionsRead(hybrid)).toEqual({ requests: 2, partitions: 1 + PARTITIONS });
  });

  it('deletes by key from the partitions the key hashes to', async () => {
    const doomed = [...rows.values()].filter((r) => r.tenant === 12);
    expect(doomed.length).toBeGreaterThan(0);
    const res = await client.delete({ collection_name: name, filter: 'tenant == 12' });
    expect(res.status.error_code).toBe('Success');
    expect(Number(res.delete_cnt)).toBe(doomed.length);
    for (const r of doomed) rows.delete(r.id);
    const left = await client.query({ collection_name: name, filter: 'tenant in [11, 12, 13]', output_fields: ['id'], limit: 1000 });
    expect(left.data.map((r: any) => Number(r.id)).sort((x: number, y: number) => x - y)).toEqual(
      [...rows.values()]
        .filter((r) => [11, 12, 13].includes(r.tenant))
        .map((r) => r.id)
        .sort((x, y) => x - y),
    );
    const stats = await client.getPartitionStatistics({ collection_name: name, partition_name: partitionNames[home(12)]! });
    expect(Number(stats.data.row_count)).toBe([...rows.values()].filter((r) => home(r.tenant) === home(12)).length);
  });

  it('refuses to manage partitions by hand, with Milvus statuses, and changes nothing', async () => {
    const p = partitionNames[0]!;
    expect(await client.createPartition({ collection_name: name, partition_name: 'mine' })).toMatchObject({
      ...REFUSED,
      reason: 'disable create partition if partition key mode is used',
    });
    expect(await client.dropPartition({ collection_name: name, partition_name: p })).toMatchObject({
      ...REFUSED,
      reason: 'disable drop partition if partition key mode is used',
    });
    expect(await client.loadPartitions({ collection_name: name, partition_names: [p] })).toMatchObject({
      ...REFUSED,
      reason: 'disable load partitions if partition key mode is used',
    });
    expect(await client.releasePartitions({ collection_name: name, partition_names: [p] })).toMatchObject({
      ...REFUSED,
      reason: 'disable release partitions if partition key mode is used',
    });
    const row = rowOf(5000);
    expect((await client.insert({ collection_name: name, partition_name: p, data: [row] })).status).toMatchObject(NAMED);
    expect((await client.upsert({ collection_name: name, partition_name: p, data: [row] })).status).toMatchObject(NAMED);
    expect((await client.delete({ collection_name: name, partition_name: p, filter: 'id == 1' })).status).toMatchObject(NAMED);
    expect((await client.search({ collection_name: name, partition_names: [p], data: vec(1), limit: 3 })).status).toMatchObject(NAMED);
    expect((await client.query({ collection_name: name, partition_names: [p], filter: 'id > 0', limit: 3 })).status).toMatchObject(NAMED);
    const hybrid = await client.hybridSearch({
      collection_name: name,
      partition_names: [p],
      data: [{ data: vec(2), anns_field: 'v', limit: 5, params: {} }],
      rerank: RRFRanker(60),
      limit: 5,
    });
    expect(hybrid.status).toMatchObject(NAMED);

    expect((await client.showPartitions({ collection_name: name })).partition_names).toEqual(partitionNames);
    expect((await client.hasPartition({ collection_name: name, partition_name: p })).value).toBe(true);
    expect((await client.getLoadState({ collection_name: name, partition_names: [p] })).state).toBe('LoadStateLoaded');
    expect(Number((await client.count({ collection_name: name })).data)).toBe(rows.size);
  });

  it('refuses partition-key schemas and partition counts Milvus refuses', async () => {
    const raw = new RawMilvus(role === 'writer' ? cluster.writer.addresses.grpc! : cluster.coordinator.addresses.grpc!);
    const create = (fields: object[], numPartitions = 0) =>
      raw.call('CreateCollection', {
        collection_name: `${name}_refused`,
        num_partitions: numPartitions,
        schema: schemaBytes({
          name: `${name}_refused`,
          fields: [
            { name: 'id', data_type: 5, is_primary_key: true },
            { name: 'v', data_type: 101, type_params: [{ key: 'dim', value: String(DIM) }] },
            ...fields,
          ],
        }),
      });
    const refused = (reason: string) => ({ error_code: 'IllegalArgument', code: 1100, reason });
    try {
      expect(
        await create([
          { name: 'a', data_type: 5, is_partition_key: true },
          { name: 'b', data_type: 5, is_partition_key: true },
        ]),
      ).toMatchObject(refused('there are more than one partition key, field name = a, b'));
      expect(await create([{ name: 'a', data_type: 5, is_partition_key: true, nullable: true }])).toMatchObject(
        refused('partition key field not support nullable'),
      );
      expect(await create([{ name: 'a', data_type: 11, is_partition_key: true }])).toMatchObject(
        refused('the data type of partition key should be Int64 or VarChar'),
      );
      expect(await create([{ name: 'a', data_type: 5, is_partition_key: true }], 1025)).toMatchObject(
        refused('partition number (1025) exceeds max configuration (1024)'),
      );
      expect(await create([{ name: 'a', data_type: 5 }], 4)).toMatchObject(
        refused('num_partitions should only be specified with partition key field enabled'),
      );
      expect((await raw.call('HasCollection', { collection_name: `${name}_refused` })).value).toBe(false);
    } finally {
      raw.close();
    }
  });
});

describe('partition keys over REST v2', () => {
  const post = async (path: string, body: object): Promise<any> =>
    (
      await fetch(`http://${cluster.coordinator.addresses.http}/v2/vectordb/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json();
  const schema = {
    fields: [
      { fieldName: 'id', dataType: 'Int64', isPrimary: true },
      { fieldName: 'tag', dataType: 'VarChar', isPartitionKey: true, elementTypeParams: { max_length: 16 } },
      { fieldName: 'vector', dataType: 'FloatVector', elementTypeParams: { dim: DIM } },
    ],
  };

  it('creates a partition-key collection with params.partitionsNum, 64 partitions without', async () => {
    expect(await post('collections/create', { collectionName: 'rest_tags', schema, params: { partitionsNum: 4 } })).toEqual({
      code: 0,
      data: {},
    });
    const described = await post('collections/describe', { collectionName: 'rest_tags' });
    expect(described.data.partitionsNum).toBe(4);
    expect(described.data.fields.map((f: any) => [f.name, f.partitionKey])).toEqual([
      ['id', false],
      ['tag', true],
      ['vector', false],
    ]);
    expect((await post('partitions/list', { collectionName: 'rest_tags' })).data).toEqual([
      '_default_0',
      '_default_1',
      '_default_2',
      '_default_3',
    ]);
    expect(await post('partitions/create', { collectionName: 'rest_tags', partitionName: 'mine' })).toEqual({
      code: 1100,
      message: 'disable create partition if partition key mode is used',
    });

    expect((await post('collections/create', { collectionName: 'rest_tags_64', schema })).code).toBe(0);
    expect((await post('collections/describe', { collectionName: 'rest_tags_64' })).data.partitionsNum).toBe(64);
  });
});

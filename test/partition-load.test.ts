import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { DataType, type MilvusClient, RRFRanker, ShowPartitionsType } from '@zilliz/milvus2-sdk-node';
import { collectionIdOf, DataNodeClient } from './harness/data-node-client.js';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from './harness/mishards-process.js';
import { waitUntil } from './harness/wait.js';

/**
 * Load state per partition through the official SDK, against the writer alone and the
 * coordinator of `mishards up`. A collection with three partitions (plus _default) gets one
 * partition loaded, then a second, then the first released. After each step: search, query
 * and hybrid search cover exactly the loaded partitions (sealed and growing rows), naming an
 * unloaded partition fails with Milvus's "partition not loaded" status, ShowPartitions,
 * GetLoadState and GetLoadingProgress answer per partition (through the coordinator the
 * progress reaches 100 as the readers load), and the readers hold exactly the sealed segments
 * of the loaded partitions.
 */
const DIM = 8;
const PARTITIONS = ['_default', 'p1', 'p2', 'p3'];
/** Rows per partition: three inserts of SEAL rows seal three segments, then GROWING stay growing. */
const SEAL = 4;
const GROWING = 2;
const NOT_LOADED = { error_code: 'UnexpectedError', code: 201 };

const vec = (id: number): number[] => Array.from({ length: DIM }, (_, j) => Math.sin(id * 0.37 + j * 1.1));
/** Row ids carry their partition: partition k holds k*100 .. k*100+13. */
const idsOf = (partition: string): number[] => {
  const k = PARTITIONS.indexOf(partition);
  return Array.from({ length: 3 * SEAL + GROWING }, (_, i) => k * 100 + i);
};
const sorted = (ids: Iterable<number>) => [...ids].sort((a, b) => a - b);

const targets: [string, string[]][] = [
  ['the writer', ['writer']],
  ['the coordinator of mishards up', ['up', '--readers', '3', '--http-port', '0']],
];

describe.each(targets)('per-partition load state against %s', (target, command) => {
  let dir: string;
  let server: MishardsProcess;
  let client: MilvusClient;
  /** The cluster's writer and readers as data nodes (none against the writer alone). */
  let writerNode: DataNodeClient | undefined;
  let readers: DataNodeClient[] = [];
  const cluster = target !== 'the writer';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mishards-partition-load-'));
    server = await startMishards([...command, ...onFreePorts(dir), '--seal-rows', String(SEAL)]);
    client = await connectSdk(server.addresses.grpc!);
    if (cluster) {
      const members = YAML.parse(readFileSync(join(dir, 'cluster.yaml'), 'utf8')).members as { role: string; address: string }[];
      writerNode = new DataNodeClient(members.find((m) => m.role === 'writer')!.address);
      readers = members.filter((m) => m.role === 'reader').map((m) => new DataNodeClient(m.address));
    }
  });

  afterAll(async () => {
    await client?.closeConnection();
    writerNode?.close();
    for (const r of readers) r.close();
    if (server) expect(await server.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  async function createCollection(name: string): Promise<void> {
    const created = await client.createCollection({
      collection_name: name,
      consistency_level: 'Strong',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
    });
    expect(created.error_code).toBe('Success');
    for (const p of PARTITIONS.slice(1))
      expect((await client.createPartition({ collection_name: name, partition_name: p })).error_code).toBe('Success');
    expect((await client.createIndex({ collection_name: name, field_name: 'v', index_type: 'FLAT', metric_type: 'L2' })).error_code).toBe(
      'Success',
    );
  }

  /** Sealed segment ids per partition id, as the writer holds them. */
  async function sealedByPartition(name: string): Promise<Map<number, number[]>> {
    const id = await collectionIdOf(client, name);
    const out = new Map<number, number[]>();
    for (const s of (await writerNode!.call('ListSegments', {})).segments) {
      if (s.collection_id !== id || s.growing) continue;
      out.set(Number(s.partition_id), [...(out.get(Number(s.partition_id)) ?? []), Number(s.segment_id)]);
    }
    return out;
  }

  /** Every segment the readers hold for the collection (a segment held twice appears twice). */
  async function readerHoldings(name: string): Promise<{ segments: number[]; partitions: Set<number> }> {
    const id = await collectionIdOf(client, name);
    const lists = await Promise.all(
      readers.map(async (r) => (await r.call('ListSegments', {})).segments.filter((s: any) => s.collection_id === id)),
    );
    return {
      segments: sorted(lists.flat().map((s: any) => Number(s.segment_id))),
      partitions: new Set(lists.flat().map((s: any) => Number(s.partition_id))),
    };
  }

  /** Checks everything the load state decides, for exactly `loaded` partitions loaded. */
  async function expectLoaded(name: string, loaded: string[]): Promise<void> {
    const shown = await client.showPartitions({ collection_name: name });
    expect(shown.data.map((p: any) => [p.name, Number(p.loadedPercentage)])).toEqual(
      PARTITIONS.map((p) => [p, loaded.includes(p) ? 100 : 0]),
    );
    const partitionIds = new Map(shown.data.map((p: any) => [p.name as string, Number(p.id)]));
    const onlyLoaded = await client.showPartitions({ collection_name: name, type: ShowPartitionsType.Loaded });
    expect(onlyLoaded.status.error_code).toBe('Success');
    expect(onlyLoaded.partition_names).toEqual(loaded);
    expect(onlyLoaded.data.map((p: any) => Number(p.loadedPercentage))).toEqual(loaded.map(() => 100));

    expect((await client.getLoadState({ collection_name: name })).state).toBe(loaded.length ? 'LoadStateLoaded' : 'LoadStateNotLoad');
    // Through a coordinator, the share of the loaded rows the readers hold: 100 once placement has loaded them.
    const progress = async () => Number((await client.getLoadingProgress({ collection_name: name })).progress);
    if (loaded.length) await waitUntil(`loading of ${loaded.join(', ')} completes`, async () => (await progress()) === 100);
    expect(await progress()).toBe(loaded.length ? 100 : 0);
    for (const p of PARTITIONS) {
      const state = await client.getLoadState({ collection_name: name, partition_names: [p] });
      expect(state.state, p).toBe(loaded.includes(p) ? 'LoadStateLoaded' : 'LoadStateNotLoad');
      const progress = await client.getLoadingProgress({ collection_name: name, partition_names: [p] });
      if (loaded.includes(p)) expect(Number(progress.progress)).toBe(100);
      else expect(progress.status).toMatchObject({ ...NOT_LOADED, reason: `partition not loaded[partition=${p}]` });
    }
    // Several partitions are loaded only if each is.
    expect((await client.getLoadState({ collection_name: name, partition_names: PARTITIONS })).state).toBe('LoadStateNotLoad');

    const wanted = sorted(loaded.flatMap(idsOf));
    const search = await client.search({ collection_name: name, data: vec(7), limit: 100 });
    const query = await client.query({ collection_name: name, filter: 'id >= 0', output_fields: ['id'], limit: 1000 });
    const hybrid = await client.hybridSearch({
      collection_name: name,
      data: [
        { data: vec(3), anns_field: 'v', limit: 100, params: {} },
        { data: vec(5), anns_field: 'v', limit: 100, params: {} },
      ],
      rerank: RRFRanker(60),
      limit: 100,
    });
    if (!loaded.length) {
      for (const res of [search, query, hybrid])
        expect(res.status).toMatchObject({ error_code: 'UnexpectedError', code: 101, reason: `collection not loaded[collection=${name}]` });
      return;
    }
    expect(sorted(search.results.map((r: any) => Number(r.id)))).toEqual(wanted);
    expect(sorted(query.data.map((r: any) => Number(r.id)))).toEqual(wanted);
    expect(sorted(hybrid.results.map((r: any) => Number(r.id)))).toEqual(wanted);
    const count = await client.count({ collection_name: name });
    expect(Number(count.data)).toBe(wanted.length);

    for (const p of PARTITIONS) {
      const named = await client.search({ collection_name: name, data: vec(7), limit: 100, partition_names: [p] });
      const namedQuery = await client.query({
        collection_name: name,
        filter: 'id >= 0',
        output_fields: ['id'],
        limit: 1000,
        partition_names: [p],
      });
      if (loaded.includes(p)) {
        expect(sorted(named.results.map((r: any) => Number(r.id)))).toEqual(idsOf(p));
        expect(sorted(namedQuery.data.map((r: any) => Number(r.id)))).toEqual(idsOf(p));
      } else {
        for (const res of [named, namedQuery])
          expect(res.status).toMatchObject({ ...NOT_LOADED, reason: `partition not loaded[partition=${p}]` });
      }
    }
    // A loaded and an unloaded partition together: the unloaded one fails the request.
    const unloaded = PARTITIONS.find((p) => !loaded.includes(p))!;
    const mixed = await client.search({ collection_name: name, data: vec(7), limit: 100, partition_names: [loaded[0]!, unloaded] });
    expect(mixed.status).toMatchObject(NOT_LOADED);

    if (!cluster) return;
    // The readers hold exactly the loaded partitions' sealed segments, once placement settles.
    const wantedPartitions = new Set(loaded.map((p) => partitionIds.get(p)!));
    let last: unknown;
    await waitUntil(`the readers hold exactly the sealed segments of ${loaded.join(', ')}`, async () => {
      const sealed = await sealedByPartition(name);
      const expected = sorted([...wantedPartitions].flatMap((id) => sealed.get(id) ?? []));
      const held = await readerHoldings(name);
      last = { expected, held: held.segments };
      return (
        expected.length === 3 * loaded.length &&
        JSON.stringify(held.segments) === JSON.stringify(expected) &&
        [...held.partitions].every((id) => wantedPartitions.has(id))
      );
    }).catch((e) => {
      throw new Error(`${(e as Error).message}: ${JSON.stringify(last)}`);
    });
  }

  it('loads and releases exactly the named partitions', async () => {
    const name = 'parts';
    await createCollection(name);
    for (const p of PARTITIONS) {
      const ids = idsOf(p);
      // Three inserts of SEAL rows seal three segments; after the flush GROWING rows stay growing.
      for (let b = 0; b < 3; b++) {
        const batch = ids.slice(b * SEAL, (b + 1) * SEAL).map((id) => ({ id, v: vec(id) }));
        expect((await client.insert({ collection_name: name, partition_name: p, data: batch })).status.error_code).toBe('Success');
      }
    }
    await client.flushSync({ collection_names: [name] });
    for (const p of PARTITIONS) {
      const growing = idsOf(p)
        .slice(3 * SEAL)
        .map((id) => ({ id, v: vec(id) }));
      expect((await client.insert({ collection_name: name, partition_name: p, data: growing })).status.error_code).toBe('Success');
    }
    await expectLoaded(name, []);

    expect((await client.loadPartitions({ collection_name: name, partition_names: ['p1'] })).error_code).toBe('Success');
    await expectLoaded(name, ['p1']);

    expect((await client.loadPartitions({ collection_name: name, partition_names: ['p2'] })).error_code).toBe('Success');
    await expectLoaded(name, ['p1', 'p2']);

    expect((await client.releasePartitions({ collection_name: name, partition_names: ['p1'] })).error_code).toBe('Success');
    await expectLoaded(name, ['p2']);
  });

  it('loads a partition created after LoadCollection, and not one created after LoadPartitions', async () => {
    const whole = 'whole';
    await createCollection(whole);
    await client.loadCollectionSync({ collection_name: whole });
    expect((await client.createPartition({ collection_name: whole, partition_name: 'later' })).error_code).toBe('Success');
    expect((await client.getLoadState({ collection_name: whole, partition_names: ['later'] })).state).toBe('LoadStateLoaded');
    expect((await client.insert({ collection_name: whole, partition_name: 'later', data: [{ id: 1, v: vec(1) }] })).status.error_code).toBe(
      'Success',
    );
    const found = await client.query({ collection_name: whole, filter: 'id == 1', output_fields: ['id'] });
    expect(found.data.map((r: any) => Number(r.id))).toEqual([1]);
    // Releasing some partitions keeps the collection loaded as a whole: new partitions still load.
    expect((await client.releasePartitions({ collection_name: whole, partition_names: ['p1', 'later'] })).error_code).toBe('Success');
    expect((await client.createPartition({ collection_name: whole, partition_name: 'later2' })).error_code).toBe('Success');
    expect((await client.getLoadState({ collection_name: whole, partition_names: ['later2'] })).state).toBe('LoadStateLoaded');

    const some = 'some';
    await createCollection(some);
    await client.loadPartitionsSync({ collection_name: some, partition_names: ['p1'] });
    expect((await client.createPartition({ collection_name: some, partition_name: 'later' })).error_code).toBe('Success');
    expect((await client.getLoadState({ collection_name: some, partition_names: ['later'] })).state).toBe('LoadStateNotLoad');
    // LoadCollection after LoadPartitions loads the rest, and partitions created from then on.
    await client.loadCollectionSync({ collection_name: some });
    expect((await client.getLoadState({ collection_name: some, partition_names: [...PARTITIONS, 'later'] })).state).toBe('LoadStateLoaded');
  });

  it('releases the collection with its last loaded partition, and refuses to drop a loaded partition', async () => {
    const name = 'last';
    await createCollection(name);
    await client.loadPartitionsSync({ collection_name: name, partition_names: ['p1', 'p2'] });
    const drop = await client.dropPartition({ collection_name: name, partition_name: 'p1' });
    expect(drop).toMatchObject({
      error_code: 'IllegalArgument',
      code: 1100,
      reason: 'partition cannot be dropped, partition is loaded, please release it first',
    });
    const dropIndex = await client.dropIndex({ collection_name: name, field_name: 'v' });
    expect(dropIndex.error_code).toBe('IllegalArgument');

    expect((await client.releasePartitions({ collection_name: name, partition_names: ['p1', 'p2'] })).error_code).toBe('Success');
    expect((await client.getLoadState({ collection_name: name })).state).toBe('LoadStateNotLoad');
    // Released whole: a new partition does not start loaded.
    expect((await client.createPartition({ collection_name: name, partition_name: 'later' })).error_code).toBe('Success');
    expect((await client.getLoadState({ collection_name: name, partition_names: ['later'] })).state).toBe('LoadStateNotLoad');
    expect((await client.dropPartition({ collection_name: name, partition_name: 'p1' })).error_code).toBe('Success');

    // Unknown partitions are refused by name; nothing changes.
    const unknown = await client.loadPartitions({ collection_name: name, partition_names: ['p2', 'nope'] });
    expect(unknown).toMatchObject({ code: 200, reason: 'partition not found[partition=nope]' });
    expect((await client.getLoadState({ collection_name: name })).state).toBe('LoadStateNotLoad');
    expect((await client.releasePartitions({ collection_name: name, partition_names: ['nope'] })).code).toBe(200);
    expect((await client.getLoadState({ collection_name: name, partition_names: ['nope'] })).status.code).toBe(200);
  });

  // REST is the coordinator's: against the writer alone there is none.
  if (cluster)
    it('answers the REST partition load, release and load state calls the same way', async () => {
      const name = 'rest_parts';
      await createCollection(name);
      const post = async (path: string, body: object) =>
        (
          await fetch(`http://${server.addresses.http}/v2/vectordb/${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ collectionName: name, ...body }),
          })
        ).json();
      expect(await post('partitions/load', { partitionNames: ['p3'] })).toEqual({ code: 0, data: {} });
      expect(await post('collections/get_load_state', {})).toEqual({ code: 0, data: { loadState: 'LoadStateLoaded', loadProgress: 100 } });
      expect(await post('collections/get_load_state', { partitionNames: ['p3'] })).toEqual({
        code: 0,
        data: { loadState: 'LoadStateLoaded', loadProgress: 100 },
      });
      expect(await post('collections/get_load_state', { partitionNames: ['p1', 'p3'] })).toEqual({
        code: 0,
        data: { loadState: 'LoadStateNotLoad' },
      });
      expect(await post('entities/search', { data: [vec(1)], partitionNames: ['p1'] })).toEqual({
        code: 201,
        message: 'partition not loaded[partition=p1]',
      });
      expect(await post('entities/query', { filter: 'id >= 0', partitionNames: ['p1'] })).toEqual({
        code: 201,
        message: 'partition not loaded[partition=p1]',
      });
      expect(await post('partitions/release', { partitionNames: ['p3'] })).toEqual({ code: 0, data: {} });
      expect(await post('collections/get_load_state', {})).toEqual({ code: 0, data: { loadState: 'LoadStateNotLoad' } });
      expect(await post('entities/search', { data: [vec(1)] })).toMatchObject({ code: 101 });
    });
});

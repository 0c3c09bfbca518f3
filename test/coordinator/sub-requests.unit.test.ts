import { ROOT_CONTEXT } from '@opentelemetry/api';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { MetadataCache } from '../../cluster/metadata-cache.js';
import { Coordinator } from '../../ext-proc/coordinator/coordinator.js';
import { CoordinatorMetrics } from '../../ext-proc/coordinator/coordinator-metrics.js';
import { HEDGE_MAX_COST, type CallContext, type Fanout, type ReplicaSet } from '../../ext-proc/coordinator/fanout.js';
import type { GroupTarget, Placement } from '../../ext-proc/coordinator/placement.js';
import type { CollectionView } from '../../meta/collection-view.js';
import { encodeQueryVectors } from '../../milvus/placeholder.js';
import { DEFAULT_REQUEST_LIMITS } from '../../milvus/request-limits.js';
import { MilvusError } from '../../milvus/status.js';
import { keyVectorSchema } from '../harness/schemas.js';

/**
 * What the coordinator hands the fan-out for each sub-request: its estimated cost, which
 * decides whether it is hedged (searches and queries alike), and whether it is sent at all
 * when a reader group would refuse its results.
 */
const schema = keyVectorSchema('c', 32);
const MIB = 2 ** 20;

/** Ten segments of 100,000 rows, five per reader group. */
const view: CollectionView = {
  record: { id: 1, dbId: 1, name: 'c', schema, shardsNum: 1, consistencyLevel: 3, properties: {}, loadNewPartitions: true, createdAt: 0 },
  partitions: [{ id: 1, collectionId: 1, name: '_default', createdAt: 0, loaded: true }],
  indexes: [{ id: 1, collectionId: 1, fieldName: 'v', indexName: 'v', indexType: 'HNSW', metricType: 'L2', params: {}, createdAt: 0 }],
  segments: Array.from({ length: 10 }, (_, i) => ({ id: i + 1, partitionId: 1, rows: 100_000, state: 'sealed' as const })),
  unsealedRows: false,
};

const groups = (resultMemoryLimit: number): GroupTarget[] => [
  { group: 'ga', segmentIds: [1, 2, 3, 4, 5], replicas: ['a1', 'a2'], resultMemoryLimit },
  { group: 'gb', segmentIds: [6, 7, 8, 9, 10], replicas: ['b1', 'b2'], resultMemoryLimit },
];

/** Stops the request once its sub-requests are out: they are what the tests look at. */
const SENT = new MilvusError(1, 'sub-requests recorded');

function rig(resultMemoryLimit = Infinity) {
  const sent: { set: string; cost: number | undefined }[] = [];
  const cache = { get: () => view, resolve: () => view, has: () => true, catchUp: async () => {} } as unknown as MetadataCache;
  const placement = { targets: () => ({ groups: groups(resultMemoryLimit), toWriter: [] }) } as unknown as Placement;
  const fanout = {
    call: async (set: ReplicaSet, _method: string, _request: object, _ctx: CallContext, _metadata: unknown, cost?: number) => {
      sent.push({ set: set.name, cost });
      throw SENT;
    },
  } as unknown as Fanout;
  const metrics = new CoordinatorMetrics(new Registry(), { hits: 0, misses: 0 });
  const coordinator = new Coordinator(cache, placement, fanout, 'writer:1', metrics, DEFAULT_REQUEST_LIMITS);
  const ctx: CallContext = { deadline: Date.now() + 10_000, signal: new AbortController().signal, trace: ROOT_CONTEXT };
  return { coordinator, ctx, sent };
}

const vectors = (nq: number) => Array.from({ length: nq }, (_, i) => Array.from({ length: 32 }, (_, j) => Math.cos(i + j)));
const search = (nq: number, topk: number) => ({
  db_name: 'default',
  collection_name: 'c',
  nq: String(nq),
  placeholder_group: encodeQueryVectors(vectors(nq)),
  output_fields: ['id'],
  search_params: [{ key: 'topk', value: String(topk) }],
});
const query = (expr: string) => ({
  db_name: 'default',
  collection_name: 'c',
  expr,
  output_fields: ['id'],
  query_params: [{ key: 'limit', value: '10' }],
});

describe('sub-request costs', () => {
  it('gives a query its cost by the rows it visits: a filter over every row is not hedged, a key lookup is', async () => {
    const scan = rig();
    await expect(scan.coordinator.query(query('id > 0'), scan.ctx)).rejects.toBe(SENT);
    // 500,000 rows per group, 64 each.
    expect(scan.sent).toEqual([
      { set: 'ga', cost: 500_000 * 64 },
      { set: 'gb', cost: 500_000 * 64 },
    ]);
    expect(scan.sent.every((s) => s.cost! > HEDGE_MAX_COST)).toBe(true);

    const lookup = rig();
    await expect(lookup.coordinator.query(query('id in [1, 2, 3]'), lookup.ctx)).rejects.toBe(SENT);
    // Three keys in each of five segments.
    expect(lookup.sent.map((s) => s.cost)).toEqual([15 * 64, 15 * 64]);
  });

  it('gives a search its cost by its shape: nq x topk x segments x dim', async () => {
    const { coordinator, ctx, sent } = rig();
    await expect(coordinator.search(search(2, 10), ctx)).rejects.toBe(SENT);
    expect(sent.map((s) => s.cost)).toEqual([2 * 10 * 5 * 32, 2 * 10 * 5 * 32]);
  });
});

describe("reader groups' result memory", () => {
  it('refuses a search whose results a group would not hold, without sending anything', async () => {
    const { coordinator, ctx, sent } = rig(64 * MIB);
    const err = await coordinator.search(search(1000, 1000), ctx).catch((e) => e);
    expect([err.code, err.errorCode]).toEqual([1100, 'IllegalArgument']);
    expect(err.message).toMatch(/on each replica of reader group ga, more than the 64 MiB granted to expensive requests there/);
    expect(sent).toEqual([]);
  });

  it('sends one within the limit', async () => {
    const { coordinator, ctx, sent } = rig(64 * MIB);
    await expect(coordinator.search(search(10, 100), ctx)).rejects.toBe(SENT);
    expect(sent.map((s) => s.set)).toEqual(['ga', 'gb']);
  });
});

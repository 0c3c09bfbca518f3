import { ROOT_CONTEXT } from '@opentelemetry/api';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { MetadataCache } from '../../cluster/metadata-cache.js';
import { Coordinator } from '../../ext-proc/coordinator/coordinator.js';
import { CoordinatorMetrics } from '../../ext-proc/coordinator/coordinator-metrics.js';
import type { CallContext, Fanout } from '../../ext-proc/coordinator/fanout.js';
import type { Placement } from '../../ext-proc/coordinator/placement.js';
import type { CollectionView } from '../../meta/collection-view.js';
import { encodeQueryVectors } from '../../milvus/placeholder.js';
import { DEFAULT_REQUEST_LIMITS } from '../../milvus/request-limits.js';
import { Code, MilvusError } from '../../milvus/status.js';
import { keyVectorSchema } from '../harness/schemas.js';

/**
 * A collection dropped while the coordinator's sub-requests are out: the nodes answer what
 * they make of it (segments not loaded, collection not found), and the client gets what a
 * request after the drop gets, "collection not found" (100, CollectionNotExists).
 */
const schema = keyVectorSchema('doomed', 2);

const view = (id: number): CollectionView => ({
  record: { id, dbId: 1, name: 'doomed', schema, shardsNum: 1, consistencyLevel: 0, properties: {}, loadNewPartitions: true, createdAt: 0 },
  partitions: [{ id: 1, collectionId: id, name: '_default', createdAt: 0, loaded: true }],
  indexes: [{ id: 1, collectionId: id, fieldName: 'v', indexName: 'v', indexType: 'FLAT', metricType: 'L2', params: {}, createdAt: 0 }],
  segments: [{ id: 7, partitionId: 1, rows: 10, state: 'sealed' }],
  unsealedRows: false,
});

/** A coordinator over one reader group whose only sub-request runs `onCall`; the cache holds `current`. */
function rig(onCall: (cache: { current: CollectionView | undefined }) => Promise<never>) {
  const state = { current: view(1) as CollectionView | undefined };
  const cache = {
    resolve: () => state.current,
    has: (id: number) => state.current?.record.id === id,
    catchUp: async () => {},
  } as unknown as MetadataCache;
  const placement = {
    targets: () => ({ groups: [{ group: 'g1', segmentIds: [7], replicas: ['r1'] }], toWriter: [] }),
  } as unknown as Placement;
  const fanout = { call: () => onCall(state) } as unknown as Fanout;
  const metrics = new CoordinatorMetrics(new Registry(), { hits: 0, misses: 0 });
  const coordinator = new Coordinator(cache, placement, fanout, 'writer:1', metrics, DEFAULT_REQUEST_LIMITS);
  const ctx: CallContext = { deadline: Date.now() + 10_000, signal: new AbortController().signal, trace: ROOT_CONTEXT };
  return { coordinator, ctx };
}

const search = {
  db_name: 'default',
  collection_name: 'doomed',
  nq: '1',
  placeholder_group: encodeQueryVectors([[1, 0]]),
  search_params: [{ key: 'topk', value: '3' }],
};
const query = { db_name: 'default', collection_name: 'doomed', expr: 'id > 0', query_params: [{ key: 'limit', value: '3' }] };
const groupGone = new MilvusError(Code.ServiceUnavailable, 'reader group g1 is unavailable: r1: segments not loaded on this node: 7', true);
const writerForgot = new MilvusError(Code.CollectionNotFound, 'collection not found[collection=doomed]');

describe('a collection dropped while its sub-requests are out', () => {
  it.each([
    ['a reader no longer holds its segments', groupGone],
    ['a node fails in its own way', new Error('index closed')],
    ['the writer no longer knows it', writerForgot],
  ])('answers collection not found when %s', async (_what, failure) => {
    const drop = (cache: { current: CollectionView | undefined }) => {
      cache.current = undefined;
      return Promise.reject(failure);
    };
    for (const run of [
      (c: Coordinator, ctx: CallContext) => c.search(search, ctx),
      (c: Coordinator, ctx: CallContext) => c.query(query, ctx),
    ]) {
      const { coordinator, ctx } = rig(drop);
      const err = await run(coordinator, ctx).catch((e) => e);
      expect(err).toBeInstanceOf(MilvusError);
      expect([err.code, err.errorCode, err.message]).toEqual([100, 'CollectionNotExists', 'collection not found[collection=doomed]']);
    }
  });

  it('answers collection not found when it was dropped and created again under the same name', async () => {
    const { coordinator, ctx } = rig((cache) => {
      cache.current = view(2);
      return Promise.reject(groupGone);
    });
    const err = await coordinator.search(search, ctx).catch((e) => e);
    expect([err.code, err.errorCode]).toEqual([100, 'CollectionNotExists']);
  });

  it('keeps the failure when the collection is still there', async () => {
    const { coordinator, ctx } = rig(() => Promise.reject(groupGone));
    const err = await coordinator.search(search, ctx).catch((e) => e);
    expect(err).toBe(groupGone);
  });
});

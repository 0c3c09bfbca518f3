import { isVectorType } from '../../../core/schema.js';
import { refuseInPartitionKeyMode } from '../../../milvus/partition-key.js';
import { loadedNamedPartitions, namedPartitions } from '../../../milvus/search-request.js';
import { unindexedVectorFields } from '../../../milvus/scalar-indexes.js';
import { indexNotFound, invalidParameter } from '../../../milvus/status.js';
import type { CollectionState } from '../collection-state.js';
import type { Handlers, WriterApi } from './context.js';

/** The named partitions (at least one, as Milvus requires for partition load and release). */
function partitionsToChange(c: CollectionState, names: string[] | undefined, emptyMessage: string): number[] {
  if (!names?.length) throw invalidParameter(emptyMessage);
  return namedPartitions(c.partitions.values(), names).map((p) => p.id);
}

/**
 * Refuses to load a collection with a vector field that has no index, BM25 outputs included,
 * as Milvus does; with no vector index at all, the index is not found.
 */
function checkIndexed(c: CollectionState, collectionName: string): void {
  const unindexed = unindexedVectorFields(c.indexes, c.schema);
  if (unindexed.length === c.schema.fields.filter((f) => isVectorType(f.dataType)).length) throw indexNotFound(collectionName);
  if (unindexed.length) throw invalidParameter(`there is no vector index on field: [${unindexed.join(' ')}], please create index firstly`);
}

/** Load state, per partition (see meta/load-state.ts): load, release, progress. */
type LoadMethod = 'LoadCollection' | 'LoadPartitions' | 'ReleaseCollection' | 'ReleasePartitions' | 'GetLoadingProgress' | 'GetLoadState';

export function loadHandlers(api: WriterApi): Handlers<LoadMethod> {
  const { writer } = api;
  return {
    async LoadCollection(req) {
      const c = api.collection(req.db_name, req.collection_name);
      checkIndexed(c, req.collection_name);
      await writer.changeLoadState(c, { action: 'load', partitionIds: 'all' });
      return {};
    },
    async LoadPartitions(req) {
      const c = api.collection(req.db_name, req.collection_name);
      refuseInPartitionKeyMode(c.schema, 'LoadPartitions');
      checkIndexed(c, req.collection_name);
      const ids = partitionsToChange(c, req.partition_names, 'failed to load partition, due to no partition specified');
      await writer.changeLoadState(c, { action: 'load', partitionIds: ids });
      return {};
    },
    async ReleaseCollection(req) {
      await writer.changeLoadState(api.collection(req.db_name, req.collection_name), { action: 'release', partitionIds: 'all' });
      return {};
    },
    async ReleasePartitions(req) {
      const c = api.collection(req.db_name, req.collection_name);
      refuseInPartitionKeyMode(c.schema, 'ReleasePartitions');
      const ids = partitionsToChange(c, req.partition_names, 'invalid parameter[expected=any partition][actual=empty partition list]');
      await writer.changeLoadState(c, { action: 'release', partitionIds: ids });
      return {};
    },
    async GetLoadingProgress(req) {
      const c = api.collection(req.db_name, req.collection_name);
      // Loading completes with the request. Named partitions must be loaded, as in Milvus.
      if (req.partition_names?.length) loadedNamedPartitions(c.partitions.values(), req.partition_names);
      const progress = req.partition_names?.length || c.isLoaded() ? '100' : '0';
      return { progress, refresh_progress: progress };
    },
    async GetLoadState(req) {
      const c = api.collection(req.db_name, req.collection_name);
      const loaded = req.partition_names?.length
        ? namedPartitions(c.partitions.values(), req.partition_names).every((p) => p.loaded)
        : c.isLoaded();
      return { state: loaded ? 'LoadStateLoaded' : 'LoadStateNotLoad' };
    },
  };
}

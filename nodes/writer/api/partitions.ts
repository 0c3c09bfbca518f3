import type { MilvusRequest } from '../../../milvus/methods.js';
import { DEFAULT_PARTITION, refuseInPartitionKeyMode } from '../../../milvus/partition-key.js';
import { validateName } from '../../../milvus/names.js';
import { loadedNamedPartitions, partitionScope } from '../../../milvus/search-request.js';
import { invalidParameter, partitionNotFound } from '../../../milvus/status.js';
import { hybridTs } from '../../../milvus/timestamps.js';
import type { CollectionState } from '../collection-state.js';
import type { Handlers, WriterApi } from './context.js';

/**
 * ShowPartitions' partitions: all of them; with type InMemory (the SDK's
 * ShowPartitionsType.Loaded) the loaded ones, or the named ones if each is loaded, as Milvus
 * answers it.
 */
function shownPartitions(c: CollectionState, req: MilvusRequest<'ShowPartitions'>) {
  if (req.type !== 'InMemory') return [...c.partitions.values()];
  if (req.partition_names?.length) return loadedNamedPartitions(c.partitions.values(), req.partition_names);
  return [...c.partitions.values()].filter((p) => p.loaded);
}

/** Partitions: create, list, drop, statistics (none created or dropped by hand in partition-key mode). */
export function partitionHandlers(
  api: WriterApi,
): Handlers<'CreatePartition' | 'HasPartition' | 'ShowPartitions' | 'DropPartition' | 'GetPartitionStatistics'> {
  const { writer } = api;
  return {
    async CreatePartition(req) {
      const c = api.collection(req.db_name, req.collection_name);
      refuseInPartitionKeyMode(c.schema, 'CreatePartition');
      validateName('partition name', req.partition_name);
      if (c.partitions.has(req.partition_name)) throw invalidParameter(`partition ${req.partition_name} already exists`);
      await writer.createPartition(c, req.partition_name);
      return {};
    },
    async HasPartition(req) {
      return { value: api.collection(req.db_name, req.collection_name).partitions.has(req.partition_name) };
    },
    async ShowPartitions(req) {
      const c = api.collection(req.db_name, req.collection_name);
      const parts = shownPartitions(c, req);
      return {
        partition_names: parts.map((p) => p.name),
        partitionIDs: parts.map((p) => String(p.id)),
        created_timestamps: parts.map((p) => hybridTs(p.createdAt)),
        created_utc_timestamps: parts.map((p) => String(p.createdAt)),
        inMemory_percentages: parts.map((p) => (p.loaded ? '100' : '0')),
      };
    },
    async DropPartition(req) {
      const c = api.collection(req.db_name, req.collection_name);
      refuseInPartitionKeyMode(c.schema, 'DropPartition');
      if (req.partition_name === DEFAULT_PARTITION) throw invalidParameter('default partition cannot be deleted');
      const partition = c.partitions.get(req.partition_name);
      if (!partition) throw partitionNotFound(req.partition_name);
      if (partition.loaded) throw invalidParameter('partition cannot be dropped, partition is loaded, please release it first');
      await writer.dropPartition(c, req.partition_name);
      return {};
    },
    async GetPartitionStatistics(req) {
      const c = api.collection(req.db_name, req.collection_name);
      return {
        stats: [{ key: 'row_count', value: String(writer.rowCount(c, partitionScope(c.partitions.values(), [req.partition_name]))) }],
      };
    },
  };
}

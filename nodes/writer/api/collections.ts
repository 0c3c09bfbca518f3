import { MetaConflictError } from '../../../meta/errors.js';
import { ConsistencyLevel, consistencyLevelName, consistencyLevelNumber } from '../../../milvus/consistency.js';
import { keyValueMap } from '../../../milvus/key-values.js';
import type { MilvusResponse } from '../../../milvus/methods.js';
import { initialPartitionNames } from '../../../milvus/partition-key.js';
import { decodeCollectionSchema, encodeCollectionSchema, validateName } from '../../../milvus/schema-codec.js';
import { collectionNotFound, collectionNotLoaded, invalidParameter, successStatus } from '../../../milvus/status.js';
import { hybridTs } from '../../../milvus/timestamps.js';
import type { CollectionState } from '../collection-state.js';
import { DEFAULT_DB, type Handlers, type WriterApi } from './context.js';

function describeCollection(c: CollectionState): MilvusResponse<'DescribeCollection'> {
  const created = c.record.createdAt;
  return {
    schema: encodeCollectionSchema(c.schema),
    collectionID: String(c.id),
    virtual_channel_names: [`mishards-dml_${c.id}_v0`],
    physical_channel_names: ['mishards-dml_0'],
    created_timestamp: hybridTs(created),
    created_utc_timestamp: String(created),
    shards_num: c.record.shardsNum,
    aliases: [],
    start_positions: [],
    consistency_level: consistencyLevelName(c.record.consistencyLevel) ?? 'Bounded',
    collection_name: c.record.name,
    properties: Object.entries(c.record.properties).map(([key, value]) => ({ key, value })),
    db_name: DEFAULT_DB.name,
    num_partitions: String(c.partitions.size),
    update_timestamp: hybridTs(created),
    update_timestamp_str: hybridTs(created),
  };
}

/** Collections: create, describe, list, drop, statistics. */
type CollectionMethod =
  | 'CreateCollection'
  | 'DescribeCollection'
  | 'BatchDescribeCollection'
  | 'HasCollection'
  | 'ShowCollections'
  | 'ListAliases'
  | 'DropCollection'
  | 'GetCollectionStatistics';

export function collectionHandlers(api: WriterApi): Handlers<CollectionMethod> {
  const { writer } = api;
  /**
   * The collections ShowCollections lists: every one, or with InMemory (the SDK's Loaded) the
   * loaded ones; named ones with InMemory are those only, each of which must exist and be
   * loaded, as Milvus answers.
   */
  const showCollections = (type: string, names: string[]): CollectionState[] => {
    if (type !== 'InMemory') return [...writer.collections.values()];
    if (!names.length) return [...writer.collections.values()].filter((c) => c.isLoaded());
    return names.map((name) => {
      const c = api.collection(name);
      if (!c.isLoaded()) throw collectionNotLoaded(name);
      return c;
    });
  };
  return {
    async CreateCollection(req) {
      validateName('collection', req.collection_name);
      const schema = decodeCollectionSchema(req.schema ?? Buffer.alloc(0), req.collection_name);
      if (writer.collections.has(schema.name)) throw invalidParameter(`collection ${schema.name} already exists`);
      // A missing or unknown level is Strong, the enum's zero value.
      const level = consistencyLevelNumber(req.consistency_level) ?? ConsistencyLevel.Strong;
      const props = Object.fromEntries(keyValueMap(req.properties));
      const partitions = initialPartitionNames(schema, Number(req.num_partitions ?? 0));
      try {
        await writer.createCollection(schema, Number(req.shards_num) || 1, level, props, partitions);
      } catch (e) {
        if (e instanceof MetaConflictError) throw invalidParameter(`collection ${schema.name} already exists`);
        throw e;
      }
      return {};
    },
    async DescribeCollection(req) {
      return describeCollection(api.collection(req.collection_name));
    },
    async BatchDescribeCollection(req) {
      const byId = new Map([...writer.collections.values()].map((c) => [String(c.id), c]));
      const wanted: CollectionState[] = (req.collection_name ?? []).map((name: string) => api.collection(name));
      for (const id of req.collectionID ?? []) {
        const c = byId.get(String(id));
        if (!c) throw collectionNotFound(String(id));
        wanted.push(c);
      }
      return { responses: wanted.map((c) => ({ status: successStatus(), ...describeCollection(c) })) };
    },
    async HasCollection(req) {
      return { value: writer.collections.has(req.collection_name) };
    },
    async ShowCollections(req) {
      const all = showCollections(req.type, req.collection_names ?? []);
      return {
        collection_names: all.map((c) => c.record.name),
        collection_ids: all.map((c) => String(c.id)),
        created_timestamps: all.map((c) => hybridTs(c.record.createdAt)),
        created_utc_timestamps: all.map((c) => String(c.record.createdAt)),
        inMemory_percentages: all.map((c) => (c.isLoaded() ? '100' : '0')),
        query_service_available: all.map((c) => c.isLoaded()),
        shards_num: all.map((c) => c.record.shardsNum),
      };
    },
    async ListAliases(req) {
      // Aliases cannot be created here (CreateAlias is not supported): every collection has none.
      if (req.collection_name) api.collection(req.collection_name);
      return { db_name: DEFAULT_DB.name, collection_name: req.collection_name, aliases: [] };
    },
    async DropCollection(req) {
      const c = writer.collections.get(req.collection_name);
      if (c) await writer.dropCollection(c);
      return {};
    },
    async GetCollectionStatistics(req) {
      const c = api.collection(req.collection_name);
      return { stats: [{ key: 'row_count', value: String(writer.rowCount(c)) }] };
    },
  };
}

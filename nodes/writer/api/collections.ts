import { MetaConflictError } from '../../../meta/errors.js';
import { validateProperties } from '../../../milvus/collection-properties.js';
import { ConsistencyLevel, consistencyLevelName, consistencyLevelNumber } from '../../../milvus/consistency.js';
import { keyValueMap } from '../../../milvus/key-values.js';
import type { MilvusResponse } from '../../../milvus/methods.js';
import { initialPartitionNames } from '../../../milvus/partition-key.js';
import { DML_CHANNEL_PREFIX, dmlChannel } from '../../../milvus/resource-groups.js';
import { decodeCollectionSchema, encodeCollectionSchema } from '../../../milvus/schema-codec.js';
import {
  collectionNotFound,
  collectionNotFoundIn,
  collectionNotLoaded,
  invalidParameter,
  successStatus,
  unexpected,
} from '../../../milvus/status.js';
import { hybridTs } from '../../../milvus/timestamps.js';
import type { CollectionState } from '../collection-state.js';
import type { Writer } from '../writer.js';
import { DEFAULT_DB, type Handlers, type WriterApi } from './context.js';

function describeCollection(writer: Writer, c: CollectionState): MilvusResponse<'DescribeCollection'> {
  const created = c.record.createdAt;
  return {
    schema: encodeCollectionSchema(c.schema),
    collectionID: String(c.id),
    virtual_channel_names: [dmlChannel(c.id)],
    physical_channel_names: [`${DML_CHANNEL_PREFIX}_0`],
    created_timestamp: hybridTs(created),
    created_utc_timestamp: String(created),
    shards_num: c.record.shardsNum,
    aliases: writer.aliasesOf(c),
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

/** Collections: create, describe, list, rename, truncate, drop, statistics. */
type CollectionMethod =
  | 'CreateCollection'
  | 'DescribeCollection'
  | 'BatchDescribeCollection'
  | 'HasCollection'
  | 'ShowCollections'
  | 'RenameCollection'
  | 'TruncateCollection'
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
    CreateCollection: (req) =>
      writer.definitionChange(async () => {
        const schema = decodeCollectionSchema(req.schema ?? Buffer.alloc(0), req.collection_name);
        if (writer.aliases.has(schema.name))
          throw unexpected(`collection name [${schema.name}] conflicts with an existing alias, please choose a unique name`);
        if (writer.collections.has(schema.name)) throw invalidParameter(`collection ${schema.name} already exists`);
        // A missing or unknown level is Strong, the enum's zero value.
        const level = consistencyLevelNumber(req.consistency_level) ?? ConsistencyLevel.Strong;
        const props = Object.fromEntries(keyValueMap(req.properties));
        validateProperties(props);
        const partitions = initialPartitionNames(schema, Number(req.num_partitions ?? 0));
        try {
          await writer.createCollection(schema, Number(req.shards_num) || 1, level, props, partitions);
        } catch (e) {
          if (e instanceof MetaConflictError) throw invalidParameter(`collection ${schema.name} already exists`);
          throw e;
        }
        return {};
      }),
    async DescribeCollection(req) {
      return describeCollection(writer, api.collection(req.collection_name));
    },
    async BatchDescribeCollection(req) {
      const byId = new Map([...writer.collections.values()].map((c) => [String(c.id), c]));
      const wanted: CollectionState[] = (req.collection_name ?? []).map((name: string) => api.collection(name));
      for (const id of req.collectionID ?? []) {
        const c = byId.get(String(id));
        if (!c) throw collectionNotFound(String(id));
        wanted.push(c);
      }
      return { responses: wanted.map((c) => ({ status: successStatus(), ...describeCollection(writer, c) })) };
    },
    async HasCollection(req) {
      return { value: writer.resolve(req.collection_name) !== undefined };
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
    // As Milvus's rootcoord: not through an alias, not while aliases name it; a name that
    // names nothing is already dropped.
    DropCollection: (req) =>
      writer.definitionChange(async () => {
        const name = req.collection_name;
        if (writer.aliases.has(name)) throw unexpected(`cannot drop the collection via alias = ${name}`);
        const c = writer.collections.get(name);
        if (!c) return {};
        const aliases = writer.aliasesOf(c);
        if (aliases.length) {
          throw unexpected(
            `unable to drop the collection [${name}] because it has associated aliases [${aliases.join(' ')}], please remove all aliases before dropping the collection`,
          );
        }
        await writer.dropCollection(c);
        return {};
      }),
    // Milvus 2.5's checks, in its order and words (rootcoord's renameCollectionTask).
    RenameCollection: (req) =>
      writer.definitionChange(async () => {
        const { oldName, newName } = req;
        if (!oldName) throw invalidParameter('old collection name should not be empty');
        if (!newName) throw invalidParameter('new collection name should not be empty');
        const targetDb = req.newDBName || req.db_name || DEFAULT_DB.name;
        if (targetDb !== DEFAULT_DB.name) throw unexpected(`target database:${targetDb} not found`);
        if (oldName === newName) throw invalidParameter('collection name or database name should be different');
        if (writer.aliases.has(oldName)) throw unexpected(`unsupported use an alias to rename collection, alias:${oldName}`);
        if (writer.aliases.has(newName)) throw unexpected(`cannot rename collection to an existing alias: ${newName}`);
        if (writer.collections.has(newName))
          throw unexpected(`duplicated new collection name ${targetDb}:${newName} with other collection name or alias`);
        const c = writer.collections.get(oldName);
        if (!c) throw collectionNotFoundIn(DEFAULT_DB.name, oldName);
        await writer.renameCollection(c, newName);
        return {};
      }),
    // Through an alias too, as Milvus resolves the name.
    TruncateCollection: (req) =>
      writer.definitionChange(async () => {
        await writer.truncateCollection(api.collection(req.collection_name));
        return {};
      }),
    async GetCollectionStatistics(req) {
      const c = api.collection(req.collection_name);
      return { stats: [{ key: 'row_count', value: String(writer.rowCount(c)) }] };
    },
  };
}

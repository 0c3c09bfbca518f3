import { MetaConflictError } from '../../../meta/errors.js';
import { collectionTimezone, validateProperties, withTimezone } from '../../../milvus/collection-properties.js';
import { maxCollections } from '../../../milvus/databases.js';
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
  collectionNumLimitExceeded,
  invalidParameter,
  successStatus,
  unexpected,
} from '../../../milvus/status.js';
import { hybridTs } from '../../../milvus/timestamps.js';
import type { CollectionState } from '../collection-state.js';
import type { DatabaseState } from '../database-state.js';
import type { Writer } from '../writer.js';
import type { Handlers, WriterApi } from './context.js';

function describeCollection(writer: Writer, c: CollectionState): MilvusResponse<'DescribeCollection'> {
  const created = c.record.createdAt;
  const db = writer.databaseOf(c);
  return {
    schema: encodeCollectionSchema(c.schema, collectionTimezone(c.record.properties)),
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
    db_name: db.name,
    db_id: String(db.id),
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

/**
 * A collection more in `db`, within its `database.max.collections`: checked as Milvus's
 * rootcoord checks it, at creation (a rename into the database is not counted, as in Milvus).
 */
function checkRoomFor(db: DatabaseState): void {
  const max = maxCollections(db.record.properties);
  if (max !== undefined && db.collections.size >= max) throw collectionNumLimitExceeded(db.name, max);
}

export function collectionHandlers(api: WriterApi): Handlers<CollectionMethod> {
  const { writer } = api;
  /**
   * The collections of a database ShowCollections lists: every one, or with InMemory (the
   * SDK's Loaded) the loaded ones; named ones with InMemory are those only, each of which must
   * exist and be loaded, as Milvus answers.
   */
  const showCollections = (db: string, type: string, names: string[]): CollectionState[] => {
    const all = [...api.database(db).collections.values()];
    if (type !== 'InMemory') return all;
    if (!names.length) return all.filter((c) => c.isLoaded());
    return names.map((name) => {
      const c = api.collection(db, name);
      if (!c.isLoaded()) throw collectionNotLoaded(name);
      return c;
    });
  };
  return {
    CreateCollection: (req) =>
      writer.definitionChange(async () => {
        const db = api.database(req.db_name);
        const props = withTimezone(Object.fromEntries(keyValueMap(req.properties)), db.record.properties);
        validateProperties(props);
        const schema = decodeCollectionSchema(req.schema ?? Buffer.alloc(0), req.collection_name, collectionTimezone(props));
        checkRoomFor(db);
        if (db.aliases.has(schema.name))
          throw unexpected(`collection name [${schema.name}] conflicts with an existing alias, please choose a unique name`);
        if (db.collections.has(schema.name)) throw invalidParameter(`collection ${schema.name} already exists`);
        // A missing or unknown level is Strong, the enum's zero value.
        const level = consistencyLevelNumber(req.consistency_level) ?? ConsistencyLevel.Strong;
        const partitions = initialPartitionNames(schema, Number(req.num_partitions ?? 0));
        try {
          await writer.createCollection(db, schema, Number(req.shards_num) || 1, level, props, partitions);
        } catch (e) {
          if (e instanceof MetaConflictError) throw invalidParameter(`collection ${schema.name} already exists`);
          throw e;
        }
        return {};
      }),
    async DescribeCollection(req) {
      return describeCollection(writer, api.collection(req.db_name, req.collection_name));
    },
    // Names in the request's database; ids in any (they are unique across databases).
    async BatchDescribeCollection(req) {
      const wanted: CollectionState[] = (req.collection_name ?? []).map((name: string) => api.collection(req.db_name, name));
      for (const id of req.collectionID ?? []) {
        const c = writer.collections.get(Number(id));
        if (!c) throw collectionNotFound(String(id));
        wanted.push(c);
      }
      return { responses: wanted.map((c) => ({ status: successStatus(), ...describeCollection(writer, c) })) };
    },
    // A database that does not exist has no collection, as Milvus's rootcoord answers.
    async HasCollection(req) {
      return { value: writer.databases.get(req.db_name)?.resolve(req.collection_name) !== undefined };
    },
    async ShowCollections(req) {
      const all = showCollections(req.db_name, req.type, req.collection_names ?? []);
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
    // names nothing (in a database that may not exist either) is already dropped.
    DropCollection: (req) =>
      writer.definitionChange(async () => {
        const name = req.collection_name;
        const db = writer.databases.get(req.db_name);
        if (db?.aliases.has(name)) throw unexpected(`cannot drop the collection via alias = ${name}`);
        const c = db?.collections.get(name);
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
    // Milvus 2.5's checks, in its order and words (rootcoord's renameCollectionTask and meta
    // table): the target database is the request's own unless newDBName names another; a
    // collection moves to another database only without aliases.
    RenameCollection: (req) =>
      writer.definitionChange(async () => {
        const { oldName, newName } = req;
        if (!oldName) throw invalidParameter('old collection name should not be empty');
        if (!newName) throw invalidParameter('new collection name should not be empty');
        const targetName = req.newDBName || req.db_name;
        const target = writer.databases.get(targetName);
        if (!target) throw unexpected(`target database:${targetName} not found`);
        if (oldName === newName && targetName === req.db_name)
          throw invalidParameter('collection name or database name should be different');
        const db = writer.databases.get(req.db_name);
        if (db?.aliases.has(oldName)) throw unexpected(`unsupported use an alias to rename collection, alias:${oldName}`);
        if (target.aliases.has(newName)) throw unexpected(`cannot rename collection to an existing alias: ${newName}`);
        if (target.collections.has(newName))
          throw unexpected(`duplicated new collection name ${targetName}:${newName} with other collection name or alias`);
        const c = db?.collections.get(oldName);
        if (!c) throw collectionNotFoundIn(req.db_name, oldName);
        if (target !== db && writer.aliasesOf(c).length)
          throw unexpected('fail to rename db name, must drop all aliases of this collection before rename');
        await writer.renameCollection(c, target, newName);
        return {};
      }),
    // Through an alias too, as Milvus resolves the name.
    TruncateCollection: (req) =>
      writer.definitionChange(async () => {
        await writer.truncateCollection(api.collection(req.db_name, req.collection_name));
        return {};
      }),
    async GetCollectionStatistics(req) {
      const c = api.collection(req.db_name, req.collection_name);
      return { stats: [{ key: 'row_count', value: String(writer.rowCount(c)) }] };
    },
  };
}

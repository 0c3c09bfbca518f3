import { validateTimezoneProperty } from '../../../milvus/collection-properties.js';
import { MetaConflictError } from '../../../meta/errors.js';
import { DEFAULT_DATABASE } from '../../../meta/store.js';
import { databaseNumLimitExceeded, MAX_DATABASES, validateDatabaseName } from '../../../milvus/databases.js';
import { keyValueMap } from '../../../milvus/key-values.js';
import { unexpected } from '../../../milvus/status.js';
import { hybridTs } from '../../../milvus/timestamps.js';
import type { DatabaseState } from '../database-state.js';
import type { Handlers, WriterApi } from './context.js';

const properties = (db: DatabaseState) => Object.entries(db.record.properties).map(([key, value]) => ({ key, value }));

/**
 * Databases, with Milvus 2.5's rules and words (its proxy's name check, rootcoord's tasks and
 * meta table): at most MAX_DATABASES, the default one included; the default database is never
 * dropped; one that still holds a collection is not either; dropping one that does not exist
 * succeeds. Changes run one at a time with every other change of names (Writer.definitionChange).
 */
export function databaseHandlers(
  api: WriterApi,
): Handlers<'CreateDatabase' | 'DropDatabase' | 'ListDatabases' | 'DescribeDatabase' | 'AlterDatabase'> {
  const { writer } = api;
  return {
    CreateDatabase: (req) =>
      writer.definitionChange(async () => {
        validateDatabaseName(req.db_name);
        if (writer.databases.size >= MAX_DATABASES) throw databaseNumLimitExceeded();
        const properties = Object.fromEntries(keyValueMap(req.properties));
        validateTimezoneProperty(properties);
        if (writer.databases.has(req.db_name)) throw unexpected(`database already exist: ${req.db_name}`);
        try {
          await writer.createDatabase(req.db_name, properties);
        } catch (e) {
          // Another writer's (a store shared by mistake): the name is taken all the same.
          if (e instanceof MetaConflictError) throw unexpected(`database already exist: ${req.db_name}`);
          throw e;
        }
        return {};
      }),
    DropDatabase: (req) =>
      writer.definitionChange(async () => {
        validateDatabaseName(req.db_name);
        if (req.db_name === DEFAULT_DATABASE) throw unexpected('can not drop default database');
        const db = writer.databases.get(req.db_name);
        if (!db) return {};
        if (db.collections.size) throw unexpected(`database:${db.name} not empty, must drop all collections before drop database`);
        await writer.dropDatabase(db);
        return {};
      }),
    async ListDatabases() {
      const all = [...writer.databases.values()];
      return {
        db_names: all.map((d) => d.name),
        db_ids: all.map((d) => String(d.id)),
        created_timestamp: all.map((d) => hybridTs(d.record.createdAt)),
      };
    },
    // An empty name is the default database (Milvus's rootcoord reads it so).
    async DescribeDatabase(req) {
      const db = api.database(req.db_name || DEFAULT_DATABASE);
      return { db_name: db.name, dbID: String(db.id), created_timestamp: hybridTs(db.record.createdAt), properties: properties(db) };
    },
    // Properties to set or keys to delete, not both, as Milvus's rootcoord requires.
    AlterDatabase: (req) =>
      writer.definitionChange(async () => {
        if (!req.db_name) throw unexpected('alter database failed, database name does not exists');
        const set = Object.fromEntries(keyValueMap(req.properties));
        const drop: string[] = req.delete_keys ?? [];
        const setting = Object.keys(set).length > 0;
        if (!setting && !drop.length)
          throw unexpected('alter database requires either properties or deletekeys to modify or delete keys, both cannot be empty');
        if (setting && drop.length) throw unexpected('alter database operation cannot modify properties and delete keys at the same time');
        validateTimezoneProperty(set);
        const db = api.database(req.db_name);
        const next = { ...db.record.properties, ...set };
        for (const key of drop) delete next[key];
        await writer.setDatabaseProperties(db, next);
        return {};
      }),
  };
}

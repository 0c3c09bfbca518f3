import type { CollectionSchema } from '../core/schema.js';
import { MetaConflictError, MetaNotFoundError } from './errors.js';
import { fromJson, toJson } from '../core/json.js';
import { addedColumns, rekeyedTables, schemaStatements, type AddedColumn, type Dialect, type RekeyedTable } from './sql-schema.js';
import {
  DEFAULT_DATABASE,
  DEFAULT_DATABASE_ID,
  type AliasRecord,
  type CollectionRecord,
  type DatabaseRecord,
  type GrantRecord,
  type IndexRecord,
  type LoadState,
  type MetaStore,
  type PartitionRecord,
  type PlacedGroup,
  type SecurityRecords,
  type SegmentRecord,
  type UserRecord,
} from './store.js';

export type SqlValue = string | number | null;

/** What the store needs from a connection: both backends accept `?` placeholders. */
export interface SqlRunner {
  /** Rows of a query. */
  all<T>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: SqlValue[]): Promise<number>;
  /** Reserves `count` ids of a counter, creating it if missing; resolves to the first. */
  allocate(counter: string, count: number): Promise<number>;
}

/** A backend: a runner plus transactions, constraint classification and shutdown. */
export interface SqlDriver extends SqlRunner {
  readonly dialect: Dialect;
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /**
   * Runs a change of the schema, in one transaction as far as the backend allows. SQLite runs
   * it in one, with foreign keys enforced only by a check just before the commit (a table
   * rebuild drops a table others refer to). MySQL commits each DDL statement by itself: each
   * statement of the change must leave a consistent schema on its own.
   */
  schemaChange(change: (db: SqlRunner) => Promise<void>): Promise<void>;
  /** Which constraint a driver error reports, if it is a constraint violation we map. */
  violation(err: unknown): 'unique' | 'foreign-key' | undefined;
  /**
   * Ends the sessions of writer leaders of epochs before `epoch` where the backend can (MySQL:
   * meta/mysql-writer-sessions.ts), so that none of them holds a lock the claim waits for.
   */
  endOlderWriterSessions?(epoch: number): Promise<void>;
  close(): Promise<void>;
}

// The store's own id sequences, in the same table as the callers' counters.
const DATABASE_IDS = 'database';
const COLLECTION_IDS = 'collection';
const PARTITION_IDS = 'partition';
const INDEX_IDS = 'index';

interface DatabaseRow {
  id: number;
  name: string;
  properties_json: string;
  created_at: number;
}

interface CollectionRow {
  id: number;
  db_id: number;
  name: string;
  schema_json: string;
  shards_num: number;
  consistency_level: number;
  properties_json: string;
  loaded: number;
  created_at: number;
}

interface PartitionRow {
  id: number;
  collection_id: number;
  name: string;
  created_at: number;
  loaded: number | null;
}

interface AliasRow {
  db_id: number;
  name: string;
  collection_id: number;
  created_at: number;
}

interface IndexRow {
  id: number;
  collection_id: number;
  field_name: string;
  index_name: string;
  index_type: string;
  metric_type: string;
  params_json: string;
  created_at: number;
}

interface GrantRow {
  role_name: string;
  object_type: string;
  object_name: string;
  db_name: string;
  privilege: string;
  grantor: string;
}

interface SegmentRow {
  id: number;
  collection_id: number;
  partition_id: number;
  state: SegmentRecord['state'];
  row_count: number;
  path: string;
  created_at: number;
  sealed_at: number | null;
  compacted_into: number | null;
  placed_group: string | null;
}

/**
 * MetaStore over any SqlDriver: every query, row mapping and error translation lives here,
 * once, so that the SQLite and MySQL backends cannot drift apart.
 * Calls that name a missing record by id (updates, drops) do nothing: drops stay
 * idempotent, so a caller can retry one after a crash.
 */
export class SqlMetaStore implements MetaStore {
  constructor(private readonly db: SqlDriver) {}

  async init(): Promise<void> {
    for (const statement of schemaStatements(this.db.dialect)) await this.db.run(statement);
    // Before the added columns, whose fill puts the collections written before databases into it.
    await this.createDefaultDatabase();
    for (const column of addedColumns(this.db.dialect)) {
      if (!(await this.hasColumn(column))) {
        try {
          await this.db.run(column.add);
        } catch (err) {
          // Another process opening the same database may have added it a moment ago.
          if (!(await this.hasColumn(column))) throw err;
        }
      }
      // Every start: a process that added the column may have stopped before filling it.
      if (column.fill) await this.db.run(column.fill);
    }
    for (const table of rekeyedTables(this.db.dialect)) await this.rekey(table);
  }

  private async hasColumn(column: AddedColumn): Promise<boolean> {
    const [row] = await this.db.all<{ n: number | string }>(column.count.sql, column.count.params);
    return Number(row?.n) > 0;
  }

  /** The default database, unless the store has it: in one statement, which processes opening a store at once may race on safely. */
  private async createDefaultDatabase(): Promise<void> {
    const [row] = await this.db.all('SELECT id FROM meta_databases WHERE id = ?', [DEFAULT_DATABASE_ID]);
    if (row) return;
    try {
      await this.db.run('INSERT INTO meta_databases (id, name, properties_json, created_at) VALUES (?, ?, ?, ?)', [
        DEFAULT_DATABASE_ID,
        DEFAULT_DATABASE,
        toJson({}),
        Date.now(),
      ]);
    } catch (err) {
      // Another process opening the same store created it a moment ago.
      if (this.db.violation(err) !== 'unique') throw err;
    }
  }

  /** Replaces a table's earlier unique key (Table.rekeyed), unless it is gone already. */
  private async rekey(table: RekeyedTable): Promise<void> {
    const earlierKey = async (db: SqlRunner) => {
      const keys = await db.all<{ name: string; cols: string }>(table.uniqueKeys.sql, table.uniqueKeys.params);
      return keys.find((k) => String(k.cols) === table.from)?.name;
    };
    // Checked first outside the change: a store that is up to date takes no write lock.
    if ((await earlierKey(this.db)) === undefined) return;
    try {
      await this.db.schemaChange(async (tx) => {
        const key = await earlierKey(tx);
        if (key !== undefined) for (const statement of table.statements(key)) await tx.run(statement);
      });
    } catch (err) {
      // Another process opening the same database may have replaced it a moment ago.
      if ((await earlierKey(this.db)) !== undefined) throw err;
    }
  }

  close(): Promise<void> {
    return this.db.close();
  }

  createDatabase(d: Omit<DatabaseRecord, 'id'>): Promise<DatabaseRecord> {
    // In a transaction so that a refused name does not use up an id.
    return this.explain(
      this.db.transaction((tx) => insertDatabase(tx, d)),
      { conflict: `database ${d.name} already exists` },
    );
  }

  async listDatabases(): Promise<DatabaseRecord[]> {
    const rows = await this.db.all<DatabaseRow>('SELECT * FROM meta_databases ORDER BY id');
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      properties: fromJson<Record<string, string>>(r.properties_json),
      createdAt: r.created_at,
    }));
  }

  async setDatabaseProperties(id: number, properties: Record<string, string>): Promise<void> {
    await this.db.run('UPDATE meta_databases SET properties_json = ? WHERE id = ?', [toJson(properties), id]);
  }

  async dropDatabase(id: number): Promise<void> {
    // One statement: no collection can be created in the database between the check and the delete.
    const dropped = await this.db.run(
      'DELETE FROM meta_databases WHERE id = ? AND NOT EXISTS (SELECT 1 FROM meta_collections WHERE db_id = ?)',
      [id, id],
    );
    if (dropped) return;
    const [held] = await this.db.all('SELECT id FROM meta_collections WHERE db_id = ? LIMIT 1', [id]);
    if (held) throw new MetaConflictError(`database ${id} holds collections`);
  }

  createCollection(c: Omit<CollectionRecord, 'id'>, partitionNames: readonly string[]): Promise<CollectionRecord> {
    return this.explain(
      this.db.transaction(async (tx) => {
        const id = await tx.allocate(COLLECTION_IDS, 1);
        const firstPartitionId = await tx.allocate(PARTITION_IDS, partitionNames.length);
        await tx.run(
          `INSERT INTO meta_collections (id, db_id, name, schema_json, shards_num, consistency_level, properties_json, loaded, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            id,
            c.dbId,
            c.name,
            toJson(c.schema),
            c.shardsNum,
            c.consistencyLevel,
            toJson(c.properties),
            c.loadNewPartitions ? 1 : 0,
            c.createdAt,
          ],
        );
        for (const [i, name] of partitionNames.entries()) {
          await tx.run('INSERT INTO meta_partitions (id, collection_id, name, created_at, loaded) VALUES (?, ?, ?, ?, ?)', [
            firstPartitionId + i,
            id,
            name,
            c.createdAt,
            c.loadNewPartitions ? 1 : 0,
          ]);
        }
        return { ...c, id };
      }),
      { conflict: `collection ${c.name} already exists` },
    );
  }

  async getCollection(dbId: number, name: string): Promise<CollectionRecord | undefined> {
    const [row] = await this.db.all<CollectionRow>('SELECT * FROM meta_collections WHERE db_id = ? AND name = ?', [dbId, name]);
    return row && collection(row);
  }

  async getCollectionById(id: number): Promise<CollectionRecord | undefined> {
    const [row] = await this.db.all<CollectionRow>('SELECT * FROM meta_collections WHERE id = ?', [id]);
    return row && collection(row);
  }

  async listCollections(): Promise<CollectionRecord[]> {
    return (await this.db.all<CollectionRow>('SELECT * FROM meta_collections ORDER BY id')).map(collection);
  }

  async setLoadState(collectionId: number, state: LoadState): Promise<void> {
    const ids = state.loadedPartitionIds;
    await this.db.transaction(async (tx) => {
      await tx.run('UPDATE meta_collections SET loaded = ? WHERE id = ?', [state.loadNewPartitions ? 1 : 0, collectionId]);
      await tx.run('UPDATE meta_partitions SET loaded = 0 WHERE collection_id = ?', [collectionId]);
      if (ids.length) {
        await tx.run(`UPDATE meta_partitions SET loaded = 1 WHERE collection_id = ? AND id IN (${ids.map(() => '?').join(', ')})`, [
          collectionId,
          ...ids,
        ]);
      }
    });
  }

  async setCollectionProperties(id: number, properties: Record<string, string>): Promise<void> {
    await this.db.run('UPDATE meta_collections SET properties_json = ? WHERE id = ?', [toJson(properties), id]);
  }

  async setCollectionSchema(id: number, schema: CollectionSchema): Promise<void> {
    await this.db.run('UPDATE meta_collections SET schema_json = ? WHERE id = ?', [toJson(schema), id]);
  }

  async renameCollection(id: number, dbId: number, name: string, schema: CollectionSchema): Promise<void> {
    await this.explain(
      this.db.run('UPDATE meta_collections SET db_id = ?, name = ?, schema_json = ? WHERE id = ?', [dbId, name, toJson(schema), id]),
      { conflict: `collection ${name} already exists in database ${dbId}` },
    );
  }

  async dropCollection(id: number): Promise<void> {
    // One statement, so atomic on its own: foreign keys cascade to partitions, indexes and segments.
    await this.db.run('DELETE FROM meta_collections WHERE id = ?', [id]);
  }

  createPartition(collectionId: number, name: string, loaded = false): Promise<PartitionRecord> {
    // In a transaction so that a refused partition does not use up an id.
    return this.explain(
      this.db.transaction(async (tx) => {
        const record: PartitionRecord = { id: await tx.allocate(PARTITION_IDS, 1), collectionId, name, createdAt: Date.now(), loaded };
        await tx.run('INSERT INTO meta_partitions (id, collection_id, name, created_at, loaded) VALUES (?, ?, ?, ?, ?)', [
          record.id,
          collectionId,
          name,
          record.createdAt,
          loaded ? 1 : 0,
        ]);
        return record;
      }),
      {
        conflict: `partition ${name} already exists in collection ${collectionId}`,
        missing: `collection ${collectionId} does not exist`,
      },
    );
  }

  async listPartitions(collectionId: number): Promise<PartitionRecord[]> {
    return partitionsOf(this.db, collectionId);
  }

  replacePartitions(collectionId: number): Promise<PartitionRecord[]> {
    return this.db.transaction(async (tx) => {
      const old = await partitionsOf(tx, collectionId);
      // Deleted first: the new rows take the same names. The cascade removes the segment records.
      await tx.run('DELETE FROM meta_partitions WHERE collection_id = ?', [collectionId]);
      const fresh: PartitionRecord[] = [];
      for (const p of old) {
        const record = { ...p, id: await tx.allocate(PARTITION_IDS, 1) };
        await tx.run('INSERT INTO meta_partitions (id, collection_id, name, created_at, loaded) VALUES (?, ?, ?, ?, ?)', [
          record.id,
          collectionId,
          record.name,
          record.createdAt,
          record.loaded ? 1 : 0,
        ]);
        fresh.push(record);
      }
      return fresh;
    });
  }

  async dropPartition(partitionId: number): Promise<void> {
    // Cascades to the partition's segment records.
    await this.db.run('DELETE FROM meta_partitions WHERE id = ?', [partitionId]);
  }

  async createAlias(a: AliasRecord): Promise<void> {
    await this.explain(
      this.db.run('INSERT INTO meta_aliases (db_id, name, collection_id, created_at) VALUES (?, ?, ?, ?)', [
        a.dbId,
        a.name,
        a.collectionId,
        a.createdAt,
      ]),
      { conflict: `alias ${a.name} already exists in database ${a.dbId}`, missing: `collection ${a.collectionId} does not exist` },
    );
  }

  async alterAlias(dbId: number, name: string, collectionId: number): Promise<void> {
    await this.explain(this.db.run('UPDATE meta_aliases SET collection_id = ? WHERE db_id = ? AND name = ?', [collectionId, dbId, name]), {
      missing: `collection ${collectionId} does not exist`,
    });
  }

  async dropAlias(dbId: number, name: string): Promise<void> {
    await this.db.run('DELETE FROM meta_aliases WHERE db_id = ? AND name = ?', [dbId, name]);
  }

  async listAliases(): Promise<AliasRecord[]> {
    const rows = await this.db.all<AliasRow>('SELECT * FROM meta_aliases ORDER BY db_id, name');
    return rows.map((r) => ({ dbId: r.db_id, name: r.name, collectionId: r.collection_id, createdAt: r.created_at }));
  }

  createIndex(i: Omit<IndexRecord, 'id'>): Promise<IndexRecord> {
    return this.explain(
      this.db.transaction(async (tx) => {
        const id = await tx.allocate(INDEX_IDS, 1);
        await tx.run(
          `INSERT INTO meta_indexes (id, collection_id, field_name, index_name, index_type, metric_type, params_json, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          [id, i.collectionId, i.fieldName, i.indexName, i.indexType, i.metricType, toJson(i.params), i.createdAt],
        );
        return { ...i, id };
      }),
      {
        conflict: `index ${i.indexName} already exists in collection ${i.collectionId}`,
        missing: `collection ${i.collectionId} does not exist`,
      },
    );
  }

  async listIndexes(collectionId: number): Promise<IndexRecord[]> {
    const rows = await this.db.all<IndexRow>('SELECT * FROM meta_indexes WHERE collection_id = ? ORDER BY id', [collectionId]);
    return rows.map((r) => ({
      id: r.id,
      collectionId: r.collection_id,
      fieldName: r.field_name,
      indexName: r.index_name,
      indexType: r.index_type,
      metricType: r.metric_type,
      params: fromJson<Record<string, string>>(r.params_json),
      createdAt: r.created_at,
    }));
  }

  async dropIndex(indexId: number): Promise<void> {
    await this.db.run('DELETE FROM meta_indexes WHERE id = ?', [indexId]);
  }

  async addSegment(s: SegmentRecord): Promise<void> {
    await this.explain(insertSegment(this.db, s), segmentMessages(s));
  }

  async updateSegment(id: number, patch: Partial<Pick<SegmentRecord, 'state' | 'rowCount' | 'sealedAt'>>): Promise<void> {
    const columns = { state: patch.state, row_count: patch.rowCount, sealed_at: patch.sealedAt };
    const set = Object.entries(columns).filter(([, value]) => value !== undefined);
    if (set.length === 0) return;
    await this.db.run(`UPDATE meta_segments SET ${set.map(([column]) => `${column} = ?`).join(', ')} WHERE id = ?`, [
      ...set.map(([, value]) => value as SqlValue),
      id,
    ]);
  }

  async getSegment(id: number): Promise<SegmentRecord | undefined> {
    const [row] = await this.db.all<SegmentRow>('SELECT * FROM meta_segments WHERE id = ?', [id]);
    return row && segment(row);
  }

  async listSegments(collectionId: number): Promise<SegmentRecord[]> {
    const rows = await this.db.all<SegmentRow>("SELECT * FROM meta_segments WHERE collection_id = ? AND state <> 'dropped' ORDER BY id", [
      collectionId,
    ]);
    return rows.map(segment);
  }

  async deleteSegment(id: number): Promise<void> {
    await this.db.run('DELETE FROM meta_segments WHERE id = ?', [id]);
  }

  compactSegments(target: SegmentRecord, sourceIds: number[]): Promise<void> {
    return this.explain(
      this.db.transaction(async (tx) => {
        await insertSegment(tx, target);
        const marked = await tx.run(
          `UPDATE meta_segments SET compacted_into = ?
           WHERE collection_id = ? AND partition_id = ? AND compacted_into IS NULL AND state <> 'dropped'
             AND id IN (${sourceIds.map(() => '?').join(', ')})`,
          [target.id, target.collectionId, target.partitionId, ...sourceIds],
        );
        if (marked !== sourceIds.length) {
          throw new MetaConflictError(
            `compacting segments ${sourceIds.join(', ')} into ${target.id}: not all are live segments of partition ${target.partitionId}`,
          );
        }
      }),
      segmentMessages(target),
    );
  }

  async setPlacedGroups(placements: PlacedGroup[]): Promise<void> {
    if (!placements.length) return;
    await this.db.transaction(async (tx) => {
      for (const p of placements) await tx.run('UPDATE meta_segments SET placed_group = ? WHERE id = ?', [p.group, p.segmentId]);
    });
  }

  async loadSecurity(): Promise<SecurityRecords> {
    const users = await this.db.all<{ name: string; password_hash: string; created_at: number }>('SELECT * FROM meta_users ORDER BY name');
    const roles = await this.db.all<{ name: string }>('SELECT name FROM meta_roles ORDER BY name');
    const memberships = await this.db.all<{ user_name: string; role_name: string }>(
      'SELECT user_name, role_name FROM meta_user_roles ORDER BY user_name, role_name',
    );
    const grants = await this.db.all<GrantRow>(
      'SELECT * FROM meta_grants ORDER BY role_name, object_type, object_name, db_name, privilege',
    );
    return {
      users: users.map((u) => ({ name: u.name, passwordHash: u.password_hash, createdAt: Number(u.created_at) })),
      roles: roles.map((r) => r.name),
      memberships: memberships.map((m) => ({ user: m.user_name, role: m.role_name })),
      grants: grants.map((g) => ({
        role: g.role_name,
        objectType: g.object_type,
        objectName: g.object_name,
        dbName: g.db_name,
        privilege: g.privilege,
        grantor: g.grantor,
      })),
    };
  }

  async createUser(u: UserRecord): Promise<void> {
    await this.explain(
      this.db.run('INSERT INTO meta_users (name, password_hash, created_at) VALUES (?, ?, ?)', [u.name, u.passwordHash, u.createdAt]),
      {
        conflict: `user ${u.name} already exists`,
      },
    );
  }

  async setPasswordHash(user: string, passwordHash: string): Promise<void> {
    await this.db.run('UPDATE meta_users SET password_hash = ? WHERE name = ?', [passwordHash, user]);
  }

  async dropUser(user: string): Promise<void> {
    // The memberships go with it (cascade).
    await this.db.run('DELETE FROM meta_users WHERE name = ?', [user]);
  }

  async createRole(role: string, createdAt: number): Promise<void> {
    await this.explain(this.db.run('INSERT INTO meta_roles (name, created_at) VALUES (?, ?)', [role, createdAt]), {
      conflict: `role ${role} already exists`,
    });
  }

  async dropRole(role: string): Promise<void> {
    // Its memberships and grants go with it (cascade).
    await this.db.run('DELETE FROM meta_roles WHERE name = ?', [role]);
  }

  async setMembership(user: string, role: string, member: boolean): Promise<void> {
    if (!member) {
      await this.db.run('DELETE FROM meta_user_roles WHERE user_name = ? AND role_name = ?', [user, role]);
      return;
    }
    await this.idempotentInsert('INSERT INTO meta_user_roles (user_name, role_name) VALUES (?, ?)', [user, role], {
      missing: `user ${user} or role ${role} does not exist`,
    });
  }

  async setGrant(g: GrantRecord, granted: boolean): Promise<void> {
    const key = [g.role, g.objectType, g.objectName, g.dbName, g.privilege];
    if (!granted) {
      await this.db.run(
        'DELETE FROM meta_grants WHERE role_name = ? AND object_type = ? AND object_name = ? AND db_name = ? AND privilege = ?',
        key,
      );
      return;
    }
    await this.idempotentInsert(
      'INSERT INTO meta_grants (role_name, object_type, object_name, db_name, privilege, grantor) VALUES (?, ?, ?, ?, ?, ?)',
      [...key, g.grantor],
      { missing: `role ${g.role} does not exist` },
    );
  }

  /** An insert whose row may already be there: a unique violation means it is. */
  private async idempotentInsert(sql: string, params: SqlValue[], messages: { missing: string }): Promise<void> {
    try {
      await this.explain(this.db.run(sql, params), messages);
    } catch (err) {
      if (!(err instanceof Error) || this.db.violation(err) !== 'unique') throw err;
    }
  }

  allocateIds(counter: string, count: number): Promise<number> {
    if (!Number.isSafeInteger(count) || count < 1) {
      return Promise.reject(new RangeError(`allocateIds: count must be a positive integer, got ${count}`));
    }
    return this.db.allocate(counter, count);
  }

  /** Turns the drivers' constraint violations into the store's own errors, with a message that names the record. */
  private async explain<T>(work: Promise<T>, messages: { conflict?: string; missing?: string }): Promise<T> {
    try {
      return await work;
    } catch (err) {
      const kind = this.db.violation(err);
      if (kind === 'unique' && messages.conflict) throw new MetaConflictError(messages.conflict, { cause: err });
      if (kind === 'foreign-key' && messages.missing) throw new MetaNotFoundError(messages.missing, { cause: err });
      throw err;
    }
  }
}

/** A new database: its id from the `database` counter, after the default database's. */
async function insertDatabase(db: SqlRunner, d: Omit<DatabaseRecord, 'id'>): Promise<DatabaseRecord> {
  const id = DEFAULT_DATABASE_ID + (await db.allocate(DATABASE_IDS, 1));
  await db.run('INSERT INTO meta_databases (id, name, properties_json, created_at) VALUES (?, ?, ?, ?)', [
    id,
    d.name,
    toJson(d.properties),
    d.createdAt,
  ]);
  return { ...d, id };
}

function collection(r: CollectionRow): CollectionRecord {
  return {
    id: r.id,
    dbId: r.db_id,
    name: r.name,
    schema: fromJson<CollectionSchema>(r.schema_json),
    shardsNum: r.shards_num,
    consistencyLevel: r.consistency_level,
    properties: fromJson<Record<string, string>>(r.properties_json),
    loadNewPartitions: r.loaded !== 0,
    createdAt: r.created_at,
  };
}

function segment(r: SegmentRow): SegmentRecord {
  return {
    id: r.id,
    collectionId: r.collection_id,
    partitionId: r.partition_id,
    state: r.state,
    rowCount: r.row_count,
    path: r.path,
    createdAt: r.created_at,
    sealedAt: r.sealed_at,
    ...(r.compacted_into === null ? {} : { compactedInto: r.compacted_into }),
    ...(r.placed_group === null ? {} : { placedGroup: r.placed_group }),
  };
}

async function partitionsOf(db: SqlRunner, collectionId: number): Promise<PartitionRecord[]> {
  const rows = await db.all<PartitionRow>('SELECT * FROM meta_partitions WHERE collection_id = ? ORDER BY id', [collectionId]);
  return rows.map((r) => ({ id: r.id, collectionId: r.collection_id, name: r.name, createdAt: r.created_at, loaded: r.loaded === 1 }));
}

/** A new segment's row; a segment is never added compacted, nor placed. */
function insertSegment(db: SqlRunner, s: SegmentRecord): Promise<number> {
  return db.run(
    `INSERT INTO meta_segments (id, collection_id, partition_id, state, row_count, path, created_at, sealed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [s.id, s.collectionId, s.partitionId, s.state, s.rowCount, s.path, s.createdAt, s.sealedAt],
  );
}

const segmentMessages = (s: SegmentRecord) => ({
  conflict: `segment ${s.id} already exists`,
  missing: `partition ${s.partitionId} of collection ${s.collectionId} does not exist`,
});

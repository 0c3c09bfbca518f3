/**
 * The metadata schema, once, for both backends. Every id is explicit: the store takes ids
 * from its counters (see allocateIds), so that an id is never reused after a drop, on either
 * backend, and no auto-increment dialect is involved. The dialects differ only in the
 * details rendered at the bottom of this file.
 */
import { DEFAULT_DATABASE_ID } from './store.js';

export type Dialect = 'sqlite' | 'mysql';

interface Table {
  name: string;
  /** Column definitions, in order. `{int64}` and `{text}` are dialect types. */
  columns: string[];
  /**
   * Columns added after the table first shipped, created with it on a new database and added
   * to an existing one by init() (see addedColumns). Each is nullable: NULL marks a row
   * written before the column existed, and `fill` (idempotent: it touches NULLs only) derives
   * its value from what the database already held; without `fill`, NULL is already right.
   */
  added?: { column: string; type: string; fill?: string }[];
  /** Table constraints, after the columns. */
  constraints?: string[];
  /**
   * Unique keys that replaced an earlier one after the table first shipped (see rekeyedTables):
   * a new database gets `UNIQUE (to)` in CREATE TABLE; on an existing one init() replaces the
   * unique key on exactly the `from` columns by it.
   */
  rekeyed?: { from: string[]; to: string[] }[];
  /** Secondary (non-unique) indexes: name -> column list. */
  indexes?: Record<string, string>;
}

const TABLES: Table[] = [
  {
    // One row per named id sequence; next_id is the first id not handed out yet.
    name: 'meta_counters',
    columns: ['name VARCHAR(255) NOT NULL PRIMARY KEY', 'next_id {int64} NOT NULL'],
  },
  {
    // One row (id 1): the fencing epoch of the writer leader in force (docs/writer-ha.md).
    name: 'meta_writer_epoch',
    columns: ['id INTEGER NOT NULL PRIMARY KEY', 'epoch {int64} NOT NULL'],
  },
  {
    // Milvus databases: every collection is in one. init() creates the default database, with
    // Milvus's id for it (1); the others take the ids after it (see insertDatabase).
    name: 'meta_databases',
    columns: [
      'id {int64} NOT NULL PRIMARY KEY',
      'name VARCHAR(255) NOT NULL',
      'properties_json {text} NOT NULL',
      'created_at {int64} NOT NULL',
    ],
    constraints: ['UNIQUE (name)'],
  },
  {
    name: 'meta_collections',
    columns: [
      'id {int64} NOT NULL PRIMARY KEY',
      'name VARCHAR(255) NOT NULL',
      // CollectionSchema as JSON (json.ts: bigints round-trip).
      'schema_json {text} NOT NULL',
      'shards_num INTEGER NOT NULL',
      'consistency_level INTEGER NOT NULL',
      'properties_json {text} NOT NULL',
      // 1 once LoadCollection ran (Milvus's load type LoadCollection): partitions created
      // from then on start loaded. Which partitions are loaded is meta_partitions.loaded.
      'loaded INTEGER NOT NULL',
      'created_at {int64} NOT NULL',
    ],
    added: [
      {
        // The collection's database (meta_databases.id). Before databases, every collection was
        // in the default one. No foreign key (ADD COLUMN cannot add one on every backend): the
        // writer refuses to drop a database that holds collections, and so does dropDatabase.
        column: 'db_id',
        type: '{int64} NULL',
        fill: `UPDATE meta_collections SET db_id = ${DEFAULT_DATABASE_ID} WHERE db_id IS NULL`,
      },
    ],
    // Names are unique within a database (they were unique overall before databases).
    rekeyed: [{ from: ['name'], to: ['db_id', 'name'] }],
  },
  {
    name: 'meta_partitions',
    columns: [
      'id {int64} NOT NULL PRIMARY KEY',
      'collection_id {int64} NOT NULL',
      'name VARCHAR(255) NOT NULL',
      'created_at {int64} NOT NULL',
    ],
    added: [
      {
        // 1 when the partition is loaded. Before partitions had a load state of their own, a
        // loaded collection had every partition loaded.
        column: 'loaded',
        type: 'INTEGER NULL',
        fill: 'UPDATE meta_partitions SET loaded = (SELECT c.loaded FROM meta_collections c WHERE c.id = meta_partitions.collection_id) WHERE loaded IS NULL',
      },
    ],
    constraints: [
      'UNIQUE (collection_id, name)',
      // Target of the segments' foreign key, which pins a segment's partition to its collection.
      'UNIQUE (collection_id, id)',
      'FOREIGN KEY (collection_id) REFERENCES meta_collections (id) ON DELETE CASCADE',
    ],
  },
  {
    name: 'meta_indexes',
    columns: [
      'id {int64} NOT NULL PRIMARY KEY',
      'collection_id {int64} NOT NULL',
      'field_name VARCHAR(255) NOT NULL',
      'index_name VARCHAR(255) NOT NULL',
      'index_type VARCHAR(64) NOT NULL',
      'metric_type VARCHAR(64) NOT NULL',
      'params_json {text} NOT NULL',
      'created_at {int64} NOT NULL',
    ],
    constraints: ['UNIQUE (collection_id, index_name)', 'FOREIGN KEY (collection_id) REFERENCES meta_collections (id) ON DELETE CASCADE'],
  },
  {
    // Collection aliases. Added after the first release: CREATE TABLE IF NOT EXISTS adds it to
    // an existing database. The writer refuses to drop a collection that has aliases, as Milvus
    // does; the cascade only keeps the table consistent should a row outlive its collection.
    name: 'meta_aliases',
    columns: ['name VARCHAR(255) NOT NULL', 'collection_id {int64} NOT NULL', 'created_at {int64} NOT NULL'],
    added: [
      {
        // The alias's database: always its collection's (a collection with aliases does not
        // move to another database), kept here so that alias names are unique per database.
        column: 'db_id',
        type: '{int64} NULL',
        fill: 'UPDATE meta_aliases SET db_id = (SELECT c.db_id FROM meta_collections c WHERE c.id = meta_aliases.collection_id) WHERE db_id IS NULL',
      },
    ],
    constraints: [
      // Unique as well, since a collection is in one database; a primary key of columns that
      // are not NULL (db_id, an added column, may be), which some MySQL setups require.
      'PRIMARY KEY (collection_id, name)',
      'FOREIGN KEY (collection_id) REFERENCES meta_collections (id) ON DELETE CASCADE',
    ],
    // Alias names are unique per database; they were the primary key before databases.
    rekeyed: [{ from: ['name'], to: ['db_id', 'name'] }],
  },
  {
    name: 'meta_segments',
    columns: [
      'id {int64} NOT NULL PRIMARY KEY',
      'collection_id {int64} NOT NULL',
      'partition_id {int64} NOT NULL',
      "state VARCHAR(16) NOT NULL CHECK (state IN ('growing', 'sealed', 'indexed', 'dropped'))",
      'row_count {int64} NOT NULL',
      'path VARCHAR(1024) NOT NULL',
      'created_at {int64} NOT NULL',
      'sealed_at {int64} NULL',
    ],
    added: [
      // The segment a compaction replaced this one by; NULL for a segment in service (every
      // segment written before compaction existed).
      { column: 'compacted_into', type: '{int64} NULL' },
      // The reader group the segment was placed on when coordinators last recorded the
      // placement (cluster/routing: the router keeps it there while the bounds hold); NULL
      // for a segment never placed.
      { column: 'placed_group', type: 'VARCHAR(255) NULL' },
    ],
    constraints: [
      // Dropping a partition (or, through it, a collection) drops its segment records.
      'FOREIGN KEY (collection_id, partition_id) REFERENCES meta_partitions (collection_id, id) ON DELETE CASCADE',
    ],
    // listSegments and the cascade both look segments up by collection and partition.
    indexes: { meta_segments_by_partition: 'collection_id, partition_id' },
  },
  {
    // Users (CreateCredential); the password only as a salted scrypt hash.
    name: 'meta_users',
    columns: ['name VARCHAR(64) NOT NULL PRIMARY KEY', 'password_hash VARCHAR(512) NOT NULL', 'created_at {int64} NOT NULL'],
  },
  {
    name: 'meta_roles',
    columns: ['name VARCHAR(255) NOT NULL PRIMARY KEY', 'created_at {int64} NOT NULL'],
  },
  {
    name: 'meta_user_roles',
    columns: ['user_name VARCHAR(64) NOT NULL', 'role_name VARCHAR(255) NOT NULL'],
    constraints: [
      'PRIMARY KEY (user_name, role_name)',
      'FOREIGN KEY (user_name) REFERENCES meta_users (name) ON DELETE CASCADE',
      'FOREIGN KEY (role_name) REFERENCES meta_roles (name) ON DELETE CASCADE',
    ],
  },
  {
    // One row per privilege a role holds on an object, in Milvus's metastore names. The key's
    // columns are sized so that it fits MySQL's 3072-byte index limit in utf8mb4.
    name: 'meta_grants',
    columns: [
      'role_name VARCHAR(255) NOT NULL',
      'object_type VARCHAR(32) NOT NULL',
      'object_name VARCHAR(255) NOT NULL',
      'db_name VARCHAR(64) NOT NULL',
      'privilege VARCHAR(64) NOT NULL',
      'grantor VARCHAR(64) NOT NULL',
    ],
    constraints: [
      'PRIMARY KEY (role_name, object_type, object_name, db_name, privilege)',
      'FOREIGN KEY (role_name) REFERENCES meta_roles (name) ON DELETE CASCADE',
    ],
  },
];

const DIALECTS = {
  // INTEGER PRIMARY KEY is SQLite's rowid: the cheapest key, and 64-bit like BIGINT.
  sqlite: {
    int64: 'INTEGER',
    text: 'TEXT',
    tableOptions: '',
    inlineIndexes: false,
    columnCount: 'SELECT COUNT(*) AS n FROM pragma_table_info(?) WHERE name = ?',
    // Every unique index (a UNIQUE constraint, a primary key that is not the rowid) with its columns in key order.
    uniqueKeys: `SELECT l.name AS name, (SELECT group_concat(name) FROM (SELECT i.name FROM pragma_index_info(l.name) i ORDER BY i.seqno)) AS cols
                 FROM pragma_index_list(?) l WHERE l."unique" = 1`,
  },
  // Binary collation: Milvus names are case-sensitive, MySQL's default collation is not.
  mysql: {
    int64: 'BIGINT',
    text: 'MEDIUMTEXT',
    tableOptions: ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    inlineIndexes: true,
    columnCount:
      'SELECT COUNT(*) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?',
    uniqueKeys: `SELECT INDEX_NAME AS name, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS cols
                 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND NON_UNIQUE = 0
                 GROUP BY INDEX_NAME`,
  },
} as const;

const dialectTypes = (dialect: Dialect, line: string) =>
  line.replaceAll('{int64}', DIALECTS[dialect].int64).replaceAll('{text}', DIALECTS[dialect].text);

/** CREATE TABLE for `table` as it is now, under `name`, followed by its separate index statements. */
function createTable(dialect: Dialect, table: Table, name = table.name): string[] {
  const d = DIALECTS[dialect];
  const indexes = Object.entries(table.indexes ?? {});
  const added = (table.added ?? []).map((a) => `${a.column} ${a.type}`);
  const keys = (table.rekeyed ?? []).map((k) => `UNIQUE (${k.to.join(', ')})`);
  const body = [...table.columns, ...added, ...(table.constraints ?? []), ...keys].map((line) => dialectTypes(dialect, line));
  // MySQL has no CREATE INDEX IF NOT EXISTS (MariaDB has), so there indexes live inside CREATE TABLE.
  if (d.inlineIndexes) body.push(...indexes.map(([index, cols]) => `INDEX ${index} (${cols})`));
  const create = `CREATE TABLE IF NOT EXISTS ${name} (\n  ${body.join(',\n  ')}\n)${d.tableOptions}`;
  const separate = d.inlineIndexes ? [] : indexes.map(([index, cols]) => `CREATE INDEX IF NOT EXISTS ${index} ON ${table.name} (${cols})`);
  return [create, ...separate];
}

/** DDL creating every table and index that is missing; safe to run on every start. */
export function schemaStatements(dialect: Dialect): string[] {
  return TABLES.flatMap((table) => createTable(dialect, table));
}

/** How init() brings a table created by an earlier version up to date with one added column. */
export interface AddedColumn {
  /** Counts the column (0 or 1); parameters: table, column. */
  count: { sql: string; params: [string, string] };
  /** Adds the column. */
  add: string;
  /** Fills the rows the column is NULL in; idempotent. Absent when NULL is already right. */
  fill?: string;
}

/** The columns added to existing tables, in the order they were added. */
export function addedColumns(dialect: Dialect): AddedColumn[] {
  return TABLES.flatMap((table) =>
    (table.added ?? []).map((a) => ({
      count: { sql: DIALECTS[dialect].columnCount, params: [table.name, a.column] as [string, string] },
      add: `ALTER TABLE ${table.name} ADD COLUMN ${a.column} ${dialectTypes(dialect, a.type)}`,
      ...(a.fill === undefined ? {} : { fill: a.fill }),
    })),
  );
}

/** How init() replaces a unique key of a table created by an earlier version (Table.rekeyed). */
export interface RekeyedTable {
  /** Lists the table's unique keys as rows `{name, cols}`, cols comma-separated in key order. */
  uniqueKeys: { sql: string; params: [string] };
  /** The columns of the key to replace, comma-separated as `uniqueKeys` lists them. */
  from: string;
  /**
   * The statements replacing the key named `key` (as `uniqueKeys` names it), run by
   * SqlDriver.schemaChange. MySQL alters the key in place. SQLite cannot drop a table
   * constraint: the table is rebuilt under a temporary name with its current definition,
   * its rows copied, the old table dropped and the new one renamed (SQLite's documented
   * procedure for schema changes ALTER TABLE cannot make).
   */
  statements(key: string): string[];
}

/** The unique keys replaced since tables first shipped, after every added column (their keys may use them). */
export function rekeyedTables(dialect: Dialect): RekeyedTable[] {
  return TABLES.flatMap((table) =>
    (table.rekeyed ?? []).map((k) => ({
      uniqueKeys: { sql: DIALECTS[dialect].uniqueKeys, params: [table.name] as [string] },
      from: k.from.join(','),
      statements: (key: string) => (dialect === 'mysql' ? [alterKey(table, key, k.to)] : rebuild(table)),
    })),
  );
}

/** MySQL's in-place change: the old key dropped, the new one added (and the table's primary key, if the old key was it). */
function alterKey(table: Table, key: string, to: string[]): string {
  const primaryKey = (table.constraints ?? []).filter((c) => c.startsWith('PRIMARY KEY'));
  const drop = key === 'PRIMARY' ? ['DROP PRIMARY KEY', ...primaryKey.map((c) => `ADD ${c}`)] : [`DROP INDEX \`${key}\``];
  return `ALTER TABLE ${table.name} ${[...drop, `ADD UNIQUE (${to.join(', ')})`].join(', ')}`;
}

function rebuild(table: Table): string[] {
  const temporary = `${table.name}__rekeyed`;
  const columns = [...table.columns.map((c) => c.split(' ')[0]!), ...(table.added ?? []).map((a) => a.column)].join(', ');
  const [create, ...indexes] = createTable('sqlite', table, temporary);
  return [
    create!,
    `INSERT INTO ${temporary} (${columns}) SELECT ${columns} FROM ${table.name}`,
    `DROP TABLE ${table.name}`,
    `ALTER TABLE ${temporary} RENAME TO ${table.name}`,
    ...indexes,
  ];
}

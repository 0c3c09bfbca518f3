import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { DataType, type CollectionSchema } from '../../core/schema.js';
import { MetaConflictError, MetaFencedError, MetaNotFoundError } from '../../meta/errors.js';
import { serverStarted } from '../../meta/mysql-writer-sessions.js';
import { openMetaStore } from '../../meta/open-store.js';
import type { CollectionRecord, MetaStore, SegmentRecord } from '../../meta/store.js';
import { createTestDatabase } from '../harness/databases.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mishards-meta-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let sqliteFiles = 0;
/** Each factory names a store no test has used yet. */
const backends: [string, () => Promise<string>][] = [
  // A directory that does not exist yet: opening must create it.
  ['SQLite', async () => `sqlite:${join(tmp, `db-${++sqliteFiles}`, 'meta.db')}`],
  ['MySQL (MariaDB)', () => createTestDatabase(inject('mariadb'), 'meta_store')],
];

const INT64_MAX = 9223372036854775807n;

function schema(name: string): CollectionSchema {
  return {
    name,
    description: 'books',
    enableDynamicField: true,
    fields: [
      {
        fieldId: 100,
        name: 'id',
        description: '',
        dataType: DataType.Int64,
        isPrimaryKey: true,
        autoId: false,
        nullable: false,
        isDynamic: false,
        isPartitionKey: false,
      },
      {
        fieldId: 101,
        name: 'vec',
        description: 'embedding',
        dataType: DataType.FloatVector,
        dim: 8,
        isPrimaryKey: false,
        autoId: false,
        nullable: false,
        isDynamic: false,
        isPartitionKey: false,
      },
      // Beyond 2^53: only a bigint holds it exactly, and JSON has no bigint.
      {
        fieldId: 102,
        name: 'big',
        description: '',
        dataType: DataType.Int64,
        defaultValue: INT64_MAX,
        isPrimaryKey: false,
        autoId: false,
        nullable: false,
        isDynamic: false,
        isPartitionKey: false,
      },
      {
        fieldId: 103,
        name: 'neg',
        description: '',
        dataType: DataType.Int64,
        defaultValue: -42n,
        isPrimaryKey: false,
        autoId: false,
        nullable: true,
        isDynamic: false,
        isPartitionKey: false,
      },
      {
        fieldId: 104,
        name: 'title',
        description: '',
        dataType: DataType.VarChar,
        maxLength: 256,
        defaultValue: 'untitled',
        isPrimaryKey: false,
        autoId: false,
        nullable: false,
        isDynamic: false,
        isPartitionKey: true,
      },
      {
        fieldId: 105,
        name: 'score',
        description: '',
        dataType: DataType.Double,
        defaultValue: 0.5,
        isPrimaryKey: false,
        autoId: false,
        nullable: false,
        isDynamic: false,
        isPartitionKey: false,
      },
      {
        fieldId: 106,
        name: 'flag',
        description: '',
        dataType: DataType.Bool,
        defaultValue: false,
        isPrimaryKey: false,
        autoId: false,
        nullable: false,
        isDynamic: false,
        isPartitionKey: false,
      },
      {
        fieldId: 107,
        name: 'tags',
        description: '',
        dataType: DataType.Array,
        elementType: DataType.VarChar,
        maxCapacity: 4,
        maxLength: 16,
        isPrimaryKey: false,
        autoId: false,
        nullable: false,
        isDynamic: false,
        isPartitionKey: false,
      },
      {
        fieldId: 108,
        name: '$meta',
        description: '',
        dataType: DataType.JSON,
        isPrimaryKey: false,
        autoId: false,
        nullable: false,
        isDynamic: true,
        isPartitionKey: false,
      },
    ],
  };
}

/** The default database's id: the `database` counter's first, as Milvus numbers it (checked below). */
const DEFAULT_DB = 1;

function collection(name: string, createdAt = 1_700_000_000_000, dbId = DEFAULT_DB): Omit<CollectionRecord, 'id'> {
  return {
    dbId,
    name,
    schema: schema(name),
    shardsNum: 2,
    consistencyLevel: 2,
    properties: { 'collection.ttl.seconds': '60' },
    loadNewPartitions: false,
    createdAt,
  };
}

function segment(id: number, collectionId: number, partitionId: number, patch: Partial<SegmentRecord> = {}): SegmentRecord {
  return {
    id,
    collectionId,
    partitionId,
    state: 'sealed',
    rowCount: 1000,
    path: `c${collectionId}/s${id}`,
    createdAt: 1_700_000_000_000 + id,
    sealedAt: 1_700_000_001_000 + id,
    ...patch,
  };
}

/** Runs statements on the database behind a store spec, bypassing the store. */
async function rawSql(spec: string, statements: string[]): Promise<void> {
  if (spec.startsWith('sqlite:')) {
    const db = new Database(spec.slice('sqlite:'.length));
    try {
      for (const sql of statements) db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  const conn = await mysql.createConnection(spec);
  try {
    for (const sql of statements) await conn.query(sql);
  } finally {
    await conn.end();
  }
}

/**
 * Statements turning a current store back into one from before databases: no database table
 * or counter, no db_id columns, collection names and alias names unique over the whole store.
 */
function beforeDatabases(spec: string): string[] {
  const common = ['DROP TABLE meta_databases', "DELETE FROM meta_counters WHERE name = 'database'"];
  if (!spec.startsWith('sqlite:')) {
    return [
      'ALTER TABLE meta_collections DROP INDEX db_id, ADD UNIQUE (name)',
      'ALTER TABLE meta_collections DROP COLUMN db_id',
      'ALTER TABLE meta_aliases DROP PRIMARY KEY, DROP INDEX db_id, ADD PRIMARY KEY (name)',
      'ALTER TABLE meta_aliases DROP COLUMN db_id',
      ...common,
    ];
  }
  // SQLite drops no column that is part of a key: the tables are rebuilt in their old shape,
  // without foreign keys enforced (a dropped parent table would take its children's rows).
  return [
    'PRAGMA foreign_keys = OFF',
    `CREATE TABLE old_collections (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, schema_json TEXT NOT NULL,
       shards_num INTEGER NOT NULL, consistency_level INTEGER NOT NULL, properties_json TEXT NOT NULL, loaded INTEGER NOT NULL,
       created_at INTEGER NOT NULL, UNIQUE (name))`,
    'INSERT INTO old_collections SELECT id, name, schema_json, shards_num, consistency_level, properties_json, loaded, created_at FROM meta_collections',
    'DROP TABLE meta_collections',
    'ALTER TABLE old_collections RENAME TO meta_collections',
    `CREATE TABLE old_aliases (name VARCHAR(255) NOT NULL PRIMARY KEY, collection_id INTEGER NOT NULL, created_at INTEGER NOT NULL,
       FOREIGN KEY (collection_id) REFERENCES meta_collections (id) ON DELETE CASCADE)`,
    'INSERT INTO old_aliases SELECT name, collection_id, created_at FROM meta_aliases',
    'DROP TABLE meta_aliases',
    'ALTER TABLE old_aliases RENAME TO meta_aliases',
    ...common,
  ];
}

/** Opens (so initializes) the store behind `spec` in a child process; resolves to its exit code. */
function openInAnotherProcess(spec: string): Promise<number | null> {
  const openStore = pathToFileURL(join(import.meta.dirname, '../../meta/open-store.ts')).href;
  const script = `const { openMetaStore } = await import(${JSON.stringify(openStore)}); await (await openMetaStore(${JSON.stringify(spec)})).close();`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}

/** The id ranges [first, first + count) must be pairwise disjoint. */
function expectDisjoint(ranges: { first: number; count: number }[]): void {
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.first).toBeGreaterThanOrEqual(sorted[i - 1]!.first + sorted[i - 1]!.count);
}

describe.each(backends)('MetaStore on %s', (_backend, newSpec) => {
  let spec: string;
  let store: MetaStore;

  beforeEach(async () => {
    spec = await newSpec();
    store = await openMetaStore(spec);
  });
  afterEach(async () => {
    await store.close();
  });

  /** Closes the store and opens the same database again, as a restarted process would. */
  async function reopen(): Promise<void> {
    await store.close();
    store = await openMetaStore(spec);
  }

  describe('writer fencing', () => {
    it("refuses every write of a deposed leader's store, reads still answer, a stale epoch or another log cannot claim", async () => {
      let fencedOut = 0;
      const old = await openMetaStore(spec, { epoch: 10, walEpoch: 0, onFenced: () => fencedOut++ });
      try {
        const books = await old.createCollection(collection('books'), ['_default']);
        const [part] = await old.listPartitions(books.id);
        const next = await openMetaStore(spec, { epoch: 20, walEpoch: 10 });
        try {
          await expect(old.createCollection(collection('late'), ['_default'])).rejects.toBeInstanceOf(MetaFencedError);
          await expect(old.createDatabase({ name: 'late', properties: {}, createdAt: 1 })).rejects.toBeInstanceOf(MetaFencedError);
          await expect(old.addSegment(segment(1, books.id, part!.id))).rejects.toBeInstanceOf(MetaFencedError);
          await expect(old.dropCollection(books.id)).rejects.toBeInstanceOf(MetaFencedError);
          await expect(old.allocateIds('rowid', 5)).rejects.toBeInstanceOf(MetaFencedError);
          expect(fencedOut).toBe(5);
          expect((await old.listCollections()).map((c) => c.name)).toEqual(['books']);
          await next.addSegment(segment(2, books.id, part!.id));
          expect((await store.listSegments(books.id)).map((x) => x.id)).toEqual([2]);
          await expect(openMetaStore(spec, { epoch: 15, walEpoch: 10 })).rejects.toBeInstanceOf(MetaFencedError);
          // A writer whose log never saw epoch 20 (another --wal-dir) cannot take over.
          await expect(openMetaStore(spec, { epoch: 30, walEpoch: 10 })).rejects.toThrow(/must share --wal-dir/);
        } finally {
          await next.close();
        }
      } finally {
        await old.close();
      }
    });
  });

  describe('databases', () => {
    it('has the default database, id 1 as in Milvus, on a new store', async () => {
      expect(await store.listDatabases()).toEqual([{ id: DEFAULT_DB, name: 'default', properties: {}, createdAt: expect.any(Number) }]);
    });

    it('creates, lists by id, alters and drops databases; a taken name is refused and uses up no id', async () => {
      const a = await store.createDatabase({ name: 'a', properties: { 'database.max.collections': '3' }, createdAt: 7 });
      await expect(store.createDatabase({ name: 'a', properties: {}, createdAt: 8 })).rejects.toBeInstanceOf(MetaConflictError);
      const b = await store.createDatabase({ name: 'b', properties: {}, createdAt: 9 });
      expect(b.id).toBe(a.id + 1);
      await store.setDatabaseProperties(a.id, { 'database.replica.number': '2' });
      await reopen();
      expect((await store.listDatabases()).map((d) => [d.name, d.properties])).toEqual([
        ['default', {}],
        ['a', { 'database.replica.number': '2' }],
        ['b', {}],
      ]);
      await store.dropDatabase(a.id);
      await store.dropDatabase(a.id);
      expect((await store.listDatabases()).map((d) => d.name)).toEqual(['default', 'b']);
      // Ids are never reused: a re-created name gets a new one.
      expect((await store.createDatabase({ name: 'a', properties: {}, createdAt: 10 })).id).toBeGreaterThan(b.id);
    });

    it('refuses to drop a database that holds a collection, changing nothing', async () => {
      const db = await store.createDatabase({ name: 'held', properties: {}, createdAt: 1 });
      const c = await store.createCollection(collection('books', 1, db.id), ['_default']);
      await expect(store.dropDatabase(db.id)).rejects.toBeInstanceOf(MetaConflictError);
      expect((await store.listDatabases()).map((d) => d.name)).toEqual(['default', 'held']);
      await store.dropCollection(c.id);
      await store.dropDatabase(db.id);
      expect((await store.listDatabases()).map((d) => d.name)).toEqual(['default']);
    });

    it('keeps same-named collections of two databases apart, and names unique within each', async () => {
      const other = await store.createDatabase({ name: 'other', properties: {}, createdAt: 1 });
      const here = await store.createCollection(collection('books'), ['_default']);
      const there = await store.createCollection(collection('books', 2, other.id), ['_default']);
      expect(there.id).not.toBe(here.id);
      await expect(store.createCollection(collection('books', 3, other.id), ['_default'])).rejects.toBeInstanceOf(MetaConflictError);
      expect(await store.getCollection(DEFAULT_DB, 'books')).toEqual(here);
      expect(await store.getCollection(other.id, 'books')).toEqual(there);
      expect(await store.getCollection(other.id, 'nope')).toBeUndefined();
      // Each has partitions of its own.
      const [mine] = await store.listPartitions(here.id);
      const [theirs] = await store.listPartitions(there.id);
      expect(mine!.id).not.toBe(theirs!.id);
    });

    it('renames a collection into another database, refusing a name taken there', async () => {
      const other = await store.createDatabase({ name: 'other', properties: {}, createdAt: 1 });
      const c = await store.createCollection(collection('books'), ['_default']);
      await store.createCollection(collection('taken', 1, other.id), ['_default']);
      await expect(store.renameCollection(c.id, other.id, 'taken', schema('taken'))).rejects.toBeInstanceOf(MetaConflictError);
      expect(await store.getCollectionById(c.id)).toEqual(c);
      await store.renameCollection(c.id, other.id, 'moved', schema('moved'));
      expect(await store.getCollection(DEFAULT_DB, 'books')).toBeUndefined();
      expect((await store.getCollection(other.id, 'moved'))!.id).toBe(c.id);
    });

    it('keeps aliases per database: the same alias in two databases, unique within each', async () => {
      const other = await store.createDatabase({ name: 'other', properties: {}, createdAt: 1 });
      const here = await store.createCollection(collection('books'), ['_default']);
      const there = await store.createCollection(collection('books', 1, other.id), ['_default']);
      await store.createAlias({ dbId: DEFAULT_DB, name: 'al', collectionId: here.id, createdAt: 1 });
      await store.createAlias({ dbId: other.id, name: 'al', collectionId: there.id, createdAt: 2 });
      await expect(store.createAlias({ dbId: other.id, name: 'al', collectionId: there.id, createdAt: 3 })).rejects.toBeInstanceOf(
        MetaConflictError,
      );
      await store.dropAlias(DEFAULT_DB, 'al');
      expect(await store.listAliases()).toEqual([{ dbId: other.id, name: 'al', collectionId: there.id, createdAt: 2 }]);
    });

    it('upgrades a store from before databases: everything in the default database, names unique per database', async () => {
      const c = await store.createCollection(collection('a'), ['_default']);
      const p = await store.createPartition(c.id, 'p');
      await store.addSegment(segment(1, c.id, p.id));
      await store.createAlias({ dbId: DEFAULT_DB, name: 'al', collectionId: c.id, createdAt: 1 });
      await store.close();
      await rawSql(spec, beforeDatabases(spec));

      // Two processes opening the old store at once both upgrade it without error. (Another
      // process, not another store here: the upgrade takes SQLite's write lock, which a second
      // connection in this thread would wait for while blocking the thread that holds it.)
      const [other] = await Promise.all([openInAnotherProcess(spec), openMetaStore(spec).then((s) => (store = s))]);
      expect(other).toBe(0);
      expect((await store.listDatabases()).map((d) => [d.id, d.name])).toEqual([[DEFAULT_DB, 'default']]);
      expect(await store.getCollection(DEFAULT_DB, 'a')).toEqual(c);
      expect(await store.listAliases()).toEqual([{ dbId: DEFAULT_DB, name: 'al', collectionId: c.id, createdAt: 1 }]);
      expect((await store.listSegments(c.id)).map((s) => s.id)).toEqual([1]);

      // The earlier unique keys are gone: the name and the alias are free in another database.
      const db = await store.createDatabase({ name: 'other', properties: {}, createdAt: 1 });
      const twin = await store.createCollection(collection('a', 1, db.id), ['_default']);
      await store.createAlias({ dbId: db.id, name: 'al', collectionId: twin.id, createdAt: 2 });
      await expect(store.createCollection(collection('a'), ['_default'])).rejects.toBeInstanceOf(MetaConflictError);
      // The foreign keys of the rebuilt tables still cascade.
      await store.dropCollection(c.id);
      expect(await store.listPartitions(c.id)).toEqual([]);
      expect(await store.getSegment(1)).toBeUndefined();
      expect((await store.listAliases()).map((a) => a.dbId)).toEqual([db.id]);
    });
  });

  describe('collections', () => {
    it('creates a collection with its default partition, readable by name and by id', async () => {
      const created = await store.createCollection(collection('books'), ['_default']);
      expect(created).toEqual({ ...collection('books'), id: expect.any(Number) });
      expect(await store.getCollection(DEFAULT_DB, 'books')).toEqual(created);
      expect(await store.getCollectionById(created.id)).toEqual(created);
      expect(await store.listPartitions(created.id)).toEqual([
        { id: expect.any(Number), collectionId: created.id, name: '_default', createdAt: created.createdAt, loaded: false },
      ]);
    });

    it('round-trips the schema exactly, bigint default values included', async () => {
      await store.createCollection(collection('books'), ['_default']);
      await reopen();
      const fields = (await store.getCollection(DEFAULT_DB, 'books'))!.schema.fields;
      expect(fields).toEqual(schema('books').fields);
      expect(fields.find((f) => f.name === 'big')!.defaultValue).toBe(INT64_MAX);
      expect(fields.find((f) => f.name === 'neg')!.defaultValue).toBe(-42n);
      expect(fields.find((f) => f.name === 'score')!.defaultValue).toBe(0.5);
      expect(fields.find((f) => f.name === 'flag')!.defaultValue).toBe(false);
    });

    it("creates a partition-key collection's partitions with it, in order", async () => {
      const names = Array.from({ length: 16 }, (_, i) => `_default_${i}`);
      const created = await store.createCollection({ ...collection('books'), loadNewPartitions: true }, names);
      const partitions = await store.listPartitions(created.id);
      expect(partitions.map((p) => p.name)).toEqual(names);
      expect(new Set(partitions.map((p) => p.id)).size).toBe(16);
      expect(partitions.every((p) => p.loaded && p.collectionId === created.id)).toBe(true);
    });

    it('creates nothing when a later partition cannot be written (atomic)', async () => {
      const attempt = store.createCollection(collection('books'), ['_default_0', null as unknown as string]);
      await expect(attempt).rejects.toThrow();
      expect(await store.listCollections()).toEqual([]);
    });

    it('returns undefined for unknown names and ids', async () => {
      expect(await store.getCollection(DEFAULT_DB, 'nope')).toBeUndefined();
      expect(await store.getCollectionById(12345)).toBeUndefined();
    });

    it('refuses a taken name with MetaConflictError and changes nothing', async () => {
      const first = await store.createCollection(collection('books'), ['_default']);
      const attempt = store.createCollection({ ...collection('books'), shardsNum: 7 }, ['_default']);
      await expect(attempt).rejects.toBeInstanceOf(MetaConflictError);
      await expect(attempt).rejects.toThrow('collection books already exists');
      expect(await store.listCollections()).toEqual([first]);
      expect(await store.listPartitions(first.id)).toHaveLength(1);
    });

    it('lets exactly one of many concurrent creates of the same name succeed', async () => {
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => store.createCollection(collection('race'), ['_default'])));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(MetaConflictError);
      const [only] = await store.listCollections();
      expect(await store.listPartitions(only!.id)).toHaveLength(1);
    });

    it('treats names as case-sensitive, as Milvus does', async () => {
      await store.createCollection(collection('Books'), ['_default']);
      await store.createCollection(collection('books'), ['_default']);
      expect((await store.listCollections()).map((c) => c.name)).toEqual(['Books', 'books']);
    });

    it('creates nothing when the default partition cannot be written (atomic)', async () => {
      // NULL violates NOT NULL on the partition insert, after the collection row went in.
      const attempt = store.createCollection(collection('books'), [null as unknown as string]);
      await expect(attempt).rejects.toThrow();
      expect(await store.getCollection(DEFAULT_DB, 'books')).toBeUndefined();
      expect(await store.listCollections()).toEqual([]);
      // The name is free again.
      await store.createCollection(collection('books'), ['_default']);
    });

    it('lists collections in creation order, not by name', async () => {
      for (const name of ['b', 'a', 'c']) await store.createCollection(collection(name), ['_default']);
      const listed = await store.listCollections();
      expect(listed.map((c) => c.name)).toEqual(['b', 'a', 'c']);
      expect(listed.map((c) => c.id)).toEqual([...listed.map((c) => c.id)].sort((x, y) => x - y));
    });

    it('updates the properties', async () => {
      const { id } = await store.createCollection(collection('books'), ['_default']);
      await store.setCollectionProperties(id, { 'mmap.enabled': 'true', note: 'ünïcode ✓' });
      await reopen();
      expect((await store.getCollectionById(id))!.properties).toEqual({ 'mmap.enabled': 'true', note: 'ünïcode ✓' });
    });

    it('creates the default partition loaded when the collection loads new partitions', async () => {
      const c = await store.createCollection({ ...collection('books'), loadNewPartitions: true }, ['_default']);
      expect((await store.listPartitions(c.id)).map((p) => p.loaded)).toEqual([true]);
    });

    it('drops a collection with its partitions, indexes and segments, and nothing else', async () => {
      const doomed = await store.createCollection(collection('doomed'), ['_default']);
      const kept = await store.createCollection(collection('kept'), ['_default']);
      for (const c of [doomed, kept]) {
        const extra = await store.createPartition(c.id, 'p1');
        await store.createIndex({
          collectionId: c.id,
          fieldName: 'vec',
          indexName: 'vec_idx',
          indexType: 'HNSW',
          metricType: 'L2',
          params: { M: '16' },
          createdAt: 1,
        });
        await store.addSegment(segment(c.id * 100 + 1, c.id, extra.id));
      }
      await store.dropCollection(doomed.id);

      expect(await store.getCollection(DEFAULT_DB, 'doomed')).toBeUndefined();
      expect(await store.listPartitions(doomed.id)).toEqual([]);
      expect(await store.listIndexes(doomed.id)).toEqual([]);
      expect(await store.listSegments(doomed.id)).toEqual([]);
      expect(await store.getSegment(doomed.id * 100 + 1)).toBeUndefined();

      expect(await store.listCollections()).toEqual([kept]);
      expect(await store.listPartitions(kept.id)).toHaveLength(2);
      expect(await store.listIndexes(kept.id)).toHaveLength(1);
      expect(await store.listSegments(kept.id)).toHaveLength(1);
    });

    it('gives a re-created name a new id: ids are never reused', async () => {
      const first = await store.createCollection(collection('books'), ['_default']);
      const [firstPartition] = await store.listPartitions(first.id);
      await store.dropCollection(first.id);
      await reopen();
      const second = await store.createCollection(collection('books'), ['_default']);
      expect(second.id).toBeGreaterThan(first.id);
      expect((await store.listPartitions(second.id))[0]!.id).toBeGreaterThan(firstPartition!.id);
    });

    it('ignores drops and updates of records that do not exist', async () => {
      await store.dropCollection(999);
      await store.setLoadState(999, { loadNewPartitions: true, loadedPartitionIds: [999] });
      await store.dropPartition(999);
      await store.dropIndex(999);
      await store.updateSegment(999, { state: 'indexed' });
      await store.deleteSegment(999);
      expect(await store.listCollections()).toEqual([]);
    });
  });

  describe('partitions', () => {
    it('creates, lists in creation order and drops partitions', async () => {
      const c = await store.createCollection(collection('books'), ['_default']);
      const before = Date.now();
      const z = await store.createPartition(c.id, 'zeta');
      const a = await store.createPartition(c.id, 'alpha');
      expect(z).toEqual({ id: expect.any(Number), collectionId: c.id, name: 'zeta', createdAt: expect.any(Number), loaded: false });
      expect(z.createdAt).toBeGreaterThanOrEqual(before);
      expect((await store.listPartitions(c.id)).map((p) => p.name)).toEqual(['_default', 'zeta', 'alpha']);
      await store.dropPartition(z.id);
      expect(await store.listPartitions(c.id)).toEqual([expect.objectContaining({ name: '_default' }), a]);
    });

    it('refuses a taken name in the same collection, allows it in another', async () => {
      const c1 = await store.createCollection(collection('c1'), ['_default']);
      const c2 = await store.createCollection(collection('c2'), ['_default']);
      await store.createPartition(c1.id, 'p');
      await expect(store.createPartition(c1.id, 'p')).rejects.toThrow(MetaConflictError);
      await expect(store.createPartition(c1.id, '_default')).rejects.toThrow(`partition _default already exists in collection ${c1.id}`);
      await store.createPartition(c2.id, 'p');
      expect(await store.listPartitions(c1.id)).toHaveLength(2);
    });

    it('refuses a partition of a missing collection with MetaNotFoundError', async () => {
      await expect(store.createPartition(4242, 'p')).rejects.toThrow(new MetaNotFoundError('collection 4242 does not exist'));
    });

    it('drops the segment records of a dropped partition only', async () => {
      const c = await store.createCollection(collection('books'), ['_default']);
      const [dflt] = await store.listPartitions(c.id);
      const p = await store.createPartition(c.id, 'p');
      await store.addSegment(segment(1, c.id, dflt!.id));
      await store.addSegment(segment(2, c.id, p.id));
      await store.dropPartition(p.id);
      expect((await store.listSegments(c.id)).map((s) => s.id)).toEqual([1]);
    });
  });

  describe('renames, schema changes and truncation', () => {
    it('renames a collection with its schema, refusing a taken name and changing nothing then', async () => {
      const c = await store.createCollection(collection('books'), ['_default']);
      await store.createCollection(collection('taken'), ['_default']);
      await expect(store.renameCollection(c.id, DEFAULT_DB, 'taken', schema('taken'))).rejects.toBeInstanceOf(MetaConflictError);
      expect((await store.getCollectionById(c.id))!.name).toBe('books');
      await store.renameCollection(c.id, DEFAULT_DB, 'novels', schema('novels'));
      await reopen();
      expect(await store.getCollection(DEFAULT_DB, 'books')).toBeUndefined();
      const renamed = (await store.getCollection(DEFAULT_DB, 'novels'))!;
      expect([renamed.id, renamed.schema.name]).toEqual([c.id, 'novels']);
    });

    it('replaces the schema', async () => {
      const c = await store.createCollection(collection('books'), ['_default']);
      const grown = {
        ...schema('books'),
        fields: [...schema('books').fields, { ...schema('books').fields[2]!, fieldId: 110, name: 'added' }],
      };
      await store.setCollectionSchema(c.id, grown);
      await reopen();
      expect((await store.getCollectionById(c.id))!.schema).toEqual(grown);
    });

    it('replaces every partition by an empty one of the same name and load state, in one step', async () => {
      const c = await store.createCollection({ ...collection('books'), loadNewPartitions: true }, ['_default']);
      const p1 = await store.createPartition(c.id, 'p1', false);
      const [p0] = await store.listPartitions(c.id);
      await store.addSegment(segment(1, c.id, p0!.id));
      await store.addSegment(segment(2, c.id, p1.id));
      const fresh = await store.replacePartitions(c.id);
      expect(fresh.map((p) => [p.name, p.loaded, p.createdAt])).toEqual([
        ['_default', true, p0!.createdAt],
        ['p1', false, p1.createdAt],
      ]);
      expect(fresh.every((p) => p.id > p1.id)).toBe(true);
      await reopen();
      expect(await store.listPartitions(c.id)).toEqual(fresh);
      expect(await store.listSegments(c.id)).toEqual([]);
    });
  });

  describe('aliases', () => {
    it('creates, moves, lists (by name) and drops aliases, which survive a reopen', async () => {
      const a = await store.createCollection(collection('a'), ['_default']);
      const b = await store.createCollection(collection('b'), ['_default']);
      await store.createAlias({ dbId: DEFAULT_DB, name: 'zeta', collectionId: a.id, createdAt: 5 });
      await store.createAlias({ dbId: DEFAULT_DB, name: 'alpha', collectionId: a.id, createdAt: 6 });
      await store.alterAlias(DEFAULT_DB, 'zeta', b.id);
      await reopen();
      expect(await store.listAliases()).toEqual([
        { dbId: DEFAULT_DB, name: 'alpha', collectionId: a.id, createdAt: 6 },
        { dbId: DEFAULT_DB, name: 'zeta', collectionId: b.id, createdAt: 5 },
      ]);
      await store.dropAlias(DEFAULT_DB, 'alpha');
      await store.dropAlias(DEFAULT_DB, 'never');
      expect((await store.listAliases()).map((x) => x.name)).toEqual(['zeta']);
    });

    it('refuses a taken alias with MetaConflictError and a missing collection with MetaNotFoundError', async () => {
      const a = await store.createCollection(collection('a'), ['_default']);
      await store.createAlias({ dbId: DEFAULT_DB, name: 'al', collectionId: a.id, createdAt: 1 });
      await expect(store.createAlias({ dbId: DEFAULT_DB, name: 'al', collectionId: a.id, createdAt: 2 })).rejects.toBeInstanceOf(
        MetaConflictError,
      );
      await expect(store.createAlias({ dbId: DEFAULT_DB, name: 'other', collectionId: 999, createdAt: 2 })).rejects.toBeInstanceOf(
        MetaNotFoundError,
      );
      await expect(store.alterAlias(DEFAULT_DB, 'al', 999)).rejects.toBeInstanceOf(MetaNotFoundError);
      expect(await store.listAliases()).toEqual([{ dbId: DEFAULT_DB, name: 'al', collectionId: a.id, createdAt: 1 }]);
    });

    it('drops the aliases of a dropped collection with it', async () => {
      const a = await store.createCollection(collection('a'), ['_default']);
      const b = await store.createCollection(collection('b'), ['_default']);
      await store.createAlias({ dbId: DEFAULT_DB, name: 'of_a', collectionId: a.id, createdAt: 1 });
      await store.createAlias({ dbId: DEFAULT_DB, name: 'of_b', collectionId: b.id, createdAt: 1 });
      await store.dropCollection(a.id);
      expect((await store.listAliases()).map((x) => x.name)).toEqual(['of_b']);
    });

    it('adds the alias table to a database from before aliases existed', async () => {
      await store.createCollection(collection('a'), ['_default']);
      await store.close();
      await rawSql(spec, ['DROP TABLE meta_aliases']);
      store = await openMetaStore(spec);
      const [a] = await store.listCollections();
      await store.createAlias({ dbId: DEFAULT_DB, name: 'al', collectionId: a!.id, createdAt: 1 });
      expect(await store.listAliases()).toHaveLength(1);
    });
  });

  describe('load state', () => {
    it('loads exactly the given partitions, with the collection flag, in one call that survives a reopen', async () => {
      const c = await store.createCollection(collection('books'), ['_default']);
      const other = await store.createCollection(collection('other'), ['_default']);
      const a = await store.createPartition(c.id, 'a');
      const b = await store.createPartition(c.id, 'b', true);
      expect(b.loaded).toBe(true);
      await store.setLoadState(other.id, {
        loadNewPartitions: true,
        loadedPartitionIds: (await store.listPartitions(other.id)).map((p) => p.id),
      });

      await store.setLoadState(c.id, { loadNewPartitions: false, loadedPartitionIds: [a.id] });
      await reopen();
      expect((await store.listPartitions(c.id)).map((p) => [p.name, p.loaded])).toEqual([
        ['_default', false],
        ['a', true],
        ['b', false],
      ]);
      expect((await store.getCollectionById(c.id))!.loadNewPartitions).toBe(false);

      await store.setLoadState(c.id, { loadNewPartitions: true, loadedPartitionIds: [a.id, b.id] });
      expect((await store.listPartitions(c.id)).map((p) => p.loaded)).toEqual([false, true, true]);
      expect((await store.getCollectionById(c.id))!.loadNewPartitions).toBe(true);
      // Another collection's partitions are not touched, even when their ids are named.
      await store.setLoadState(c.id, {
        loadNewPartitions: false,
        loadedPartitionIds: (await store.listPartitions(other.id)).map((p) => p.id),
      });
      expect((await store.listPartitions(c.id)).map((p) => p.loaded)).toEqual([false, false, false]);
      expect((await store.listPartitions(other.id)).map((p) => p.loaded)).toEqual([true]);
    });

    it('upgrades a database from before per-partition load state: a loaded collection has every partition loaded', async () => {
      const on = await store.createCollection(collection('on'), ['_default']);
      const onExtra = await store.createPartition(on.id, 'extra');
      const off = await store.createCollection(collection('off'), ['_default']);
      await store.createPartition(off.id, 'extra');
      await store.close();
      // The old schema: no loaded column on partitions; the collection's flag meant "loaded".
      await rawSql(spec, ['ALTER TABLE meta_partitions DROP COLUMN loaded', `UPDATE meta_collections SET loaded = 1 WHERE id = ${on.id}`]);

      // Two processes opening the old database at once both upgrade it without error.
      const [first, second] = await Promise.all([openMetaStore(spec), openMetaStore(spec)]);
      await second.close();
      store = first;
      expect((await store.listPartitions(on.id)).map((p) => p.loaded)).toEqual([true, true]);
      expect((await store.listPartitions(off.id)).map((p) => p.loaded)).toEqual([false, false]);
      expect((await store.getCollectionById(on.id))!.loadNewPartitions).toBe(true);

      // The upgrade happens once: a partition released afterwards stays released.
      await store.setLoadState(on.id, { loadNewPartitions: true, loadedPartitionIds: [onExtra.id] });
      await reopen();
      expect((await store.listPartitions(on.id)).map((p) => p.loaded)).toEqual([false, true]);
    });
  });

  describe('indexes', () => {
    it('creates, lists in creation order and drops indexes', async () => {
      const c = await store.createCollection(collection('books'), ['_default']);
      const hnsw = await store.createIndex({
        collectionId: c.id,
        fieldName: 'vec',
        indexName: 'vec_idx',
        indexType: 'HNSW',
        metricType: 'COSINE',
        params: { M: '16', efConstruction: '200' },
        createdAt: 5,
      });
      const flat = await store.createIndex({
        collectionId: c.id,
        fieldName: 'vec2',
        indexName: 'a_idx',
        indexType: 'FLAT',
        metricType: 'L2',
        params: {},
        createdAt: 6,
      });
      expect(hnsw).toEqual({
        id: expect.any(Number),
        collectionId: c.id,
        fieldName: 'vec',
        indexName: 'vec_idx',
        indexType: 'HNSW',
        metricType: 'COSINE',
        params: { M: '16', efConstruction: '200' },
        createdAt: 5,
      });
      await reopen();
      expect(await store.listIndexes(c.id)).toEqual([hnsw, flat]);
      await store.dropIndex(hnsw.id);
      expect(await store.listIndexes(c.id)).toEqual([flat]);
    });

    it('refuses a taken index name with MetaConflictError and a missing collection with MetaNotFoundError', async () => {
      const c = await store.createCollection(collection('books'), ['_default']);
      const index = {
        collectionId: c.id,
        fieldName: 'vec',
        indexName: 'vec_idx',
        indexType: 'FLAT',
        metricType: 'IP',
        params: {},
        createdAt: 1,
      };
      await store.createIndex(index);
      await expect(store.createIndex(index)).rejects.toThrow(MetaConflictError);
      await expect(store.createIndex({ ...index, collectionId: 777 })).rejects.toThrow(MetaNotFoundError);
      expect(await store.listIndexes(c.id)).toHaveLength(1);
    });
  });

  describe('segments', () => {
    let c: CollectionRecord;
    let partitionId: number;
    beforeEach(async () => {
      c = await store.createCollection(collection('books'), ['_default']);
      partitionId = (await store.listPartitions(c.id))[0]!.id;
    });

    it('adds and reads a segment back, growing (sealedAt null) or sealed', async () => {
      const growing = segment(7, c.id, partitionId, { state: 'growing', rowCount: 0, sealedAt: null });
      const sealed = segment(8, c.id, partitionId);
      await store.addSegment(growing);
      await store.addSegment(sealed);
      await reopen();
      expect(await store.getSegment(7)).toEqual(growing);
      expect(await store.getSegment(8)).toEqual(sealed);
      expect(await store.getSegment(9)).toBeUndefined();
    });

    it('applies partial updates and leaves the other fields alone', async () => {
      await store.addSegment(segment(1, c.id, partitionId, { state: 'growing', rowCount: 0, sealedAt: null }));
      await store.updateSegment(1, { rowCount: 512 });
      expect(await store.getSegment(1)).toEqual(segment(1, c.id, partitionId, { state: 'growing', rowCount: 512, sealedAt: null }));
      await store.updateSegment(1, { state: 'sealed', sealedAt: 1_800_000_000_000 });
      await store.updateSegment(1, { state: 'indexed' });
      await store.updateSegment(1, {});
      expect(await store.getSegment(1)).toEqual(
        segment(1, c.id, partitionId, { state: 'indexed', rowCount: 512, sealedAt: 1_800_000_000_000 }),
      );
      await store.updateSegment(1, { sealedAt: null });
      expect((await store.getSegment(1))!.sealedAt).toBeNull();
    });

    it('lists the segments of one collection ordered by id, without dropped ones', async () => {
      const other = await store.createCollection(collection('other'), ['_default']);
      const otherPartition = (await store.listPartitions(other.id))[0]!.id;
      for (const id of [30, 10, 20, 40]) await store.addSegment(segment(id, c.id, partitionId));
      await store.addSegment(segment(15, other.id, otherPartition));
      await store.updateSegment(20, { state: 'dropped' });
      expect((await store.listSegments(c.id)).map((s) => s.id)).toEqual([10, 30, 40]);
      // A dropped segment is still readable by id until it is deleted.
      expect((await store.getSegment(20))!.state).toBe('dropped');
      await store.deleteSegment(20);
      await store.deleteSegment(30);
      expect(await store.getSegment(20)).toBeUndefined();
      expect((await store.listSegments(c.id)).map((s) => s.id)).toEqual([10, 40]);
      expect((await store.listSegments(other.id)).map((s) => s.id)).toEqual([15]);
    });

    it('refuses a taken id with MetaConflictError and a foreign or missing partition with MetaNotFoundError', async () => {
      await store.addSegment(segment(1, c.id, partitionId));
      await expect(store.addSegment(segment(1, c.id, partitionId, { rowCount: 5 }))).rejects.toThrow(
        new MetaConflictError('segment 1 already exists'),
      );
      const other = await store.createCollection(collection('other'), ['_default']);
      const otherPartition = (await store.listPartitions(other.id))[0]!.id;
      // The partition exists, but belongs to another collection.
      await expect(store.addSegment(segment(2, c.id, otherPartition))).rejects.toThrow(MetaNotFoundError);
      await expect(store.addSegment(segment(3, c.id, 99999))).rejects.toThrow(`partition 99999 of collection ${c.id} does not exist`);
      expect((await store.listSegments(c.id)).map((s) => s.id)).toEqual([1]);
    });

    it('commits a compaction at once: the new segment added, its sources marked compacted into it', async () => {
      for (const id of [1, 2, 3]) await store.addSegment(segment(id, c.id, partitionId));
      await store.compactSegments(segment(4, c.id, partitionId, { rowCount: 2000 }), [1, 2]);
      await reopen();
      const listed = await store.listSegments(c.id);
      expect(listed.map((s) => [s.id, s.compactedInto])).toEqual([
        [1, 4],
        [2, 4],
        [3, undefined],
        [4, undefined],
      ]);
      expect(await store.getSegment(4)).toEqual(segment(4, c.id, partitionId, { rowCount: 2000 }));
    });

    it('upgrades a database from before compaction: its segments are in service', async () => {
      await store.addSegment(segment(1, c.id, partitionId));
      await store.addSegment(segment(2, c.id, partitionId));
      await store.close();
      await rawSql(spec, ['ALTER TABLE meta_segments DROP COLUMN compacted_into']);
      store = await openMetaStore(spec);
      expect((await store.listSegments(c.id)).map((s) => [s.id, s.compactedInto])).toEqual([
        [1, undefined],
        [2, undefined],
      ]);
      await store.compactSegments(segment(3, c.id, partitionId), [1, 2]);
      expect((await store.listSegments(c.id)).map((s) => s.compactedInto)).toEqual([3, 3, undefined]);
    });

    it('records the groups segments were placed on, in one call that survives a reopen', async () => {
      for (const id of [1, 2, 3]) await store.addSegment(segment(id, c.id, partitionId));
      await store.setPlacedGroups([
        { segmentId: 1, group: 'g1' },
        { segmentId: 2, group: 'g2' },
        { segmentId: 99, group: 'g3' },
      ]);
      await store.setPlacedGroups([{ segmentId: 1, group: 'g3' }]);
      await store.setPlacedGroups([]);
      await reopen();
      expect((await store.listSegments(c.id)).map((s) => [s.id, s.placedGroup])).toEqual([
        [1, 'g3'],
        [2, 'g2'],
        [3, undefined],
      ]);
      expect(await store.getSegment(99)).toBeUndefined();
    });

    it('upgrades a database from before placement was recorded: its segments are unplaced', async () => {
      await store.addSegment(segment(1, c.id, partitionId));
      await store.close();
      await rawSql(spec, ['ALTER TABLE meta_segments DROP COLUMN placed_group']);
      store = await openMetaStore(spec);
      expect((await store.getSegment(1))!.placedGroup).toBeUndefined();
      await store.setPlacedGroups([{ segmentId: 1, group: 'g1' }]);
      expect((await store.getSegment(1))!.placedGroup).toBe('g1');
    });

    it('refuses a compaction of segments already compacted, missing or of another partition, changing nothing', async () => {
      const extra = await store.createPartition(c.id, 'extra');
      for (const id of [1, 2]) await store.addSegment(segment(id, c.id, partitionId));
      await store.addSegment(segment(3, c.id, extra.id));
      await store.compactSegments(segment(4, c.id, partitionId), [1]);
      for (const sources of [
        [1, 2],
        [2, 99],
        [2, 3],
      ]) {
        await expect(store.compactSegments(segment(5, c.id, partitionId), sources)).rejects.toThrow(MetaConflictError);
      }
      expect((await store.listSegments(c.id)).map((s) => [s.id, s.compactedInto])).toEqual([
        [1, 4],
        [2, undefined],
        [3, undefined],
        [4, undefined],
      ]);
    });
  });

  describe('allocateIds', () => {
    it('hands out consecutive ranges per counter, starting at 1', async () => {
      expect(await store.allocateIds('segment', 1)).toBe(1);
      expect(await store.allocateIds('segment', 10)).toBe(2);
      expect(await store.allocateIds('rowid:1', 1000)).toBe(1);
      expect(await store.allocateIds('segment', 1)).toBe(12);
      expect(await store.allocateIds('rowid:1', 1)).toBe(1001);
    });

    it('never hands out an id twice to concurrent callers, on one store or two', async () => {
      const second = await openMetaStore(spec);
      try {
        const calls = Array.from({ length: 60 }, (_, i) => ({ on: i % 2 ? second : store, count: 1 + (i % 7) }));
        const firsts = await Promise.all(calls.map(({ on, count }) => on.allocateIds('shared', count)));
        const ranges = calls.map(({ count }, i) => ({ first: firsts[i]!, count }));
        expectDisjoint(ranges);
        // Nothing is skipped either: together the ranges cover 1..total.
        const total = ranges.reduce((sum, r) => sum + r.count, 0);
        expect(Math.max(...ranges.map((r) => r.first + r.count))).toBe(total + 1);
      } finally {
        await second.close();
      }
    });

    it('continues after close and reopen, as after a restart', async () => {
      const ranges = [{ first: await store.allocateIds('segment', 5), count: 5 }];
      await reopen();
      ranges.push({ first: await store.allocateIds('segment', 3), count: 3 });
      await reopen();
      ranges.push({ first: await store.allocateIds('segment', 1), count: 1 });
      expectDisjoint(ranges);
      expect(ranges.map((r) => r.first)).toEqual([1, 6, 9]);
    });

    it('does not share ids with the store’s own collection and partition ids', async () => {
      const c = await store.createCollection(collection('books'), ['_default']);
      expect(await store.allocateIds('segment', 1)).toBe(1);
      expect(c.id).toBe(1);
    });

    it('rejects counts that are not positive integers', async () => {
      for (const count of [0, -1, 1.5, Number.NaN]) await expect(store.allocateIds('segment', count)).rejects.toThrow(RangeError);
      expect(await store.allocateIds('segment', 1)).toBe(1);
    });
  });

  describe('users, roles and grants', () => {
    const grant = (role: string, privilege: string) => ({
      role,
      objectType: 'Collection',
      objectName: 'books',
      dbName: 'default',
      privilege,
      grantor: 'root',
    });

    it('keeps users, roles, memberships and grants across a reopen; a name taken once is refused', async () => {
      await store.createUser({ name: 'ann', passwordHash: 'scrypt$h1', createdAt: 1 });
      await store.createRole('readers', 2);
      await store.setMembership('ann', 'readers', true);
      await store.setMembership('ann', 'readers', true);
      await store.setGrant(grant('readers', 'PrivilegeSearch'), true);
      await store.setGrant(grant('readers', 'PrivilegeSearch'), true);
      await store.setGrant(grant('readers', 'PrivilegeQuery'), true);
      await expect(store.createUser({ name: 'ann', passwordHash: 'x', createdAt: 3 })).rejects.toThrow(MetaConflictError);
      await expect(store.createRole('readers', 3)).rejects.toThrow(MetaConflictError);
      await expect(store.setMembership('bob', 'readers', true)).rejects.toThrow(MetaNotFoundError);
      await expect(store.setGrant(grant('ghosts', 'PrivilegeSearch'), true)).rejects.toThrow(MetaNotFoundError);
      await store.setPasswordHash('ann', 'scrypt$h2');
      await reopen();
      expect(await store.loadSecurity()).toEqual({
        users: [{ name: 'ann', passwordHash: 'scrypt$h2', createdAt: 1 }],
        roles: ['readers'],
        memberships: [{ user: 'ann', role: 'readers' }],
        grants: [grant('readers', 'PrivilegeQuery'), grant('readers', 'PrivilegeSearch')],
      });
    });

    it('revokes and removes; dropping a user or a role takes its memberships and grants', async () => {
      await store.createUser({ name: 'ann', passwordHash: 'h', createdAt: 1 });
      await store.createUser({ name: 'bob', passwordHash: 'h', createdAt: 1 });
      await store.createRole('readers', 1);
      await store.createRole('writers', 1);
      for (const u of ['ann', 'bob']) for (const r of ['readers', 'writers']) await store.setMembership(u, r, true);
      await store.setGrant(grant('readers', 'PrivilegeSearch'), true);
      await store.setGrant(grant('writers', 'PrivilegeInsert'), true);
      await store.setGrant(grant('writers', 'PrivilegeDelete'), true);
      await store.setGrant(grant('writers', 'PrivilegeDelete'), false);
      await store.setMembership('bob', 'readers', false);
      await store.dropUser('ann');
      await store.dropRole('readers');
      expect(await store.loadSecurity()).toEqual({
        users: [{ name: 'bob', passwordHash: 'h', createdAt: 1 }],
        roles: ['writers'],
        memberships: [{ user: 'bob', role: 'writers' }],
        grants: [grant('writers', 'PrivilegeInsert')],
      });
    });

    it('takes names with quotes and SQL as plain values', async () => {
      const name = "x'); DROP TABLE meta_users; --";
      await store.createRole(name, 1);
      await store.setGrant({ ...grant(name, 'PrivilegeSearch'), objectName: "b' OR '1'='1" }, true);
      await store.dropRole('readers');
      expect((await store.loadSecurity()).grants).toEqual([{ ...grant(name, 'PrivilegeSearch'), objectName: "b' OR '1'='1" }]);
    });
  });

  it('keeps everything across close and reopen, and init is idempotent', async () => {
    const c = await store.createCollection(collection('books'), ['_default']);
    await store.createPartition(c.id, 'p');
    await store.createIndex({
      collectionId: c.id,
      fieldName: 'vec',
      indexName: 'vec_idx',
      indexType: 'HNSW',
      metricType: 'L2',
      params: { M: '8' },
      createdAt: 3,
    });
    await store.addSegment(segment(1, c.id, (await store.listPartitions(c.id))[0]!.id));
    await store.setLoadState(c.id, { loadNewPartitions: true, loadedPartitionIds: [(await store.listPartitions(c.id))[1]!.id] });
    const snapshot = async () => ({
      collections: await store.listCollections(),
      partitions: await store.listPartitions(c.id),
      indexes: await store.listIndexes(c.id),
      segments: await store.listSegments(c.id),
    });
    const before = await snapshot();
    await store.init();
    await reopen();
    await store.init();
    expect(await snapshot()).toEqual(before);
  });
});

describe('openMetaStore', () => {
  it('rejects anything but sqlite:PATH and mysql://, without echoing a password', async () => {
    await expect(openMetaStore('postgres://u:secret@h/db')).rejects.toThrow('expected sqlite:PATH or mysql://USER:PASS@HOST:PORT/DB');
    await expect(openMetaStore('postgres://u:secret@h/db')).rejects.not.toThrow('secret');
    await expect(openMetaStore('sqlite:')).rejects.toThrow('missing the file path');
    await expect(openMetaStore('mysql://u:secret@h:3306/')).rejects.toThrow('expected mysql://USER:PASS@HOST:PORT/DB');
    await expect(openMetaStore('mysql://u:secret@h:3306/')).rejects.not.toThrow('secret');
    await expect(openMetaStore('mysql://u:secret@h:3306/db?ssl=true')).rejects.toThrow('expected mysql://USER:PASS@HOST:PORT/DB');
  });

  it('creates a missing MySQL database', async () => {
    const { user, password, host, port } = inject('mariadb');
    const url = `mysql://${user}:${password}@${host}:${port}/t_created_by_store_${process.pid}`;
    const store = await openMetaStore(url);
    await store.createCollection(collection('books'), ['_default']);
    await store.close();
    const again = await openMetaStore(url);
    expect((await again.listCollections()).map((c) => c.name)).toEqual(['books']);
    await again.close();
  });

  it('opens SQLite in WAL mode, so readers in other processes do not block the writer', async () => {
    const path = join(tmp, 'wal', 'meta.db');
    const store = await openMetaStore(`sqlite:${path}`);
    await store.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });
});

describe('writer fencing on MySQL (MariaDB)', () => {
  it("a new leader's claim ends the connection of a leader paused inside a metadata transaction, whose write never commits", async () => {
    const spec = await createTestDatabase(inject('mariadb'), 'meta_paused_leader');
    const old = await openMetaStore(spec, { epoch: 10, walEpoch: 0 });
    await old.allocateIds('before-the-pause', 1);
    // Its pool's connections registered themselves under its epoch as they opened.
    const check = await mysql.createConnection(spec);
    const [registered] = await check.query<mysql.RowDataPacket[]>('SELECT connection_id FROM meta_writer_sessions WHERE epoch = 10');
    await check.end();
    expect(registered.length).toBeGreaterThan(0);
    await old.close();
    // Epoch 10's connection, stopped in the middle of a fenced write: it holds the epoch row's
    // lock and has written a row it has not committed, as a SIGSTOPped leader would.
    const url = new URL(spec);
    const paused = await mysql.createConnection({
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1),
    });
    const started = await serverStarted(paused);
    await paused.query('REPLACE INTO meta_writer_sessions (connection_id, epoch, server_started) VALUES (CONNECTION_ID(), 10, ?)', [
      started,
    ]);
    await paused.beginTransaction();
    await paused.query('SELECT epoch FROM meta_writer_epoch WHERE id = 1 FOR UPDATE');
    await paused.query("INSERT INTO meta_counters (name, next_id) VALUES ('written-while-paused', 1)");
    try {
      const next = await openMetaStore(spec, { epoch: 20, walEpoch: 10 });
      try {
        await expect(paused.query('SELECT 1')).rejects.toThrow();
        await next.allocateIds('after-takeover', 1);
        const check = await mysql.createConnection(spec);
        const [rows] = await check.query<mysql.RowDataPacket[]>('SELECT name FROM meta_counters');
        await check.end();
        expect(rows.map((r) => r.name)).toContain('after-takeover');
        expect(rows.map((r) => r.name)).not.toContain('written-while-paused');
      } finally {
        await next.close();
      }
    } finally {
      paused.destroy();
    }
  }, 30_000);
});

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { storeOver, type WriterFencing } from './fenced-driver.js';
import type { SqlDriver, SqlRunner, SqlValue } from './sql-store.js';
import type { MetaStore } from './store.js';

/**
 * Opens (creating if needed) the SQLite metadata file at `path` and creates missing tables;
 * fenced when `fencing` is given (meta/fenced-driver.ts).
 */
export async function openSqliteStore(path: string, fencing?: WriterFencing): Promise<MetaStore> {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    // WAL lets readers in other processes (coordinators) read while the writer commits;
    // synchronous=FULL syncs the WAL on every commit, so an acknowledged change survives
    // power loss, not only a process crash.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // Off by default in SQLite; the schema relies on cascades.
    db.pragma('foreign_keys = ON');
    return await storeOver(new SqliteDriver(db), fencing);
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * better-sqlite3 is synchronous and has one connection. A statement issued by another
 * caller between the awaits of a transaction would silently join (or be rolled back with)
 * that transaction, so every call goes through one queue and a transaction holds it until
 * it ends.
 */
class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite';
  private queue: Promise<unknown> = Promise.resolve();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly direct: SqlRunner = {
    all: async <T>(sql: string, params: SqlValue[] = []) => this.prepare(sql).all(...params) as T[],
    run: async (sql: string, params: SqlValue[] = []) => this.prepare(sql).run(...params).changes,
    allocate: async (counter: string, count: number) => {
      const { next_id } = this.prepare(
        `INSERT INTO meta_counters (name, next_id) VALUES (?, 1 + ?)
         ON CONFLICT (name) DO UPDATE SET next_id = next_id + ? RETURNING next_id`,
      ).get(counter, count, count) as { next_id: number };
      return next_id - count;
    },
  };

  constructor(private readonly db: Database.Database) {}

  all<T>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return this.serial(() => this.direct.all<T>(sql, params));
  }

  run(sql: string, params?: SqlValue[]): Promise<number> {
    return this.serial(() => this.direct.run(sql, params));
  }

  allocate(counter: string, count: number): Promise<number> {
    return this.serial(() => this.direct.allocate(counter, count));
  }

  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.serial(() => this.inTransaction(fn));
  }

  schemaChange(change: (db: SqlRunner) => Promise<void>): Promise<void> {
    return this.serial(async () => {
      // SQLite switches foreign keys only outside a transaction.
      this.db.pragma('foreign_keys = OFF');
      try {
        await this.inTransaction(async (tx) => {
          await change(tx);
          const broken = this.db.pragma('foreign_key_check') as unknown[];
          if (broken.length) throw new Error(`the schema change leaves ${broken.length} rows referring to no row`);
        });
      } finally {
        this.db.pragma('foreign_keys = ON');
      }
    });
  }

  /** Runs `fn` in one transaction; the caller holds the queue. */
  private async inTransaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    // IMMEDIATE takes the write lock up front, so another process cannot make us fail mid-way.
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = await fn(this.direct);
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      // Some errors (a full disk, say) make SQLite roll back by itself.
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  violation(err: unknown): 'unique' | 'foreign-key' | undefined {
    if (!(err instanceof Database.SqliteError)) return undefined;
    if (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'unique';
    if (err.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign-key';
    return undefined;
  }

  close(): Promise<void> {
    return this.serial(async () => {
      this.db.close();
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

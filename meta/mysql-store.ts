import mysql from 'mysql2/promise';
import { storeOver, type WriterFencing } from './fenced-driver.js';
import { createWriterSessionsTable, endOlderWriterSessions, registerWriterSessions, serverStarted } from './mysql-writer-sessions.js';
import type { SqlDriver, SqlRunner, SqlValue } from './sql-store.js';
import type { MetaStore } from './store.js';

export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/**
 * Connects to MySQL or MariaDB, creates the database if it is missing, then the tables;
 * fenced when `fencing` is given (meta/fenced-driver.ts).
 */
export async function openMysqlStore(target: MysqlTarget, fencing?: WriterFencing): Promise<MetaStore> {
  const { database, ...server } = target;
  const admin = await mysql.createConnection(server);
  let started = 0;
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS ${mysql.escapeId(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    if (fencing) {
      await admin.changeUser({ database });
      await createWriterSessionsTable(admin);
      started = await serverStarted(admin);
    }
  } finally {
    await admin.end();
  }
  const pool = mysql.createPool({ ...target, connectionLimit: 10 });
  if (fencing) registerWriterSessions(pool, fencing.epoch, started);
  try {
    return await storeOver(new MysqlDriver(pool), fencing);
  } catch (err) {
    await pool.end();
    throw err;
  }
}

/** A runner over one connection, or over the pool (each statement on any free connection). */
function runner(conn: mysql.Pool | mysql.PoolConnection): SqlRunner {
  return {
    async all<T>(sql: string, params: SqlValue[] = []) {
      const [rows] = await conn.query(sql, params);
      return rows as T[];
    },
    async run(sql: string, params: SqlValue[] = []) {
      const [result] = await conn.query<mysql.ResultSetHeader>(sql, params);
      return result.affectedRows;
    },
    async allocate(counter: string, count: number) {
      // One statement, atomic under the row lock. A new counter is inserted holding
      // 1 + count, handing out 1..count (affectedRows 1). An existing one is bumped by count
      // (affectedRows 2); LAST_INSERT_ID(expr) makes the server return its old value, the
      // first id reserved, in this statement's own reply, so no connection state is shared.
      const [result] = await conn.query<mysql.ResultSetHeader>(
        `INSERT INTO meta_counters (name, next_id) VALUES (?, 1 + ?)
         ON DUPLICATE KEY UPDATE next_id = LAST_INSERT_ID(next_id) + ?`,
        [counter, count, count],
      );
      return result.affectedRows === 1 ? 1 : result.insertId;
    },
  };
}

class MysqlDriver implements SqlDriver {
  readonly dialect = 'mysql';
  private readonly pooled: SqlRunner;

  constructor(private readonly pool: mysql.Pool) {
    this.pooled = runner(pool);
  }

  all<T>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return this.pooled.all<T>(sql, params);
  }

  run(sql: string, params?: SqlValue[]): Promise<number> {
    return this.pooled.run(sql, params);
  }

  allocate(counter: string, count: number): Promise<number> {
    return this.pooled.allocate(counter, count);
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const conn = await this.pool.getConnection();
    try {
      await conn.beginTransaction();
      const result = await fn(runner(conn));
      await conn.commit();
      conn.release();
      return result;
    } catch (err) {
      // A connection whose rollback fails is in an unknown state: close it rather than pool it.
      await conn.rollback().then(
        () => conn.release(),
        () => conn.destroy(),
      );
      throw err;
    }
  }

  // Each DDL statement commits by itself in MySQL: the change runs statement by statement.
  schemaChange(change: (db: SqlRunner) => Promise<void>): Promise<void> {
    return change(this.pooled);
  }

  endOlderWriterSessions(epoch: number): Promise<void> {
    return endOlderWriterSessions(this.pool, epoch);
  }

  violation(err: unknown): 'unique' | 'foreign-key' | undefined {
    const code = (err as { code?: unknown }).code;
    if (code === 'ER_DUP_ENTRY') return 'unique';
    if (code === 'ER_NO_REFERENCED_ROW_2') return 'foreign-key';
    return undefined;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

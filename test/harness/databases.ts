import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { MariadbInfo } from './mariadb.js';

/**
 * Creates a database no one has used yet on the shared MariaDB and returns its `mysql://`
 * URL, so that test files (and tests within a file) never see each other's tables.
 */
export async function createTestDatabase(server: MariadbInfo, label: string): Promise<string> {
  const name = `t_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const { host, port, user, password } = server;
  const conn = await mysql.createConnection({ host, port, user, password });
  try {
    await conn.query(`CREATE DATABASE ${mysql.escapeId(name)}`);
  } finally {
    await conn.end();
  }
  return `mysql://${user}:${password}@${host}:${port}/${name}`;
}

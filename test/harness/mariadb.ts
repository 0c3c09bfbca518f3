import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { findBinary } from './binaries.js';
import { withFreePorts } from './free-port.js';
import { supervise, waitUntilReady } from './supervise.js';

/** How to reach a MariaDB server: plain data, so the global setup can hand it to test files. */
export interface MariadbInfo {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** `mysql://user:password@127.0.0.1:port/database`, the `--meta` form. */
  url: string;
}

export interface MariadbInstance extends MariadbInfo {
  /** Kills the server and deletes its directory. */
  stop(): Promise<void>;
}

const USER = 'mishards';
const DATABASE = 'mishards';

// Small redo log and buffer pool: a test server holds little data, and the defaults would
// write ~100 MB per instance and reserve memory that the tests running beside it need.
const TUNING = ['--innodb-log-file-size=8M', '--innodb-buffer-pool-size=32M'];

/**
 * Starts a private MariaDB in a fresh temp dir: its own data dir, socket, pid file and a free
 * loopback port, so it coexists with any other MariaDB on the machine. Resolves once the
 * app user can log in over TCP to its database.
 */
export async function startMariadb(): Promise<MariadbInstance> {
  const installDb = findBinary('mariadb-install-db');
  const mariadbd = findBinary('mariadbd');
  // The bootstrap account authenticates by unix socket as the OS user running the tests
  // (root here), so no account is reachable over TCP without the password chosen below.
  const osUser = userInfo().username;
  const password = randomBytes(12).toString('hex');
  return withFreePorts(1, async ([port]) => {
    const dir = await mkdtemp(join(tmpdir(), 'mishards-mariadb-'));
    const dataDir = join(dir, 'data');
    const socketPath = join(dir, 'mysqld.sock');
    try {
      await promisify(execFile)(
        installDb,
        [
          '--no-defaults',
          `--datadir=${dataDir}`,
          `--user=${osUser}`,
          '--auth-root-authentication-method=socket',
          '--skip-test-db',
          // Its own temp dir: bootstraps running at once must not share temporary tables.
          `--tmpdir=${dir}`,
          ...TUNING,
        ],
        { timeout: 60_000 },
      );
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      const { stderr, message } = err as { stderr?: string; message: string };
      throw new Error(`mariadb-install-db failed: ${stderr || message}`);
    }
    const server = supervise(dir, mariadbd, [
      '--no-defaults',
      // mariadbd refuses to run as root unless told to; naming the current user is harmless otherwise.
      `--user=${osUser}`,
      `--datadir=${dataDir}`,
      `--socket=${socketPath}`,
      `--pid-file=${join(dir, 'mysqld.pid')}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      '--skip-name-resolve',
      `--tmpdir=${dir}`,
      ...TUNING,
    ]);
    const info: MariadbInfo = {
      host: '127.0.0.1',
      port,
      user: USER,
      password,
      database: DATABASE,
      url: `mysql://${USER}:${password}@127.0.0.1:${port}/${DATABASE}`,
    };
    try {
      await waitUntilReady('mariadbd', server, async () => {
        await provision(socketPath, osUser, info);
        await checkLogin(info);
      });
    } catch (err) {
      await server.stop();
      throw err;
    }
    return { ...info, stop: () => server.stop() };
  });
}

/** Creates the app user (all privileges: test files create their own databases) and database. Idempotent. */
async function provision(socketPath: string, osUser: string, info: MariadbInfo): Promise<void> {
  const admin = await mysql.createConnection({ socketPath, user: osUser, connectTimeout: 2000 });
  try {
    await admin.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [info.user, '%', info.password]);
    await admin.query('GRANT ALL PRIVILEGES ON *.* TO ?@?', [info.user, '%']);
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${info.database}\``);
  } finally {
    await admin.end();
  }
}

/** Logs in exactly as a test will: over TCP, with the password. */
async function checkLogin({ host, port, user, password, database }: MariadbInfo): Promise<void> {
  const conn = await mysql.createConnection({ host, port, user, password, database, connectTimeout: 2000 });
  try {
    await conn.query('SELECT 1');
  } finally {
    await conn.end();
  }
}

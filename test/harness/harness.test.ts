import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Etcd3 } from 'etcd3';
import mysql from 'mysql2/promise';
import { describe, expect, inject, it } from 'vitest';
import { findBinary, INSTALL_COMMAND } from './binaries.js';
import { startEtcd } from './etcd.js';
import { freePort } from '../../runtime/free-port.js';
import { withFreePorts } from './free-port.js';
import { startMariadb, type MariadbInfo } from './mariadb.js';

async function whoAmI({ host, port, user, password, database }: MariadbInfo): Promise<string> {
  const conn = await mysql.createConnection({ host, port, user, password, database });
  try {
    const [rows] = await conn.query("SELECT CONCAT(@@port, ':', DATABASE()) AS me");
    return (rows as { me: string }[])[0]!.me;
  } finally {
    await conn.end();
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('test harness', () => {
  it('shares a MariaDB that answers with the provided credentials', async () => {
    const shared = inject('mariadb');
    expect(shared.url).toBe(`mysql://${shared.user}:${shared.password}@127.0.0.1:${shared.port}/${shared.database}`);
    expect(await whoAmI(shared)).toBe(`${shared.port}:${shared.database}`);
  });

  it('shares an etcd that reads and writes', async () => {
    const client = new Etcd3({ hosts: `http://${inject('etcd').endpoint}` });
    try {
      await client.put('/harness-test/key').value('v');
      expect(await client.get('/harness-test/key').string()).toBe('v');
    } finally {
      client.close();
    }
  });

  it('starts a private MariaDB beside the shared one, and stop() kills it', async () => {
    const shared = inject('mariadb');
    const own = await startMariadb();
    expect(own.port).not.toBe(shared.port);
    expect(await whoAmI(own)).toBe(`${own.port}:${own.database}`);
    await own.stop();
    expect(await accepts(own.port)).toBe(false);
    expect(await whoAmI(shared)).toBe(`${shared.port}:${shared.database}`);
  });

  it('kills its servers when the process that started them dies, even by SIGKILL', async () => {
    const etcdModule = fileURLToPath(new URL('./etcd.ts', import.meta.url));
    const script = `
      const { startEtcd } = await import(${JSON.stringify(etcdModule)});
      const etcd = await startEtcd();
      console.log(etcd.endpoint);
      process.kill(process.pid, 'SIGKILL');
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await new Promise((resolve) => child.once('exit', resolve));
    const port = Number(out.trim().split(':')[1]);
    expect(port).toBeGreaterThan(0);
    await expect.poll(() => accepts(port), { timeout: 5000 }).toBe(false);
  });

  it('names the install command when a binary is missing', async () => {
    expect(() => findBinary('no-such-binary-for-mishards')).toThrow(INSTALL_COMMAND);
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startEtcd()).rejects.toThrow(
        `etcd is not installed (looked in PATH and /usr/local/sbin, /usr/sbin, /sbin). Install it with: ${INSTALL_COMMAND}`,
      );
    } finally {
      process.env.PATH = path;
    }
  });

  it('finds free loopback ports', async () => {
    const port = await freePort();
    expect(await accepts(port)).toBe(false);
  });

  it('retries a launch that lost its port to another process, and only that', async () => {
    const tried: number[][] = [];
    const launched = await withFreePorts(2, async (ports) => {
      tried.push(ports);
      if (tried.length === 1) throw new Error('listen tcp 127.0.0.1: bind: address already in use');
      return ports;
    });
    expect(tried).toHaveLength(2);
    expect(new Set(launched).size).toBe(2);
    let calls = 0;
    const broken = withFreePorts(1, async () => {
      calls++;
      throw new Error('unknown flag');
    });
    await expect(broken).rejects.toThrow('unknown flag');
    expect(calls).toBe(1);
  });
});

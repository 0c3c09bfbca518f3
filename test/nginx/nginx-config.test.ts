import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateNginx } from '../../nginx/apply/private-nginx.js';
import { SystemNginx } from '../../nginx/apply/system-nginx.js';
import { testConfig } from '../../nginx/apply/nginx-test.js';
import { findLuaModules } from '../../nginx/lua/modules.js';
import { LUA_PACKAGE_DIR, peersText, pushPeers } from '../../nginx/lua/peers.js';
import { privateMainConfig } from '../../nginx/render/main.js';
import { type RenderSettings, renderHttp } from '../../nginx/render/render.js';
import { HealthService } from '../../proto/health.js';
import { freePort } from '../../runtime/free-port.js';
import { spawnWatched } from '../../runtime/watchdog.js';
import { childPids } from '../harness/child-processes.js';
import { findBinary } from '../harness/binaries.js';
import { waitUntil } from '../harness/wait.js';
import { buildState, type Member } from './snapshots.js';

/**
 * The Nginx side of the agent against a real Nginx, without a cluster: what the renderer
 * writes passes `nginx -t` in every mode; the private Nginx swaps configurations safely; the
 * Lua balancer changes peers without a reload and skips a dead one; one TLS port serves gRPC
 * and REST. Upstreams are small servers in this process that say who answered.
 */
const NGINX = findBinary('nginx');
const LUA_MODULES = findLuaModules()!;
const CERT = join(import.meta.dirname, 'fixtures', 'tls-cert.pem');
const KEY = join(import.meta.dirname, 'fixtures', 'tls-key.pem');
const log = pino({ level: process.env.DBG ? 'debug' : 'silent' });

let dir: string;
const restBackends: Server[] = [];
let grpcBackend: grpc.Server;
let grpcPort: number;
const running: PrivateNginx[] = [];

/** An HTTP/1.1 server answering every request with its own port. */
async function restBackend(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(String((server.address() as AddressInfo).port)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

const port = (s: Server) => (s.address() as AddressInfo).port;

/** A writer (the gRPC health server here) and two coordinators whose REST ports are the HTTP backends. */
const members = (): Member[] => [
  { role: 'writer', name: 'w1', port: grpcPort },
  { role: 'coordinator', name: 'c1', port: 7010, http: port(restBackends[0]!) },
  { role: 'coordinator', name: 'c2', port: 7020, http: port(restBackends[1]!) },
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-nginx-config-'));
  // nginx -t of the rendered files checks the temporary paths under the directory.
  mkdirSync(join(dir, 'temp'));
  restBackends.push(await restBackend(), await restBackend());
  grpcBackend = new grpc.Server();
  grpcBackend.addService(HealthService.service, {
    Check: (_call: unknown, callback: grpc.sendUnaryData<{ status: string }>) => callback(null, { status: 'SERVING' }),
  });
  grpcPort = await new Promise<number>((resolve, reject) =>
    grpcBackend.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
});

afterAll(async () => {
  for (const n of running) await n.stop();
  for (const s of restBackends) {
    s.closeAllConnections();
    s.close();
  }
  grpcBackend?.forceShutdown();
  rmSync(dir, { recursive: true, force: true });
});

/** A private Nginx in a directory of its own, stopped after the file. */
function privateNginx(name: string): { nginx: PrivateNginx; prefix: string } {
  const prefix = join(dir, name);
  const nginx = new PrivateNginx({ binary: NGINX, prefix, log });
  running.push(nginx);
  return { nginx, prefix };
}

const main = (http: string, prefix: string, lua: boolean) =>
  privateMainConfig(http, { prefix, modules: lua ? LUA_MODULES : [], runAsRoot: process.getuid?.() === 0 });

/** A POST on a connection of its own: a kept-alive one may be closed by workers a reload retires. */
function get(address: string, path = '/v2/vectordb/collections/list'): Promise<{ status: number; body: string }> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host, port: Number(port), path, method: 'POST', agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end('{}');
  });
}

describe('what the renderer writes, Nginx takes', () => {
  const rules = {
    canary: {
      listener: 'mishards-front',
      match: {
        grpcMethod: 'Search',
        headers: [
          { name: 'x-tenant', regex: 'team-(a|b)' },
          { name: 'x_under', present: true },
        ],
        collection: 'c',
      },
      action: {
        weightedClusters: [
          { cluster: 'mishards-reader-g1', weight: 75 },
          { cluster: 'mishards-reader-g2', weight: 25 },
        ],
        timeout: '1.5s',
        retry: { on: ['5xx', 'reset'], numRetries: 2, perTryTimeout: '250ms' },
        hashPolicy: [{ header: 'x-user' }],
      },
    },
    rest: {
      listener: 'mishards-front',
      match: { pathPrefix: '/v2/vectordb/jobs/' },
      action: { cluster: 'mishards-coordinator-http', timeout: '2m' },
    },
  };
  const withReaders: Member[] = [
    { role: 'writer', name: 'w1', port: 7000 },
    { role: 'coordinator', name: 'c1', port: 7010, http: 7011 },
    { role: 'reader', name: 'r1', port: 7030, group: 'g1' },
    { role: 'reader', name: 'r2', port: 7040, group: 'g2' },
  ];
  const base: RenderSettings = { listener: 'mishards-front', restPort: undefined, tls: undefined, lua: undefined };

  it.each<[string, RenderSettings]>([
    ['reload mode', base],
    ['Lua mode', { ...base, lua: { packageDir: LUA_PACKAGE_DIR, adminSocket: '/tmp/mishards-test-admin.sock' } }],
    ['TLS', { ...base, tls: { certificate: CERT, key: KEY } }],
  ])('in %s, operator rules included', async (what, settings) => {
    const file = join(dir, `${what.replace(/\W/g, '')}.conf`);
    writeFileSync(file, main(renderHttp(buildState(withReaders, rules), settings).http, dir, settings.lua !== undefined));
    await testConfig(NGINX, ['-p', dir, '-c', file]);
  });

  it('and refuses what it cannot parse, with its reason', async () => {
    const file = join(dir, 'broken.conf');
    writeFileSync(file, main('server { listen 127.0.0.1:1; no_such_directive on; }\n', dir, false));
    await expect(testConfig(NGINX, ['-p', dir, '-c', file])).rejects.toThrow(/nginx -t: unknown directive "no_such_directive"/);
  });
});

describe('a private Nginx', () => {
  it('applies configurations safely: each reload confirmed; one refused by nginx -t or at the reload leaves the last good one serving', async () => {
    const { nginx, prefix } = privateNginx('apply');
    const [a, taken] = [await freePort(), await freePort()];
    const serve = (text: string, at = a) => main(`server {\n    listen 127.0.0.1:${at};\n    return 200 "${text}";\n}\n`, prefix, false);
    await nginx.apply(serve('one'));
    expect(nginx.running).toBe(true);
    const master = nginx.pid;
    expect((await get(`127.0.0.1:${a}`)).body).toBe('one');
    const workers = await childPids(master);

    await nginx.apply(serve('two'));
    // A reload: the same master, new workers. The old ones may take a last connection or two
    // before they stop accepting.
    expect(nginx.pid).toBe(master);
    await waitUntil('the new configuration answers', async () => (await get(`127.0.0.1:${a}`)).body === 'two');
    await waitUntil('the old workers are gone', async () => !(await childPids(master)).some((w) => workers.includes(w)));

    await expect(nginx.apply(serve('three').replace('return 200', 'retrun 200'))).rejects.toThrow(/nginx -t: unknown directive "retrun"/);
    expect(readFileSync(join(prefix, 'nginx.conf'), 'utf8')).toBe(serve('two'));

    // Valid, but its port is taken: Nginx refuses it at the reload and keeps the old one.
    const blocker = createServer().listen(taken, '127.0.0.1');
    await once(blocker, 'listening');
    try {
      await expect(nginx.apply(serve('four', taken))).rejects.toThrow(
        /refused the reload: bind\(\) to 127\.0\.0\.1:\d+ failed.*still could not bind/,
      );
    } finally {
      blocker.close();
    }
    expect((await get(`127.0.0.1:${a}`)).body).toBe('two');
    expect(readFileSync(join(prefix, 'nginx.conf'), 'utf8')).toBe(serve('two'));
    await nginx.stop();
    expect(nginx.running).toBe(false);
  });

  it("fails to start with Nginx's reason when its port is taken", async () => {
    const { nginx, prefix } = privateNginx('taken');
    const taken = await freePort();
    const blocker = createServer().listen(taken, '127.0.0.1');
    await once(blocker, 'listening');
    try {
      await expect(nginx.apply(main(`server {\n    listen 127.0.0.1:${taken};\n}\n`, prefix, false))).rejects.toThrow(
        /nginx did not start: .*bind\(\) to 127\.0\.0\.1:\d+ failed/,
      );
    } finally {
      blocker.close();
    }
  });
});

describe('an Nginx the operator runs', () => {
  it('gets the include file swapped, tested with the whole configuration and reloaded; a refused one is swapped back', async () => {
    const prefix = join(dir, 'operator');
    mkdirSync(join(prefix, 'temp'), { recursive: true });
    const include = join(prefix, 'mishards.conf');
    const [ours, theirs] = [await freePort(), await freePort()];
    // The operator's own configuration: a server of theirs, and the agent's file in the http block.
    const mainConfig = join(prefix, 'nginx.conf');
    writeFileSync(
      mainConfig,
      main(`server {\n    listen 127.0.0.1:${theirs};\n    return 200 "theirs";\n}\ninclude ${include};\n`, prefix, false),
    );
    const serve = (text: string) => `server {\n    listen 127.0.0.1:${ours};\n    return 200 "${text}";\n}\n`;
    writeFileSync(include, serve('one'));
    const operatorNginx = spawnWatched(NGINX, ['-c', mainConfig, '-e', 'stderr'], { signal: 'TERM' });
    const exited = once(operatorNginx, 'exit');
    try {
      await waitUntil("the operator's Nginx serves", async () => (await get(`127.0.0.1:${ours}`).catch(() => undefined))?.body === 'one');
      const fleet = new SystemNginx({ binary: NGINX, includeFile: include, mainConfig });
      await fleet.apply(serve('two'));
      await waitUntil('the reload took', async () => (await get(`127.0.0.1:${ours}`)).body === 'two');
      await expect(fleet.apply(serve('three').replace('return 200', 'retrun 200'))).rejects.toThrow(/nginx -t: unknown directive "retrun"/);
      expect(readFileSync(include, 'utf8')).toBe(serve('two'));
      expect((await get(`127.0.0.1:${ours}`)).body).toBe('two');
      expect((await get(`127.0.0.1:${theirs}`)).body).toBe('theirs');
    } finally {
      operatorNginx.stdin!.end();
      await exited;
    }
  });
});

describe('Lua mode', () => {
  it('changes peers without a reload, balances round robin, and skips a peer that fails', async () => {
    const { nginx, prefix } = privateNginx('lua');
    const front = await freePort();
    const adminSocket = join(prefix, 'admin.sock');
    const state = buildState(members(), {}, front);
    const rendered = renderHttp(state, {
      listener: 'mishards-front',
      restPort: undefined,
      tls: undefined,
      lua: { packageDir: LUA_PACKAGE_DIR, adminSocket },
    });
    await nginx.apply(main(rendered.http, prefix, true));
    await pushPeers(adminSocket, peersText(rendered.peers));
    const workers = await childPids(nginx.pid);
    const answers = async (n: number) => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) {
        const r = await get(rendered.rest);
        expect(r.status).toBe(200);
        out.push(r.body);
      }
      return out;
    };
    const [a, b] = restBackends.map((s) => String(port(s)));
    expect(new Set(await answers(10))).toEqual(new Set([a, b]));

    await pushPeers(adminSocket, peersText(new Map([['mishards-coordinator-http', [{ ip: '127.0.0.1', port: Number(b), weight: 1 }]]])));
    expect(new Set(await answers(10))).toEqual(new Set([b]));
    // No reload: the same workers serve.
    expect(await childPids(nginx.pid)).toEqual(workers);

    // A peer that refuses connections: the request goes on to the other one.
    const dead = await freePort();
    await pushPeers(
      adminSocket,
      peersText(
        new Map([
          [
            'mishards-coordinator-http',
            [
              { ip: '127.0.0.1', port: dead, weight: 1 },
              { ip: '127.0.0.1', port: Number(a), weight: 1 },
            ],
          ],
        ]),
      ),
    );
    expect(new Set(await answers(10))).toEqual(new Set([a]));
    // No peers: 502, as an upstream without endpoints.
    await pushPeers(adminSocket, peersText(new Map([['mishards-coordinator-http', []]])));
    expect((await get(rendered.rest)).status).toBe(502);
  });
});

describe('TLS', () => {
  it('serves gRPC and REST on one port, ALPN choosing HTTP/2 or HTTP/1.1', async () => {
    const { nginx, prefix } = privateNginx('tls');
    const front = await freePort();
    const rendered = renderHttp(buildState(members(), {}, front), {
      listener: 'mishards-front',
      restPort: undefined,
      tls: { certificate: CERT, key: KEY },
      lua: undefined,
    });
    await nginx.apply(main(rendered.http, prefix, false));
    const ca = readFileSync(CERT);
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port: front, path: '/v2/vectordb/collections/list', method: 'POST', ca, servername: 'localhost' },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(restBackends.map((s) => String(port(s)))).toContain(body);
    // Everything but search and REST goes to the writer: here the gRPC health server.
    const client = new HealthService(rendered.grpc, grpc.credentials.createSsl(ca), {
      'grpc.ssl_target_name_override': 'localhost',
    }) as any;
    const status = await new Promise<string>((resolve, reject) =>
      client.Check({ service: '' }, { deadline: Date.now() + 5000 }, (e: Error | null, r: { status: string }) =>
        e ? reject(e) : resolve(r.status),
      ),
    );
    client.close();
    expect(status).toBe('SERVING');
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { DataType, HttpClient, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { nodeKey } from '../../cluster/registry/schema.js';
import { routeKey } from '../../control-plane/routes/schema.js';
import { HealthService } from '../../proto/health.js';
import { freePort } from '../../runtime/free-port.js';
import { etcdForFile } from '../cluster/discovery/helpers.js';
import { servedBy, spread } from '../control-plane/xds-clients.js';
import { scrapeMetrics } from '../harness/metrics.js';
import { startMishards, type MishardsProcess } from '../harness/mishards-process.js';
import { waitUntil } from '../harness/wait.js';

/**
 * Nginx in front of a cluster whose membership comes from etcd: real etcd, real `mishards`
 * processes, the control plane and two agents, each with its private Nginx (Lua mode; reload
 * mode behind a second control-plane replica, whose listener takes another port). Calls go
 * through Nginx with the official SDK (no retries of its own) and grpc.health.v1 clients.
 * One cluster serves every case, in order: replicas and coordinators are killed with SIGKILL
 * during search loops, operator rules change the routes, the control plane is killed.
 */
const { etcd, prefix } = etcdForFile('nginx');
const DIM = 4;
const COLLECTION = 'through_nginx';
let dir: string;
const nodes = new Map<string, MishardsProcess>();
let controlPlane: MishardsProcess;
let replica: MishardsProcess;
let lua: MishardsProcess;
let reload: MishardsProcess;
let client: MilvusClient;
let frontPort: number;

const vec = (i: number) => [Math.sin(i), Math.cos(i * 0.5), (i % 7) / 7, 1];
const etcdArgs = () => ['--etcd', inject('etcd').endpoint, '--etcd-prefix', prefix];

function startNode(role: 'writer' | 'reader' | 'coordinator', name: string, group?: string): Promise<MishardsProcess> {
  return startMishards([
    role,
    ...etcdArgs(),
    '--lease-ttl',
    '2',
    '--name',
    name,
    ...(group ? ['--group', group] : []),
    ...(role === 'coordinator' ? ['--http-port', '0'] : ['--data-dir', join(dir, name)]),
    ...(role === 'writer' ? ['--seal-rows', '50'] : []),
    '--port',
    '0',
    '--metrics-port',
    '0',
    '--meta',
    `sqlite:${join(dir, 'meta.sqlite')}`,
    '--storage',
    join(dir, 'storage'),
  ]);
}

function startControlPlane(port: number, front: number): Promise<MishardsProcess> {
  return startMishards([
    'control-plane',
    ...etcdArgs(),
    '--port',
    String(port),
    '--metrics-port',
    '0',
    '--health-interval',
    '1',
    '--debounce',
    '10',
    '--front-host',
    '127.0.0.1',
    '--front-port',
    String(front),
  ]);
}

function startAgent(name: string, cp: MishardsProcess, mode: 'lua' | 'reload'): Promise<MishardsProcess> {
  return startMishards([
    'nginx-agent',
    '--xds',
    cp.addresses.grpc!,
    '--name',
    name,
    '--nginx-mode',
    mode,
    '--metrics-port',
    '0',
    '--data-dir',
    join(dir, name),
    '--debounce',
    '10',
  ]);
}

const json = async (url: string) => (await fetch(url)).json() as Promise<any>;
const agentStatus = (agent: MishardsProcess) => json(`http://${agent.addresses.metrics}/nginx/status`);
const nginxConf = (name: string) => readFileSync(join(dir, name, 'nginx', 'nginx.conf'), 'utf8');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-nginx-e2e-'));
  frontPort = await freePort();
  // All at once: readers and coordinators wait for the writer to register, control planes for nothing.
  const names = ['w1', 'g1-a', 'g1-b', 'g2-a', 'c1', 'c2'];
  const started = await Promise.all([
    startNode('writer', 'w1'),
    startNode('reader', 'g1-a', 'g1'),
    startNode('reader', 'g1-b', 'g1'),
    startNode('reader', 'g2-a', 'g2'),
    startNode('coordinator', 'c1'),
    startNode('coordinator', 'c2'),
    startControlPlane(0, frontPort),
    freePort().then((p) => startControlPlane(0, p)),
  ]);
  for (const [i, name] of names.entries()) nodes.set(name, started[i]!);
  [controlPlane, replica] = started.slice(names.length) as [MishardsProcess, MishardsProcess];
  [lua, reload] = await Promise.all([startAgent('nginx-lua', controlPlane, 'lua'), startAgent('nginx-reload', replica, 'reload')]);
  client = new MilvusClient({ address: lua.addresses.grpc!, logLevel: 'error', maxRetries: 0, timeout: 10_000 });
  await client.connectPromise;
}, 120_000);

afterAll(async () => {
  await client?.closeConnection();
  await Promise.all([lua, reload, controlPlane, replica, ...nodes.values()].filter(Boolean).map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Searches through Nginx from `concurrency` loops until stopped; each failure is kept with
 * its time and message. At most `concurrency` searches are in flight at any time.
 */
function searchLoop(concurrency = 4) {
  let running = true;
  const failures: { at: number; message: string }[] = [];
  let calls = 0;
  const loops = Array.from({ length: concurrency }, async (_, k) => {
    for (let i = k; running; i += concurrency) {
      try {
        const res = await client.search({ collection_name: COLLECTION, data: vec(i % 200), limit: 3 });
        if (res.status.error_code !== 'Success') throw new Error(`${res.status.error_code}: ${res.status.reason}`);
        if (res.results[0]?.id !== String(i % 200)) throw new Error(`top hit ${res.results[0]?.id}, not ${i % 200}`);
        calls++;
      } catch (e) {
        failures.push({ at: Date.now(), message: (e as Error).message });
      }
    }
  });
  return {
    get calls() {
      return calls;
    },
    failures,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** Failures up to `settledAt` (the window the kill opened) and after it. */
function split(failures: { at: number }[], settledAt: number): { during: number; after: number } {
  return { during: failures.filter((f) => f.at <= settledAt).length, after: failures.filter((f) => f.at > settledAt).length };
}

const registered = async (role: string, name: string) => (await etcd.get(nodeKey(prefix, role as any, name)).string()) !== null;

describe('Nginx in front, programmed over xDS', () => {
  it('passes the SDK over gRPC and REST through Nginx, in Lua mode and in reload mode', async () => {
    expect(lua.addresses.grpc).toBe(`127.0.0.1:${frontPort}`);
    expect(lua.addresses.http).toBe(`127.0.0.1:${frontPort + 1}`);
    expect(
      (
        await client.createCollection({
          collection_name: COLLECTION,
          consistency_level: 'Strong',
          fields: [
            { name: 'id', data_type: DataType.Int64, is_primary_key: true },
            { name: 'v', data_type: DataType.FloatVector, dim: DIM },
          ],
        })
      ).error_code,
    ).toBe('Success');
    expect(
      (await client.createIndex({ collection_name: COLLECTION, field_name: 'v', index_type: 'FLAT', metric_type: 'L2' })).error_code,
    ).toBe('Success');
    await client.loadCollectionSync({ collection_name: COLLECTION });
    for (let b = 0; b < 4; b++) {
      const rows = Array.from({ length: 50 }, (_, i) => ({ id: b * 50 + i, v: vec(b * 50 + i) }));
      expect(Number((await client.insert({ collection_name: COLLECTION, data: rows })).insert_cnt)).toBe(50);
    }
    await client.flushSync({ collection_names: [COLLECTION] });
    const res = await client.search({ collection_name: COLLECTION, data: vec(123), limit: 3 });
    expect(res.results[0]!.id).toBe('123');
    const query = await client.query({ collection_name: COLLECTION, filter: 'id in [7, 8]', output_fields: ['id'] });
    expect(query.data.map((r) => r.id).sort()).toEqual(['7', '8']);

    for (const agent of [lua, reload]) {
      const rest = new HttpClient({ endpoint: `http://${agent.addresses.http}`, timeout: 10_000 });
      const hits = await rest.search({ collectionName: COLLECTION, data: [vec(42)], limit: 1 } as any);
      expect(hits.code).toBe(0);
      expect((hits.data as any[])[0].id).toBe('42');
      expect((await rest.listCollections({})).data).toContain(COLLECTION);
    }
    const viaReload = new MilvusClient({ address: reload.addresses.grpc!, logLevel: 'error', maxRetries: 0 });
    expect((await viaReload.search({ collection_name: COLLECTION, data: vec(77), limit: 1 })).results[0]!.id).toBe('77');
    await viaReload.closeConnection();
    expect((await agentStatus(lua)).mode).toBe('lua');
    expect((await agentStatus(reload)).mode).toBe('reload');
  });

  it('loses no search when a reader replica is killed: Lua mode takes the change without a reload', async () => {
    const [luaBefore, reloadBefore] = await Promise.all([agentStatus(lua), agentStatus(reload)]);
    const victim = nodes.get('g1-b')!;
    const victimPort = victim.addresses.grpc!.split(':')[1]!;
    const loop = searchLoop();
    await waitUntil('searches run', async () => loop.calls >= 20);
    await victim.kill();
    nodes.delete('g1-b');
    await waitUntil("the replica's lease expired", async () => !(await registered('reader', 'g1-b')), 20_000);
    await waitUntil('the reload agent reloaded without it', async () => !nginxConf('nginx-reload').includes(`:${victimPort} `), 20_000);
    const settledAt = Date.now();
    const callsAtSettle = loop.calls;
    await waitUntil('searches go on', async () => loop.calls >= callsAtSettle + 100);
    await loop.stop();
    const { during, after } = split(loop.failures, settledAt);
    console.log(`reader replica SIGKILL: ${loop.calls} searches, ${during} failed before the lease expired, ${after} after`);
    expect(after).toBe(0);
    expect(during).toBeLessThanOrEqual(4);
    // Lua mode: the peers changed in the balancer, Nginx was not reloaded; reload mode reloaded.
    const [luaAfter, reloadAfter] = await Promise.all([agentStatus(lua), agentStatus(reload)]);
    expect(luaAfter.configurationsApplied).toBe(luaBefore.configurationsApplied);
    expect(reloadAfter.configurationsApplied).toBeGreaterThan(reloadBefore.configurationsApplied);
    expect((await scrapeMetrics(lua.addresses.metrics!))('mishards_nginx_peer_updates_total')).toBeGreaterThan(1);
  });

  it('loses at most the searches in flight when a coordinator is killed, none after its lease expires; a new one gets traffic', async () => {
    const loop = searchLoop();
    await waitUntil('searches run', async () => loop.calls >= 20);
    await nodes.get('c1')!.kill();
    nodes.delete('c1');
    await waitUntil("the coordinator's lease expired", async () => !(await registered('coordinator', 'c1')), 20_000);
    await waitUntil(
      'the reload agent reloaded without it',
      async () => (nginxConf('nginx-reload').match(/server 127\.0\.0\.1:\d+ max_fails=2/g) ?? []).length === 4,
      20_000,
    );
    const settledAt = Date.now();
    const callsAtSettle = loop.calls;
    const c3 = await startNode('coordinator', 'c3');
    nodes.set('c3', c3);
    const searchesOn = async (p: MishardsProcess) =>
      (await scrapeMetrics(p.addresses.metrics!))('mishards_requests_total', { method: 'Search' });
    await waitUntil('the new coordinator answers searches through Nginx', async () => (await searchesOn(c3)) >= 20, 30_000);
    await waitUntil('searches go on', async () => loop.calls >= callsAtSettle + 100);
    await loop.stop();
    const { during, after } = split(loop.failures, settledAt);
    console.log(`coordinator SIGKILL: ${loop.calls} searches, ${during} failed before the lease expired, ${after} after`);
    expect(after).toBe(0);
    expect(during).toBeLessThanOrEqual(4);
  });

  it('follows an operator rule (weights 80/20 between reader groups, a timeout) in its configuration and its traffic; a bad rule is NACKed', async () => {
    const rule = {
      listener: 'mishards-front',
      match: { grpcMethod: 'grpc.health.v1.Health/Check' },
      action: {
        weightedClusters: [
          { cluster: 'mishards-reader-g1', weight: 80 },
          { cluster: 'mishards-reader-g2', weight: 20 },
        ],
        timeout: '3s',
      },
    };
    await etcd.put(routeKey(prefix, 'split')).value(JSON.stringify(rule));
    await waitUntil('the rule is in the Nginx configuration', async () => nginxConf('nginx-lua').includes('80% mishards-reader-g1;'));
    const conf = nginxConf('nginx-lua');
    expect(conf).toContain('* mishards-reader-g2;');
    expect(conf).toMatch(/# rule\/split\n\s+location \^~ \/_mishards\/0\/ \{[^}]*grpc_read_timeout 3s;[^}]*grpc_next_upstream_timeout 3s;/);

    const health = new HealthService(lua.addresses.grpc!, grpc.credentials.createInsecure()) as any;
    const g2 = nodes.get('g2-a')!.addresses.grpc!;
    const g1 = nodes.get('g1-a')!.addresses.grpc!;
    // Workers a reload retires may answer a last call or two by the old routes (the writer's).
    await waitUntil('calls take the rule', async () => [g1, g2].includes(await servedBy(health)));
    const n = 1000;
    const counts = await spread(health, n);
    expect(new Set(counts.keys())).toEqual(new Set([g1, g2]));
    const share = (counts.get(g2) ?? 0) / n;
    console.log(`80/20 rule: ${((1 - share) * 100).toFixed(1)}% to g1, ${(share * 100).toFixed(1)}% to g2 over ${n} calls`);
    expect(Math.abs(share - 0.2)).toBeLessThanOrEqual(0.07);

    // A rule the control plane takes but Nginx cannot express: NACKed, with the reason, in the
    // control plane's view of its clients; Nginx keeps the last good configuration.
    await etcd.put(routeKey(prefix, 'bad')).value(
      JSON.stringify({
        listener: 'mishards-front',
        match: { grpcMethod: 'Query' },
        action: { cluster: 'mishards-coordinator', retry: { on: ['internal'], numRetries: 1 } },
      }),
    );
    const routeStatus = async () => {
      const clients = await json(`http://${controlPlane.addresses.metrics}/xds/clients`);
      return clients.find((c: any) => c.node.id === 'nginx-lua')?.types.find((t: any) => t.typeUrl.endsWith('RouteConfiguration'));
    };
    await waitUntil('the agent NACKs the routes', async () => (await routeStatus())?.nacked !== undefined);
    expect((await routeStatus()).nacked.message).toMatch(/retry on gRPC status internal: the status arrives in the trailers/);
    expect(nginxConf('nginx-lua')).toBe(conf);
    expect((await agentStatus(lua)).lastRejection.reason).toMatch(/retry on gRPC status internal/);
    expect([...(await spread(health, 20)).keys()].every((a) => a === g1 || a === g2)).toBe(true);
    // Fixed: ACKed again.
    await etcd.delete().key(routeKey(prefix, 'bad'));
    await waitUntil('the agent ACKs the routes again', async () => (await routeStatus())?.nacked === undefined);
    health.close();
  });

  it('keeps serving while the control plane is killed and restarted; the agent reconnects and takes changes again', async () => {
    const port = Number(controlPlane.addresses.grpc!.split(':')[1]);
    const loop = searchLoop();
    await waitUntil('searches run', async () => loop.calls >= 20);
    await controlPlane.kill();
    const whileDown = loop.calls;
    await waitUntil('searches go on without a control plane', async () => loop.calls >= whileDown + 100);
    await waitUntil('the agent notices', async () => !(await agentStatus(lua)).controlPlane.connected);
    controlPlane = await startControlPlane(port, frontPort);
    await waitUntil('the agent is back on the control plane, its routes ACKed', async () => {
      const clients = await json(`http://${controlPlane.addresses.metrics}/xds/clients`);
      const route = clients.find((c: any) => c.node.id === 'nginx-lua')?.types.find((t: any) => t.typeUrl.endsWith('RouteConfiguration'));
      return route?.acked !== undefined;
    });
    await etcd.delete().key(routeKey(prefix, 'split'));
    await waitUntil("the rule's removal reaches Nginx", async () => !nginxConf('nginx-lua').includes('split_clients'));
    await loop.stop();
    console.log(`control plane SIGKILL and restart: ${loop.calls} searches, ${loop.failures.length} failed`);
    expect(loop.failures).toEqual([]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { decodeEnvoy } from '../../envoy-schema/index.js';
import { routeKey } from '../../control-plane/routes/schema.js';
import { onFreePorts, startMishards, type MishardsProcess } from '../harness/mishards-process.js';
import { etcdForFile } from '../cluster/discovery/helpers.js';
import { waitUntil } from '../harness/wait.js';
import { servedBy, spread, startCsds, xdsHealthClient, type ResourceStatus } from './xds-clients.js';

/**
 * The control plane end to end: real etcd, real `mishards` processes registering in it, a
 * real `mishards control-plane`, and real @grpc/grpc-js-xds clients (two node ids) calling
 * through `xds:///` targets.
 */
const { etcd, prefix } = etcdForFile('xds-e2e');
let dir: string;
let controlPlane: MishardsProcess;
let adsAddress: string;
const readers: Record<string, MishardsProcess> = {};
let writer: MishardsProcess;
let csds: Awaited<ReturnType<typeof startCsds>>;

function startControlPlane(port: number): Promise<MishardsProcess> {
  return startMishards([
    'control-plane',
    '--etcd',
    inject('etcd').endpoint,
    '--etcd-prefix',
    prefix,
    '--port',
    String(port),
    '--metrics-port',
    '0',
    '--health-interval',
    '1',
    '--debounce',
    '10',
  ]);
}

function startNode(role: 'reader' | 'writer', name: string, group?: string): Promise<MishardsProcess> {
  return startMishards([
    role,
    '--etcd',
    inject('etcd').endpoint,
    '--etcd-prefix',
    prefix,
    '--lease-ttl',
    '2',
    '--name',
    name,
    ...(group ? ['--group', group] : []),
    ...onFreePorts(join(dir, name)),
    '--meta',
    `sqlite:${join(dir, 'meta.sqlite')}`,
    '--storage',
    join(dir, 'storage'),
  ]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-xds-'));
  writer = await startNode('writer', 'w1');
  const [a, b, c] = await Promise.all([
    startNode('reader', 'g1-a', 'g1'),
    startNode('reader', 'g1-b', 'g1'),
    startNode('reader', 'g2-a', 'g2'),
  ]);
  Object.assign(readers, { 'g1-a': a, 'g1-b': b, 'g2-a': c });
  controlPlane = await startControlPlane(0);
  adsAddress = controlPlane.addresses.grpc!;
  csds = await startCsds();
}, 60_000);

afterAll(async () => {
  csds?.close();
  await Promise.all([controlPlane, writer, ...Object.values(readers)].filter(Boolean).map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
});

const g1 = () => new Set([readers['g1-a']!.addresses.grpc, readers['g1-b']!.addresses.grpc]);

async function routeOf(nodeId: string, name: string): Promise<ResourceStatus | undefined> {
  return (await csds.fetch()).find((r) => r.nodeId === nodeId && r.typeUrl.endsWith('RouteConfiguration') && r.name === name);
}

describe('xDS for proxyless gRPC clients', () => {
  const alpha = () => xdsHealthClient(adsAddress, 'client-alpha', 'mishards-reader-g1');
  let clientAlpha: ReturnType<typeof alpha>;

  it('calls through xds:/// targets reach the registered processes, for several node ids', async () => {
    clientAlpha = alpha();
    const counts = await spread(clientAlpha, 40);
    // Round robin over the group's two replicas, nothing else.
    expect(new Set(counts.keys())).toEqual(g1());
    for (const n of counts.values()) expect(n).toBeGreaterThanOrEqual(10);

    const beta = xdsHealthClient(adsAddress, 'client-beta', 'mishards-writer');
    expect(await servedBy(beta)).toBe(writer.addresses.grpc);
    const g2 = xdsHealthClient(adsAddress, 'client-beta', 'mishards-reader-g2');
    expect(await servedBy(g2)).toBe(readers['g2-a']!.addresses.grpc);

    // Both node ids are known clients, each holding the listeners it asked for, ACKed.
    const status = await csds.fetch();
    const listeners = status.filter((r) => r.typeUrl.endsWith('.Listener'));
    expect(listeners.map((r) => `${r.nodeId}:${r.name}:${r.status}`).sort()).toEqual([
      'client-alpha:mishards-reader-g1:ACKED',
      'client-beta:mishards-reader-g2:ACKED',
      'client-beta:mishards-writer:ACKED',
    ]);
    beta.close();
    g2.close();
  });

  it('a weighted operator route splits calls in the configured ratio', async () => {
    await etcd.put(routeKey(prefix, 'canary')).value(
      JSON.stringify({
        listener: 'mishards-reader-g1',
        action: {
          weightedClusters: [
            { cluster: 'mishards-reader-g1', weight: 70 },
            { cluster: 'mishards-reader-g2', weight: 30 },
          ],
        },
      }),
    );
    const g2Address = readers['g2-a']!.addresses.grpc!;
    await waitUntil('calls reach g2 through the g1 target', async () => (await servedBy(clientAlpha)) === g2Address);
    const n = 600;
    const counts = await spread(clientAlpha, n);
    const toG2 = (counts.get(g2Address) ?? 0) / n;
    // Binomial(600, 0.3): sd 0.019; 0.3 +- 0.08 is more than 4 sd.
    expect(toG2).toBeGreaterThan(0.22);
    expect(toG2).toBeLessThan(0.38);
    expect([...counts.keys()].every((a) => a === g2Address || g1().has(a))).toBe(true);
  });

  it('bad route keys are reported by key and leave the data plane as it was', async () => {
    const before = await routeOf('client-alpha', 'mishards-reader-g1');
    expect(before?.status).toBe('ACKED');
    const bad: Record<string, string> = {
      'bad-json': '{"listener": ',
      'bad-weights': JSON.stringify({
        listener: 'mishards-reader-g1',
        action: {
          weightedClusters: [
            { cluster: 'mishards-reader-g1', weight: 50 },
            { cluster: 'mishards-reader-g2', weight: 20 },
          ],
        },
      }),
      'bad-regex': JSON.stringify({
        listener: 'mishards-reader-g1',
        match: { headers: [{ name: 'x-tenant', regex: '(unclosed' }] },
        action: { cluster: 'mishards-reader-g2' },
      }),
      'bad-cluster': JSON.stringify({ listener: 'mishards-reader-g1', action: { cluster: 'mishards-reader-g9' } }),
    };
    for (const [name, value] of Object.entries(bad)) await etcd.put(routeKey(prefix, name)).value(value);
    // The existing canary rule updated to a cluster that does not exist: its previous value stays.
    await etcd
      .put(routeKey(prefix, 'canary'))
      .value(JSON.stringify({ listener: 'mishards-reader-g1', action: { cluster: 'mishards-reader-g7' } }));
    await waitUntil('every bad key is reported', async () =>
      [...Object.keys(bad), 'canary'].every((name) => controlPlane.output().includes(routeKey(prefix, name))),
    );
    const out = controlPlane.output();
    expect(out).toMatch(/bad-json.*not JSON/);
    expect(out).toMatch(/bad-weights.*weights must sum to 100/);
    expect(out).toMatch(/bad-regex.*not a valid RE2 regex/);
    expect(out).toMatch(/bad-cluster.*unknown cluster mishards-reader-g9/);
    expect(out).toMatch(/canary.*unknown cluster mishards-reader-g7.*previous value stays/);

    // A good change after the bad ones reaches the clients: the pipeline has processed them all.
    const marker = xdsHealthClient(adsAddress, 'client-alpha', 'mishards-writer');
    await etcd.put(routeKey(prefix, 'marker')).value(
      JSON.stringify({
        listener: 'mishards-writer',
        match: { headers: [{ name: 'x-marker', present: true }] },
        action: { cluster: 'mishards-writer' },
      }),
    );
    await waitUntil('the marker rule is in the client', async () => {
      await servedBy(marker);
      const route = await routeOf('client-alpha', 'mishards-writer');
      return Boolean(route?.raw?.includes('rule/marker'));
    });
    marker.close();
    const after = await routeOf('client-alpha', 'mishards-reader-g1');
    expect(after?.status).toBe('ACKED');
    expect(after?.raw).toEqual(before?.raw);
    for (const name of [...Object.keys(bad), 'marker']) await etcd.delete().key(routeKey(prefix, name));
  });

  it('a resource the client rejects is NACKed (seen through CSDS) while traffic keeps flowing', async () => {
    const g2 = xdsHealthClient(adsAddress, 'client-alpha', 'mishards-reader-g2');
    expect(await servedBy(g2)).toBe(readers['g2-a']!.addresses.grpc);
    // Valid for Envoy (0 retries: retry nothing), rejected by gRPC, which needs at least 1.
    await etcd.put(routeKey(prefix, 'no-retries')).value(
      JSON.stringify({
        listener: 'mishards-reader-g2',
        action: { cluster: 'mishards-reader-g2', retry: { on: ['unavailable'], numRetries: 0 } },
      }),
    );
    await waitUntil('the client NACKs the route', async () => (await routeOf('client-alpha', 'mishards-reader-g2'))?.status === 'NACKED');
    const nacked = (await routeOf('client-alpha', 'mishards-reader-g2'))!;
    expect(nacked.error).toMatch(/num_retries/);
    expect(await servedBy(g2)).toBe(readers['g2-a']!.addresses.grpc);
    // The client's own status changes before its NACK reaches the control plane's stream.
    await waitUntil('the control plane logs the NACK', async () => /NACK/i.test(controlPlane.output()));
    // The operator fixes the rule. (Deleting it would restore the exact configuration the
    // client still holds, which grpc-js does not re-ACK in CSDS: it skips unchanged resources.)
    await etcd.put(routeKey(prefix, 'no-retries')).value(
      JSON.stringify({
        listener: 'mishards-reader-g2',
        action: { cluster: 'mishards-reader-g2', retry: { on: ['unavailable'], numRetries: 1 } },
      }),
    );
    await waitUntil('the client is back to ACKED', async () => (await routeOf('client-alpha', 'mishards-reader-g2'))?.status === 'ACKED');
    expect((await routeOf('client-alpha', 'mishards-reader-g2'))!.raw!.includes('rule/no-retries')).toBe(true);
    await etcd.delete().key(routeKey(prefix, 'no-retries'));
    g2.close();
  });

  it('restarting the control plane does not interrupt calls', async () => {
    const port = Number(adsAddress.split(':')[1]);
    let failures = 0;
    let calls = 0;
    let running = true;
    const load = (async () => {
      while (running) {
        await servedBy(clientAlpha).then(
          () => calls++,
          () => failures++,
        );
      }
    })();
    await controlPlane.kill();
    const callsWhileDown = calls;
    await waitUntil('calls keep being answered without a control plane', async () => calls >= callsWhileDown + 50);
    controlPlane = await startControlPlane(port);
    // The new control plane serves: removing the canary rule reaches the client.
    await etcd.delete().key(routeKey(prefix, 'canary'));
    await waitUntil('the canary rule is gone', async () => {
      const counts = await spread(clientAlpha, 30);
      return [...counts.keys()].every((a) => g1().has(a));
    });
    running = false;
    await load;
    expect(failures).toBe(0);
    expect(calls).toBeGreaterThan(100);
  }, 60_000);

  it('two control-plane replicas over the same etcd serve the same versions', async () => {
    const replica = await startControlPlane(0);
    try {
      const status = async (p: MishardsProcess) => (await (await fetch(`http://${p.addresses.metrics}/xds/status`)).json()) as any;
      await waitUntil('both replicas serve the same snapshot', async () => {
        const [a, b] = await Promise.all([status(controlPlane), status(replica)]);
        return a.version === b.version;
      });
      const [a, b] = await Promise.all([status(controlPlane), status(replica)]);
      expect(b.resources).toEqual(a.resources);
      expect(a.version).toMatch(/^\d+-/);
    } finally {
      await replica.stop();
    }
  });

  it('a reader killed with SIGKILL leaves the endpoints once its lease expires; traffic moves to its replica', async () => {
    const victim = readers['g1-a']!;
    const victimPort = Number(victim.addresses.grpc!.split(':')[1]);
    const survivor = readers['g1-b']!.addresses.grpc!;
    const endpointPorts = async () => {
      const cla = (await csds.fetch()).find(
        (r) => r.nodeId === 'client-alpha' && r.typeUrl.endsWith('ClusterLoadAssignment') && r.name === 'mishards-reader-g1',
      );
      const decoded = decodeEnvoy('envoy.config.endpoint.v3.ClusterLoadAssignment', cla!.raw!) as any;
      return decoded.endpoints.flatMap((l: any) => l.lb_endpoints.map((e: any) => e.endpoint.address.socket_address.port_value));
    };
    expect(await endpointPorts()).toContain(victimPort);
    const killedAt = Date.now();
    await victim.kill();
    delete readers['g1-a'];
    await waitUntil('the killed reader is gone from the endpoints', async () => !(await endpointPorts()).includes(victimPort), 20_000);
    // Nobody deregistered it: it went when etcd expired its 2 s lease.
    expect(Date.now() - killedAt).toBeGreaterThan(1000);
    expect(await endpointPorts()).toEqual([Number(survivor.split(':')[1])]);
    const counts = await spread(clientAlpha, 50);
    expect([...counts.keys()]).toEqual([survivor]);
    clientAlpha.close();
  }, 30_000);
});

import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CONTROL_PLANE_DEFAULTS } from '../../control-plane/defaults.js';
import { decodeEnvoy } from '../../envoy-schema/index.js';
import { nodeKey } from '../../cluster/registry/schema.js';
import { startControlPlane, type RunningControlPlane } from '../../control-plane/server.js';
import { TypeUrl, type Snapshot } from '../../control-plane/xds/snapshot.js';
import { etcdForFile, memoryLogger } from '../cluster/discovery/helpers.js';
import { scrapeMetrics } from '../harness/metrics.js';
import { waitUntil } from '../harness/wait.js';
import { TcpProxy } from '../cluster/discovery/tcp-proxy.js';

/**
 * The control plane's own safety rules, in process over the shared etcd: the last good
 * snapshot stays while etcd is unreachable, and a snapshot removing most endpoints at once is
 * held back until the removal has lasted the hold time.
 */
const { etcd, prefix } = etcdForFile('control-plane');
let proxy: TcpProxy;
let viaProxy: Etcd3;
let cp: RunningControlPlane;
const { log, records } = memoryLogger();
const HOLD_MS = 1500;

beforeAll(async () => {
  const [host, port] = inject('etcd').endpoint.split(':');
  proxy = new TcpProxy({ host: host!, port: Number(port) });
  await proxy.start();
  viaProxy = new Etcd3({ hosts: proxy.address });
  cp = await startControlPlane({
    ...CONTROL_PLANE_DEFAULTS,
    etcd: viaProxy,
    prefix,
    host: '127.0.0.1',
    port: 0,
    metricsPort: 0,
    // The registered addresses are made up: no health verdict may change during the test.
    health: { intervalMs: 3_600_000, timeoutMs: 200, unhealthyThreshold: 2 },
    guard: { maxRemovedFraction: 0.5, minEndpoints: 4, holdMs: HOLD_MS },
    log,
  });
});

afterAll(async () => {
  await cp?.stop();
  viaProxy?.close();
  await proxy?.cut();
});

/** The control plane's mishards_etcd_up, as Prometheus would scrape it. */
async function etcdUp(): Promise<number> {
  return (await scrapeMetrics(cp.metrics))('mishards_etcd_up');
}

async function reader(name: string, port: number): Promise<void> {
  await etcd.put(nodeKey(prefix, 'reader', name)).value(
    JSON.stringify({
      role: 'reader',
      name,
      group: 'g1',
      addresses: { grpc: `127.0.0.1:${port}`, metrics: `127.0.0.1:${port + 1}` },
      version: '0',
      startedAt: new Date().toISOString(),
    }),
  );
}

/** The ports of group g1's endpoints in a snapshot. */
function g1Ports(s: Snapshot | undefined): number[] {
  const cla = s?.types.get(TypeUrl.endpoint)?.resources.get('mishards-reader-g1');
  if (!cla) return [];
  const decoded = decodeEnvoy('envoy.config.endpoint.v3.ClusterLoadAssignment', cla.value) as any;
  return decoded.endpoints.flatMap((l: any) => l.lb_endpoints.map((e: any) => e.endpoint.address.socket_address.port_value));
}

/** Resolves with the next snapshot the control plane serves that satisfies `accept`. */
function nextSnapshot(accept: (s: Snapshot) => boolean): Promise<Snapshot> {
  return new Promise((resolve) => {
    const off = cp.cache.subscribe((s) => {
      if (!accept(s)) return;
      off();
      resolve(s);
    });
  });
}

describe('the control plane', () => {
  it('holds a snapshot removing most endpoints at once, and pushes it when the removal lasts', async () => {
    const all = nextSnapshot((s) => g1Ports(s).length === 6);
    await Promise.all([0, 1, 2, 3, 4, 5].map((i) => reader(`r${i}`, 43000 + i * 10)));
    await all;

    const removedAt = Date.now();
    const pushed = nextSnapshot((s) => g1Ports(s).length === 1);
    // Five of six go in one transaction: one burst, one snapshot.
    await etcd
      .if(nodeKey(prefix, 'reader', 'r0'), 'Version', '>', 0)
      .then(...[1, 2, 3, 4, 5].map((i) => etcd.delete().key(nodeKey(prefix, 'reader', `r${i}`))))
      .commit();
    await waitUntil('the guard held the snapshot back', async () =>
      records.some((r) => r.msg === 'snapshot held back by the mass-removal guard'),
    );
    expect(g1Ports(cp.cache.current())).toHaveLength(6);
    const held = records.find((r) => r.msg === 'snapshot held back by the mass-removal guard')!;
    expect(held.reason).toMatch(/would remove 5 of 6 endpoints/);

    await pushed;
    expect(Date.now() - removedAt).toBeGreaterThanOrEqual(HOLD_MS - 50);
    expect(records.some((r) => r.msg === 'large endpoint removal persisted; pushing it')).toBe(true);
  });

  it('keeps serving the last good snapshot while etcd is unreachable, then catches up', async () => {
    await reader('r1', 43010);
    await nextSnapshot((s) => g1Ports(s).length === 2);
    const before = cp.cache.current()!;

    expect(await etcdUp()).toBe(1);

    await proxy.cut();
    await etcd.delete().key(nodeKey(prefix, 'reader', 'r1'));
    await waitUntil('the watch noticed etcd is gone', async () =>
      records.some((r) => /etcd (watch broken|read or watch failed)/.test(r.msg)),
    );
    expect(cp.cache.current()).toBe(before);
    // What MishardsEtcdUnreachable reads.
    expect(await etcdUp()).toBe(0);

    const caughtUp = nextSnapshot((s) => g1Ports(s).length === 1);
    await proxy.start();
    await caughtUp;
    await waitUntil('mishards_etcd_up is back to 1', async () => (await etcdUp()) === 1);
  }, 30_000);
});

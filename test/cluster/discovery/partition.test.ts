import { afterAll, beforeAll, expect, it } from 'vitest';
import { Etcd3 } from 'etcd3';
import { EtcdDiscovery } from '../../../cluster/etcd-discovery.js';
import { registerNode, type Registration } from '../../../cluster/registry/register.js';
import { nodeKey } from '../../../cluster/registry/schema.js';
import { startEtcd, type EtcdInstance } from '../../harness/etcd.js';
import { membersWhen, memoryLogger } from './helpers.js';
import { waitUntil } from '../../harness/wait.js';
import { TcpProxy } from './tcp-proxy.js';

/**
 * A partition between a node and etcd, longer than its lease TTL, while the cluster changes
 * and etcd compacts its history: discovery keeps the last good membership meanwhile, then
 * resynchronises; the registration comes back under a new lease. A private etcd, since the
 * test compacts it.
 */
const prefix = '/partition';
let server: EtcdInstance;
let proxy: TcpProxy;
let direct: Etcd3;
let viaProxy: Etcd3;

beforeAll(async () => {
  server = await startEtcd();
  const [host, port] = server.endpoint.split(':');
  proxy = new TcpProxy({ host: host!, port: Number(port) });
  await proxy.start();
  direct = new Etcd3({ hosts: server.endpoint });
  viaProxy = new Etcd3({ hosts: proxy.address });
});

afterAll(async () => {
  viaProxy?.close();
  direct?.close();
  await proxy?.cut();
  await server?.stop();
});

function reader(name: string, port: number): string {
  return JSON.stringify({
    role: 'reader',
    name,
    group: 'g1',
    addresses: { grpc: `127.0.0.1:${port}`, metrics: `127.0.0.1:${port + 1}` },
    version: '0',
    startedAt: new Date().toISOString(),
  });
}

it('keeps the last good membership while etcd is unreachable, then resynchronises and registers again', async () => {
  await direct.put(nodeKey(prefix, 'reader', 'r1')).value(reader('r1', 42000));
  const { log, records } = memoryLogger();
  let registration: Registration | undefined;
  const discovery = await EtcdDiscovery.open({ etcd: viaProxy, prefix, log });
  try {
    registration = await registerNode({
      etcd: viaProxy,
      prefix,
      role: 'coordinator',
      name: 'victim',
      version: '0',
      ttlSeconds: 2,
      log,
      addresses: { grpc: '127.0.0.1:42100', metrics: '127.0.0.1:42101' },
    });
    const names = (m: { name: string }[]) =>
      m
        .map((x) => x.name)
        .sort()
        .join(',');
    await membersWhen(discovery, 'the coordinator registered', (m) => names(m) === 'r1,victim');

    await proxy.cut();
    // etcd expires the unrenewed lease; the cluster changes; its history is compacted.
    await waitUntil('the partitioned registration expired', async () => (await direct.get(registration!.key).string()) === null);
    await direct.put(nodeKey(prefix, 'reader', 'r2')).value(reader('r2', 42010));
    await direct.delete().key(nodeKey(prefix, 'reader', 'r1'));
    const revision = (await direct.get('anything').exec()).header.revision;
    await direct.kv.compact({ revision, physical: true });
    expect(names(discovery.members())).toBe('r1,victim');

    await proxy.start();
    await membersWhen(discovery, 'discovery resynchronised and the coordinator registered again', (m) => names(m) === 'r2,victim', 60_000);
    expect(records.some((r) => r.msg === 'etcd watch broken; resynchronising')).toBe(true);
    expect(records.some((r) => r.msg === 'etcd lease lost; registering again')).toBe(true);
    const lease = (await direct.get(registration.key).exec()).kvs[0]!.lease;
    expect(Number((await direct.leaseClient.leaseTimeToLive({ ID: lease })).TTL)).toBeGreaterThan(0);

    // And the watch works again after the resync.
    await direct.put(nodeKey(prefix, 'reader', 'r3')).value(reader('r3', 42020));
    await membersWhen(discovery, 'r3 joins', (m) => names(m) === 'r2,r3,victim');
  } finally {
    await registration?.stop();
    discovery.close();
  }
});

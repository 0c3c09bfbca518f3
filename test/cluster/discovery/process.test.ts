import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { EtcdDiscovery } from '../../../cluster/etcd-discovery.js';
import { nodeKey } from '../../../cluster/registry/schema.js';
import { onFreePorts, startMishards } from '../../harness/mishards-process.js';
import { checkHealth, membersWhen, memoryLogger, etcdForFile } from './helpers.js';

/**
 * Real `mishards reader --etcd` processes: listed while they run, gone at once on a clean
 * stop, gone after the lease TTL when killed with SIGKILL.
 */
const { etcd, prefix } = etcdForFile('process');
let dir: string;
let discovery: EtcdDiscovery;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-discovery-'));
  discovery = await EtcdDiscovery.open({ etcd, prefix, log: memoryLogger().log });
});

afterAll(async () => {
  discovery?.close();
  rmSync(dir, { recursive: true, force: true });
});

function startReader(group: string) {
  return startMishards([
    'reader',
    '--etcd',
    inject('etcd').endpoint,
    '--etcd-prefix',
    prefix,
    '--lease-ttl',
    '2',
    '--group',
    group,
    ...onFreePorts(join(dir, group)),
    '--meta',
    `sqlite:${join(dir, 'meta.sqlite')}`,
    '--storage',
    join(dir, 'storage'),
  ]);
}

it('a clean stop leaves the membership at once; SIGKILL leaves it when the lease expires', async () => {
  const [a, b] = await Promise.all([startReader('ga'), startReader('gb')]);
  // The ready line comes after the registration: both are listed.
  const members = await membersWhen(discovery, 'both readers are listed', (m) => m.length === 2, 5000);
  expect(members.map((m) => [m.group, m.address]).sort()).toEqual([
    ['ga', a.addresses.grpc],
    ['gb', b.addresses.grpc],
  ]);
  expect(await checkHealth(a.addresses.grpc!)).toBe('SERVING');
  expect(await checkHealth(a.addresses.grpc!, 'mishards.data.DataNode')).toBe('SERVING');

  // SIGTERM: the key is deleted before the process exits, so it is gone when stop() returns.
  const keyOfA = nodeKey(prefix, 'reader', members.find((m) => m.group === 'ga')!.name);
  expect(await a.stop()).toBe(0);
  expect(await etcd.get(keyOfA).string()).toBeNull();
  await membersWhen(discovery, 'ga left', (m) => m.length === 1 && m[0]!.group === 'gb');

  // SIGKILL: nobody revokes; the member goes when etcd expires its 2 s lease.
  const killedAt = Date.now();
  await b.kill();
  expect(discovery.members().map((m) => m.group)).toEqual(['gb']);
  await membersWhen(discovery, 'gb expired', (m) => m.length === 0, 10_000);
  const gone = Date.now() - killedAt;
  expect(gone).toBeGreaterThan(1000);
  expect(gone).toBeLessThan(8000);
  expect(await etcd.getAll().prefix(`${prefix}/nodes/`).keys()).toEqual([]);
});

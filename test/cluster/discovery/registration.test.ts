import { describe, expect, it } from 'vitest';
import { defaultNodeName, registerNode } from '../../../cluster/registry/register.js';
import { nodeKey, NodeRegistrationSchema } from '../../../cluster/registry/schema.js';
import { memoryLogger, etcdForFile } from './helpers.js';
import { waitUntil } from '../../harness/wait.js';

/** registerNode against the harness's etcd: the key, its JSON, its lease, and its removal. */
const { etcd, prefix } = etcdForFile('registration');

async function leaseOf(key: string): Promise<string | undefined> {
  const res = await etcd.get(key).exec();
  return res.kvs[0]?.lease;
}

describe('registerNode', () => {
  it('puts the registration as JSON under a lease kept alive, and deletes it on stop', async () => {
    const { log } = memoryLogger();
    const before = Date.now();
    const reg = await registerNode({
      etcd,
      prefix,
      role: 'reader',
      group: 'g1',
      addresses: { grpc: '127.0.0.1:40001', metrics: '127.0.0.1:40002' },
      version: '1.2.3',
      ttlSeconds: 5,
      log,
    });
    const key = nodeKey(prefix, 'reader', 'reader-g1-127.0.0.1-40001');
    expect(reg.key).toBe(key);
    const stored = JSON.parse((await etcd.get(key).string())!);
    expect(NodeRegistrationSchema.parse(stored)).toEqual(stored);
    expect(stored).toMatchObject({
      role: 'reader',
      name: 'reader-g1-127.0.0.1-40001',
      group: 'g1',
      addresses: { grpc: '127.0.0.1:40001', metrics: '127.0.0.1:40002' },
      version: '1.2.3',
    });
    expect(Date.parse(stored.startedAt)).toBeGreaterThanOrEqual(before - 1000);
    const lease = await leaseOf(key);
    expect(lease).toBeDefined();
    expect(lease).not.toBe('0');
    const ttl = await etcd.leaseClient.leaseTimeToLive({ ID: lease!, keys: true });
    expect(Number(ttl.grantedTTL)).toBe(5);
    expect(ttl.keys.map((k) => k.toString())).toEqual([key]);
    // Kept alive: the key stays under the same lease, checked throughout 1.5 TTLs.
    const until = Date.now() + 7500;
    await waitUntil('1.5 TTLs went by with the key in place', async () => {
      expect(await leaseOf(key)).toBe(lease);
      return Date.now() > until;
    });

    await reg.stop();
    expect(await etcd.get(key).string()).toBeNull();
    const after = await etcd.leaseClient.leaseTimeToLive({ ID: lease!, keys: false });
    expect(Number(after.TTL)).toBe(-1);
  });

  it('registers again under a new lease when etcd drops the lease', async () => {
    const { log, records } = memoryLogger();
    const reg = await registerNode({
      etcd,
      prefix,
      role: 'writer',
      name: 'w1',
      addresses: { grpc: '127.0.0.1:40011', http: '127.0.0.1:40013', metrics: '127.0.0.1:40012' },
      version: '1.2.3',
      ttlSeconds: 2,
      log,
    });
    const first = await leaseOf(reg.key);
    const value = await etcd.get(reg.key).string();
    expect(JSON.parse(value!).addresses.http).toBe('127.0.0.1:40013');
    // As if etcd had expired it (a partition longer than the TTL): the key goes with it.
    await etcd.leaseClient.leaseRevoke({ ID: first! });
    await waitUntil('the registration is back under another lease', async () => {
      const lease = await leaseOf(reg.key);
      return lease !== undefined && lease !== first;
    });
    expect(await etcd.get(reg.key).string()).toBe(value);
    expect(records.some((r) => r.msg === 'etcd lease lost; registering again' && r.key === reg.key)).toBe(true);
    await reg.stop();
    expect(await etcd.get(reg.key).string()).toBeNull();
  });

  it('refuses to publish a registration readers would reject', async () => {
    const { log } = memoryLogger();
    await expect(
      registerNode({
        etcd,
        prefix,
        role: 'reader',
        addresses: { grpc: '127.0.0.1:1', metrics: '127.0.0.1:2' },
        version: '1',
        ttlSeconds: 2,
        log,
      }),
    ).rejects.toThrow(/a reader needs a group/);
    expect((await etcd.getAll().prefix(`${prefix}/nodes/reader/`).keys()).length).toBe(0);
  });

  it('derives names from role, group and address, fit for one key segment', () => {
    expect(defaultNodeName('coordinator', undefined, '10.0.0.5:19530')).toBe('coordinator-10.0.0.5-19530');
    expect(defaultNodeName('reader', 'g 2', 'host-a:7000')).toBe('reader-g_2-host-a-7000');
  });
});

import { describe, expect, it } from 'vitest';
import { writerAddress } from '../../../cluster/discovery.js';
import { EtcdDiscovery } from '../../../cluster/etcd-discovery.js';
import { nodeKey } from '../../../cluster/registry/schema.js';
import { membersWhen, memoryLogger, etcdForFile } from './helpers.js';

/** EtcdDiscovery against the harness's etcd, with registrations written by hand. */
const { etcd, prefix } = etcdForFile('etcd-discovery');

function registration(role: 'writer' | 'reader' | 'coordinator', name: string, port: number, extra: Record<string, unknown> = {}) {
  return {
    role,
    name,
    addresses: { grpc: `127.0.0.1:${port}`, metrics: `127.0.0.1:${port + 1}` },
    version: '0.1.0',
    startedAt: new Date().toISOString(),
    ...extra,
  };
}

async function put(value: ReturnType<typeof registration>): Promise<void> {
  await etcd.put(nodeKey(prefix, value.role, value.name)).value(JSON.stringify(value));
}

describe('EtcdDiscovery', () => {
  it('reads the members there are, then follows puts and deletes', async () => {
    await put(registration('reader', 'r1', 41000, { group: 'g1' }));
    const { log } = memoryLogger();
    const discovery = await EtcdDiscovery.open({ etcd, prefix: `${prefix}/`, log });
    try {
      expect(discovery.members()).toEqual([
        { role: 'reader', name: 'r1', group: 'g1', address: '127.0.0.1:41000', startedAt: expect.any(String) },
      ]);
      await put(registration('reader', 'r2', 41010, { group: 'g2' }));
      await membersWhen(discovery, 'r2 joins', (m) => m.some((x) => x.name === 'r2' && x.group === 'g2'));
      // A changed address replaces the member's.
      await put(registration('reader', 'r2', 41020, { group: 'g2' }));
      await membersWhen(discovery, 'r2 moves', (m) => m.some((x) => x.name === 'r2' && x.address === '127.0.0.1:41020'));
      await etcd.delete().key(nodeKey(prefix, 'reader', 'r1'));
      const left = await membersWhen(discovery, 'r1 leaves', (m) => !m.some((x) => x.name === 'r1'));
      expect(left.map((m) => m.name)).toEqual(['r2']);
    } finally {
      discovery.close();
    }
  });

  it('reports a bad value with its key and reason, and ignores it', async () => {
    const { log, records } = memoryLogger();
    const discovery = await EtcdDiscovery.open({ etcd, prefix, log });
    const invalid: [string, string][] = [];
    discovery.on('invalid', (key: string, reason: string) => invalid.push([key, reason]));
    try {
      const before = discovery.members().map((m) => m.name);
      const notJson = nodeKey(prefix, 'reader', 'garbage');
      const noGroup = nodeKey(prefix, 'reader', 'nogroup');
      const badAddress = nodeKey(prefix, 'coordinator', 'c1');
      const misplaced = nodeKey(prefix, 'reader', 'elsewhere');
      await etcd.put(notJson).value('{not json');
      await etcd.put(noGroup).value(JSON.stringify(registration('reader', 'nogroup', 41100)));
      await etcd
        .put(badAddress)
        .value(JSON.stringify({ ...registration('coordinator', 'c1', 41110), addresses: { grpc: 'http://x', metrics: '127.0.0.1:1' } }));
      await etcd.put(misplaced).value(JSON.stringify(registration('reader', 'somebody-else', 41120, { group: 'g1' })));
      // A good registration written after them: once it shows, every bad one was seen.
      await put(registration('writer', 'w1', 41130));
      await membersWhen(discovery, 'w1 joins', (m) => m.some((x) => x.name === 'w1'));
      expect(
        discovery
          .members()
          .map((m) => m.name)
          .filter((n) => !before.includes(n)),
      ).toEqual(['w1']);
      const reasons = new Map(invalid);
      expect(reasons.get(notJson)).toMatch(/^not JSON/);
      expect(reasons.get(noGroup)).toBe('group: a reader needs a group');
      expect(reasons.get(badAddress)).toBe('addresses.grpc: must be HOST:PORT');
      expect(reasons.get(misplaced)).toBe(`the value's role and name belong under ${nodeKey(prefix, 'reader', 'somebody-else')}`);
      const logged = records.filter((r) => r.msg === 'etcd value rejected; ignored');
      expect(logged.map((r) => r.key).sort()).toEqual([notJson, noGroup, badAddress, misplaced].sort());
      expect(logged.every((r) => r.level === 50 && typeof r.reason === 'string')).toBe(true);

      // A bad overwrite leaves the member's last good registration in place.
      await etcd.put(nodeKey(prefix, 'writer', 'w1')).value('null');
      await put(registration('writer', 'w2', 41140));
      const members = await membersWhen(discovery, 'w2 joins', (m) => m.some((x) => x.name === 'w2'));
      expect(members.find((m) => m.name === 'w1')?.address).toBe('127.0.0.1:41130');
      expect(invalid.at(-1)![0]).toBe(nodeKey(prefix, 'writer', 'w1'));

      // Bad values already in etcd are reported on the initial read as well.
      const { log: log2, records: records2 } = memoryLogger();
      const second = await EtcdDiscovery.open({ etcd, prefix, log: log2 });
      second.close();
      expect(records2.filter((r) => r.msg === 'etcd value rejected; ignored').length).toBe(5);
      expect(
        second
          .members()
          .map((m) => m.name)
          .sort(),
      ).toEqual(['r2', 'w2']);
    } finally {
      discovery.close();
      await etcd.delete().prefix(`${prefix}/nodes/writer/`);
    }
  });

  it('finds the most recently started writer, waiting until one is listed', async () => {
    const { log } = memoryLogger();
    const discovery = await EtcdDiscovery.open({ etcd, prefix, log });
    try {
      const found = writerAddress(discovery);
      await put(registration('writer', 'old', 41200, { startedAt: '2020-01-01T00:00:00.000Z' }));
      expect(await found).toBe('127.0.0.1:41200');
      await put(registration('writer', 'new', 41210));
      await membersWhen(discovery, 'the new writer is listed', (m) => m.filter((x) => x.role === 'writer').length === 2);
      expect(await writerAddress(discovery)).toBe('127.0.0.1:41210');
    } finally {
      discovery.close();
    }
  });
});

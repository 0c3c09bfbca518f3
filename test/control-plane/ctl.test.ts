import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { ctl } from '../../cli/ctl.js';
import { nodeKey } from '../../cluster/registry/schema.js';
import { BoundedLoadRing } from '../../cluster/routing/bounded-load-ring.js';
import { routeKey } from '../../control-plane/routes/schema.js';
import { encodeView, type CollectionView } from '../../meta/collection-view.js';
import { MetadataFeedService } from '../../proto/data-node.js';
import { etcdForFile } from '../cluster/discovery/helpers.js';

const { etcd, prefix } = etcdForFile('ctl');
const dir = mkdtempSync(join(tmpdir(), 'mishards-ctl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string }> {
  return runIn(prefix, ...argv);
}

async function runIn(etcdPrefix: string, ...argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await ctl([...argv, '--etcd', inject('etcd').endpoint, '--etcd-prefix', etcdPrefix], (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

async function register(role: 'writer' | 'reader', name: string, port: number, group?: string, startedAt = '2026-01-01T00:00:00.000Z') {
  await etcd.put(nodeKey(prefix, role, name)).value(
    JSON.stringify({
      role,
      name,
      ...(group ? { group } : {}),
      addresses: { grpc: `127.0.0.1:${port}`, metrics: `127.0.0.1:${port + 1}` },
      version: '0.1.0',
      startedAt,
    }),
  );
}

/** Collection c: segments 1..12 of 100 rows and one of 900 in a loaded partition, 50 and 51 in a released one. */
const VIEW: CollectionView = {
  record: {
    id: 1,
    dbId: 1,
    name: 'c',
    schema: { name: 'c', description: '', fields: [], enableDynamicField: false },
    shardsNum: 1,
    consistencyLevel: 0,
    properties: {},
    loadNewPartitions: true,
    createdAt: 0,
  },
  partitions: [
    { id: 1, collectionId: 1, name: '_default', createdAt: 0, loaded: true },
    { id: 2, collectionId: 1, name: 'cold', createdAt: 0, loaded: false },
  ],
  indexes: [],
  segments: [
    // Segments 1 and 2 were placed on g1 and g2 before, 3 on a group that has left since.
    ...Array.from({ length: 12 }, (_, i) => ({
      id: i + 1,
      partitionId: 1,
      rows: 100,
      state: 'sealed' as const,
      ...(i < 3 ? { placedGroup: ['g1', 'g2', 'gone'][i] } : {}),
    })),
    { id: 13, partitionId: 1, rows: 900, state: 'sealed' as const },
    { id: 50, partitionId: 2, rows: 100, state: 'sealed' as const },
    { id: 51, partitionId: 2, rows: 100, state: 'sealed' as const },
  ],
  unsealedRows: false,
};

/** A writer's metadata feed serving VIEW (Watch: the snapshot, then nothing), on a free port. */
async function startFeed(): Promise<{ port: number; stop: () => void }> {
  const server = new grpc.Server();
  server.addService(MetadataFeedService.service, {
    Watch(call: grpc.ServerWritableStream<unknown, unknown>) {
      call.write({ version: '1', collection_name: 'c', view_json: encodeView(VIEW), snapshot_done: false });
      call.write({ version: '1', collection_name: '', view_json: '', snapshot_done: true });
    },
    Version(_call: unknown, callback: grpc.sendUnaryData<unknown>) {
      callback(null, { version: '1' });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { port, stop: () => server.forceShutdown() };
}

describe('mishards ctl', () => {
  it('lists the registered nodes and shows the placement: rows per group, imbalance, owners', async () => {
    const feed = await startFeed();
    onTestFinished(() => feed.stop());
    await register('writer', 'w1', 7000);
    await register('reader', 'r1', 7010, 'g1');
    await register('reader', 'r2', 7020, 'g2');
    await register('reader', 'r3', 7030, 'g2');
    const nodes = await run('nodes');
    expect(nodes.code).toBe(0);
    expect(nodes.out.split('\n')[0]).toMatch(/^ROLE\s+NAME\s+GROUP\s+GRPC/);
    expect(nodes.out).toMatch(/reader\s+r3\s+g2\s+127\.0\.0\.1:7030/);
    const json = JSON.parse((await run('nodes', '--json')).out);
    expect(json.map((n: any) => n.name).sort()).toEqual(['r1', 'r2', 'r3', 'w1']);

    // The writer w1 at :7000 answers nothing: ring reads the feed of the most recently started writer.
    await register('writer', 'w2', feed.port, undefined, '2026-01-02T00:00:00.000Z');

    const ring = JSON.parse((await run('ring', '--segments', '1,2,13,50,100', '--json')).out);
    const served = VIEW.segments.filter((s) => s.partitionId === 1);
    const reference = new BoundedLoadRing(['g1', 'g2']).assign(served.map((s) => ({ id: s.id, rows: s.rows, anchor: s.placedGroup })));
    // The recorded groups are kept (the bounds hold with them), and the rest is not recorded.
    expect([reference.owner(1), reference.owner(2)]).toEqual(['g1', 'g2']);
    expect(ring.router).toBe('bounded-load');
    expect(ring.rows).toBe(2100);
    expect(ring.groups).toEqual(
      ['g1', 'g2'].map((g, i) => ({
        group: g,
        readers: [['r1'], ['r2', 'r3']][i],
        segments: reference.segmentCounts.get(g),
        rows: reference.rows.get(g),
      })),
    );
    expect(ring.groups.reduce((n: number, g: any) => n + g.rows, 0)).toBe(2100);
    expect(ring.imbalance).toBeCloseTo(Math.max(...reference.rows.values()) / 1050, 9);
    expect(ring.imbalance).toBeLessThanOrEqual(1.25);
    expect(ring.unrecorded).toBe(11);
    // Segments of the released partition, and unknown ones, are not placed.
    expect(ring.owners).toEqual([
      { segment: 1, group: 'g1', recorded: 'g1' },
      { segment: 2, group: 'g2', recorded: 'g2' },
      { segment: 13, group: reference.owner(13), recorded: null },
      { segment: 50, group: null, recorded: null },
      { segment: 100, group: null, recorded: null },
    ]);
    const text = (await run('ring', '--segments', '50')).out;
    expect(text).toMatch(
      /^bounded-load placement: 13 served segments, 2100 rows on 2 reader groups; imbalance \(max\/mean rows\) \d\.\d{3}; 11 not on their recorded group yet$/m,
    );
    expect(text).toMatch(
      new RegExp(`^g2\\s+${reference.segmentCounts.get('g2')}\\s+${reference.rows.get('g2')}\\s+\\d+\\.\\d%\\s+r2,r3$`, 'm'),
    );
    expect(text).toMatch(/^50\s+\(not served\)\s+-$/m);
  });

  it('says why it cannot place without a registered writer', async () => {
    expect(await runIn(`${prefix}/empty`, 'ring')).toEqual({
      code: 1,
      out: 'no writer is registered: the served segments and their rows are unknown',
    });
  });

  it('validates route rules against the schema and the cluster, and writes only valid ones', async () => {
    const good = {
      listener: 'mishards-reader-g1',
      action: {
        weightedClusters: [
          { cluster: 'mishards-reader-g1', weight: 80 },
          { cluster: 'mishards-reader-g2', weight: 20 },
        ],
      },
    };
    expect(await run('routes', 'validate', file('good.json', good))).toEqual({ code: 0, out: 'valid' });
    const unknown = await run(
      'routes',
      'validate',
      file('unknown.json', { listener: 'mishards-reader-g1', action: { cluster: 'mishards-reader-g9' } }),
    );
    expect(unknown.code).toBe(1);
    expect(unknown.out).toMatch(/unknown cluster mishards-reader-g9/);

    const rejected = await run(
      'routes',
      'put',
      'canary',
      file('weights.json', {
        ...good,
        action: {
          weightedClusters: [
            { cluster: 'mishards-reader-g1', weight: 80 },
            { cluster: 'mishards-reader-g2', weight: 30 },
          ],
        },
      }),
    );
    expect(rejected.code).toBe(1);
    expect(rejected.out).toBe(
      `not written: ${routeKey(prefix, 'canary')}: action.weightedClusters: weightedClusters weights must sum to 100`,
    );
    expect(await etcd.get(routeKey(prefix, 'canary')).string()).toBeNull();

    expect(await run('routes', 'put', 'canary', file('good2.json', good))).toEqual({
      code: 0,
      out: `written ${routeKey(prefix, 'canary')}`,
    });
    expect(JSON.parse((await run('routes', 'get', 'canary')).out)).toEqual(good);

    // A bad value written past ctl shows up in the list with its reason.
    await etcd.put(routeKey(prefix, 'broken')).value('{"listener":');
    const list = await run('routes', 'list');
    expect(list.code).toBe(1);
    expect(list.out).toMatch(/canary\s+ok/);
    expect(list.out).toMatch(/broken\s+.*not JSON/);

    expect((await run('routes', 'delete', 'broken')).code).toBe(0);
    expect(await run('routes', 'delete', 'broken')).toEqual({ code: 1, out: `no route rule at ${routeKey(prefix, 'broken')}` });
    expect((await run('routes', 'list')).code).toBe(0);
  });
});

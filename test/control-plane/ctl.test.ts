import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ctl } from '../../cli/ctl.js';
import { nodeKey } from '../../cluster/registry/schema.js';
import { routeKey } from '../../control-plane/routes/schema.js';
import { ConsistentHashRing } from '../../cluster/routing/consistent-hash-ring.js';
import { etcdForFile } from '../cluster/discovery/helpers.js';

const { etcd, prefix } = etcdForFile('ctl');
const dir = mkdtempSync(join(tmpdir(), 'mishards-ctl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await ctl([...argv, '--etcd', inject('etcd').endpoint, '--etcd-prefix', prefix], (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

async function register(role: 'writer' | 'reader', name: string, port: number, group?: string) {
  await etcd.put(nodeKey(prefix, role, name)).value(
    JSON.stringify({
      role,
      name,
      ...(group ? { group } : {}),
      addresses: { grpc: `127.0.0.1:${port}`, metrics: `127.0.0.1:${port + 1}` },
      version: '0.1.0',
      startedAt: '2026-01-01T00:00:00.000Z',
    }),
  );
}

describe('mishards ctl', () => {
  it('lists the registered nodes and shows the ring', async () => {
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

    const ring = JSON.parse((await run('ring', '--segments', '1,2,3,100', '--json')).out);
    const reference = new ConsistentHashRing(['g1', 'g2']);
    expect(ring.groups.map((g: any) => [g.group, g.readers])).toEqual([
      ['g1', ['r1']],
      ['g2', ['r2', 'r3']],
    ]);
    expect(ring.groups.reduce((s: number, g: any) => s + g.share, 0)).toBeCloseTo(1, 9);
    expect(ring.owners).toEqual([1, 2, 3, 100].map((id) => ({ segment: id, group: reference.owner(id) })));
    expect((await run('ring')).out).toMatch(/g2\s+\d+\.\d%\s+r2,r3/);
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

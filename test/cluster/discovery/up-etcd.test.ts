import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { NodeRegistrationSchema, type NodeRegistration } from '../../../cluster/registry/schema.js';
import { collectionIdOf, DataNodeClient } from '../../harness/data-node-client.js';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from '../../harness/mishards-process.js';
import { checkHealth, etcdForFile } from './helpers.js';
import type { StatusReport } from '../../../runtime/status-page.js';
import { waitUntil } from '../../harness/wait.js';
import { ctl } from '../../../cli/ctl.js';

/**
 * `mishards up --etcd --writers 2`: every child registers, a writer leads and the other stands
 * by (docs/writer-ha.md), the coordinator and readers take the membership from etcd (no
 * discovery file) and follow the leader, and the SDK's basic flow works through the
 * coordinator. A second coordinator started with only --etcd finds the writer there.
 */
const DIM = 4;
const { etcd, prefix } = etcdForFile('up');
let dir: string;
let cluster: MishardsProcess;
let client: MilvusClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-up-etcd-'));
  cluster = await startMishards([
    'up',
    '--etcd',
    inject('etcd').endpoint,
    '--etcd-prefix',
    prefix,
    '--readers',
    '2',
    '--writers',
    '2',
    ...onFreePorts(dir),
    '--seal-rows',
    '50',
  ]);
  client = await connectSdk(cluster.addresses.grpc!);
});

afterAll(async () => {
  await client?.closeConnection();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function registrations(): Promise<NodeRegistration[]> {
  const values = Object.values(await etcd.getAll().prefix(`${prefix}/nodes/`).strings());
  return values.map((v) => NodeRegistrationSchema.parse(JSON.parse(v)));
}

function vec(i: number): number[] {
  return [Math.sin(i), Math.cos(i * 0.5), i % 7, 1];
}

it('registers every child and writes no discovery file', async () => {
  const nodes = await registrations();
  expect(nodes.map((n) => `${n.role}${n.group ? `:${n.group}` : ''}`).sort()).toEqual([
    'coordinator',
    'reader:g1',
    'reader:g2',
    'writer',
    'writer',
  ]);
  expect(nodes.find((n) => n.role === 'coordinator')!.addresses.grpc).toBe(cluster.addresses.grpc);
  expect(existsSync(join(dir, 'cluster.yaml'))).toBe(false);
  for (const n of nodes) expect(await checkHealth(n.addresses.grpc)).toBe('SERVING');
});

it('serves create, insert, flush and search through the coordinator, with segments on the discovered readers', async () => {
  const name = 'etcd_flow';
  expect(
    (
      await client.createCollection({
        collection_name: name,
        consistency_level: 'Strong',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'v', data_type: DataType.FloatVector, dim: DIM },
        ],
      })
    ).error_code,
  ).toBe('Success');
  expect((await client.createIndex({ collection_name: name, field_name: 'v', index_type: 'FLAT', metric_type: 'L2' })).error_code).toBe(
    'Success',
  );
  await client.loadCollectionSync({ collection_name: name });
  for (let b = 0; b < 4; b++) {
    const rows = Array.from({ length: 50 }, (_, i) => ({ id: b * 50 + i, v: vec(b * 50 + i) }));
    expect(Number((await client.insert({ collection_name: name, data: rows })).insert_cnt)).toBe(50);
  }
  await client.flushSync({ collection_names: [name] });

  // Placement puts every sealed segment on one of the readers etcd lists.
  const nodes = await registrations();
  const id = await collectionIdOf(client, name);
  const segments = async (address: string): Promise<number[]> => {
    const c = new DataNodeClient(address);
    try {
      return (await c.call('ListSegments', {})).segments
        .filter((s: any) => s.collection_id === id && !s.growing)
        .map((s: any) => Number(s.segment_id));
    } finally {
      c.close();
    }
  };
  const sealed = await segments((await leader()).addresses.grpc);
  expect(sealed.length).toBeGreaterThanOrEqual(4);
  const readers = nodes.filter((n) => n.role === 'reader');
  await waitUntil(
    'the readers hold every sealed segment',
    async () => {
      const held = new Set((await Promise.all(readers.map((r) => segments(r.addresses.grpc)))).flat());
      return sealed.every((id) => held.has(id));
    },
    30_000,
  );

  const res = await client.search({ collection_name: name, data: vec(123), limit: 3 });
  expect(res.status.error_code).toBe('Success');
  expect(res.results[0]!.id).toBe('123');
  expect(res.results.length).toBe(3);
});

/** The writers as `ctl nodes --json` shows them: the leader with its fencing epoch, and the standby. */
async function writersShown(): Promise<(NodeRegistration & { election?: string; epoch?: number })[]> {
  const lines: string[] = [];
  expect(await ctl(['nodes', '--json', '--etcd', inject('etcd').endpoint, '--etcd-prefix', prefix], (l) => lines.push(l))).toBe(0);
  return JSON.parse(lines.join('\n')).filter((n: NodeRegistration) => n.role === 'writer');
}

async function leader(): Promise<NodeRegistration> {
  const find = async () => (await writersShown()).find((w) => w.election === 'leader');
  await waitUntil('a writer leads', async () => (await find()) !== undefined);
  return (await find())!;
}

it('runs a leader and a standby writer, as ctl nodes shows with the fencing epoch', async () => {
  await leader();
  const writers = await writersShown();
  expect(writers.map((w) => w.election).sort()).toEqual(['leader', 'standby']);
  const epoch = writers.find((w) => w.election === 'leader')!.epoch!;
  expect(epoch).toBeGreaterThan(0);
  // The coordinator's status page marks them the same way.
  const shown = async () => {
    const status = (await (await fetch(`http://${cluster.addresses.metrics}/status.json`)).json()) as StatusReport;
    return status
      .members!.filter((m) => m.role === 'writer')
      .map((m) => m.election)
      .sort();
  };
  await waitUntil('the status page marks the leader', async () => (await shown())[0] === `leader epoch=${epoch}`);
  expect(await shown()).toEqual([`leader epoch=${epoch}`, 'standby']);
});

it('a coordinator given only --etcd finds the writer and the readers there', async () => {
  const second = await startMishards(['coordinator', '--etcd', inject('etcd').endpoint, '--etcd-prefix', prefix, ...onFreePorts()]);
  let other: MilvusClient | undefined;
  try {
    other = await connectSdk(second.addresses.grpc!);
    const res = await other.search({ collection_name: 'etcd_flow', data: vec(42), limit: 1 });
    expect(res.status.error_code).toBe('Success');
    expect(res.results[0]!.id).toBe('42');
    expect((await registrations()).filter((n) => n.role === 'coordinator').length).toBe(2);
  } finally {
    await other?.closeConnection();
    expect(await second.stop()).toBe(0);
  }
});

it('leaves etcd empty after a clean stop', async () => {
  expect(await cluster.stop()).toBe(0);
  expect(await registrations()).toEqual([]);
});

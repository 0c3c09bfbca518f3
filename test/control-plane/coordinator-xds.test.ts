import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from '../harness/mishards-process.js';
import { etcdForFile } from '../cluster/discovery/helpers.js';
import { waitUntil } from '../harness/wait.js';

/**
 * The control plane carries real traffic: `mishards up --etcd --xds` runs a coordinator that
 * sends search sub-requests to `xds:///mishards-reader-<group>`, resolved by the control
 * plane from the readers' registrations.
 */
const DIM = 4;
const { prefix } = etcdForFile('coordinator-xds');
let dir: string;
let controlPlane: MishardsProcess;
let cluster: MishardsProcess;
let client: MilvusClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-coordinator-xds-'));
  const etcd = ['--etcd', inject('etcd').endpoint, '--etcd-prefix', prefix];
  controlPlane = await startMishards(['control-plane', ...etcd, ...onFreePorts(), '--health-interval', '1']);
  cluster = await startMishards([
    'up',
    ...etcd,
    '--xds',
    controlPlane.addresses.grpc!,
    '--readers',
    '2',
    ...onFreePorts(dir),
    '--seal-rows',
    '50',
  ]);
  client = await connectSdk(cluster.addresses.grpc!);
}, 60_000);

afterAll(async () => {
  await client?.closeConnection();
  await cluster?.stop();
  await controlPlane?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const vec = (i: number) => [Math.sin(i), Math.cos(i * 0.5), i % 7, 1];

async function xdsClients(): Promise<any[]> {
  const res = await fetch(`http://${controlPlane.addresses.metrics}/xds/clients`);
  return (await res.json()) as any[];
}

it('searches reach the reader groups through xds:/// targets and return exact answers', async () => {
  const name = 'xds_flow';
  await client.createCollection({
    collection_name: name,
    consistency_level: 'Strong',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: DIM },
    ],
  });
  await client.createIndex({ collection_name: name, field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
  await client.loadCollectionSync({ collection_name: name });
  for (let b = 0; b < 4; b++) {
    await client.insert({ collection_name: name, data: Array.from({ length: 50 }, (_, i) => ({ id: b * 50 + i, v: vec(b * 50 + i) })) });
  }
  await client.flushSync({ collection_names: [name] });

  // Until placement has loaded the segments the writer answers for them; then the readers do.
  for (const id of [3, 77, 150, 199]) {
    const res = await client.search({ collection_name: name, data: [vec(id)], limit: 1 });
    expect(res.status.error_code).toBe('Success');
    expect(Number(res.results[0]!.id)).toBe(id);
  }

  // The coordinator is an xDS client of the control plane and holds both groups' listeners,
  // routes, clusters and endpoints, ACKed.
  await waitUntil('the coordinator subscribed to both reader groups over xDS', async () => {
    const res = await client.search({ collection_name: name, data: [vec(120)], limit: 3 });
    expect(res.results.map((r) => Number(r.id))[0]).toBe(120);
    const coordinator = (await xdsClients()).find((c) => c.node?.id?.startsWith('coordinator-'));
    const listeners = coordinator?.types?.find((t: any) => t.typeUrl.endsWith('.Listener'));
    return Boolean(listeners && ['mishards-reader-g1', 'mishards-reader-g2'].every((n) => listeners.names.includes(n)) && listeners.acked);
  });
  const coordinator = (await xdsClients()).find((c) => c.node.id.startsWith('coordinator-'));
  const types = Object.fromEntries(coordinator.types.map((t: any) => [t.typeUrl.split('.').pop(), t]));
  for (const t of ['Listener', 'RouteConfiguration', 'Cluster', 'ClusterLoadAssignment']) {
    expect(types[t].nacked).toBeUndefined();
    expect(types[t].acked).toBeTruthy();
  }
  expect(types.ClusterLoadAssignment.names.sort()).toEqual(['mishards-reader-g1', 'mishards-reader-g2']);
}, 60_000);

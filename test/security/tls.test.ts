import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import YAML from 'yaml';
import { healthClient } from '../../proto/health.js';
import { startMishards, type MishardsProcess } from '../harness/mishards-process.js';
import { httpsRequest, makeCertificates, type ClientTls, type TestCertificates } from '../harness/tls.js';

/**
 * A cluster started with mutual TLS (writer, reader, coordinator and control plane): every
 * gRPC and HTTP listener, the readers' internal port included, refuses a plaintext client, a
 * client without a certificate and one whose certificate another CA signed, and serves one
 * with a certificate of the cluster's CA; the processes reach each other over it.
 */
const ROOT_PASSWORD = 'Root-pw-tls-4411';
const CLUSTER_TOKEN = 'tls-test-cluster-token-9c1e';

let certs: TestCertificates;
let dir: string;
const processes: MishardsProcess[] = [];
let tlsArgs: string[];

async function start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<MishardsProcess> {
  const p = await startMishards(
    [...args, '--port', '0', '--metrics-port', '0', ...tlsArgs],
    { MISHARDS_CLUSTER_TOKEN: CLUSTER_TOKEN, ...env },
    { transcript: true },
  );
  processes.push(p);
  return p;
}

beforeAll(async () => {
  certs = makeCertificates();
  dir = mkdtempSync(join(tmpdir(), 'mishards-tls-'));
  tlsArgs = ['--tls-cert', certs.node.cert, '--tls-key', certs.node.key, '--tls-ca', certs.ca];
  const shared = ['--meta', `sqlite:${join(dir, 'meta.sqlite')}`, '--storage', join(dir, 'storage')];
  const writer = await start(['writer', '--auth', ...shared, '--data-dir', join(dir, 'writer')], { MISHARDS_ROOT_PASSWORD: ROOT_PASSWORD });
  const reader = await start([
    'reader',
    '--auth',
    '--group',
    'g1',
    ...shared,
    '--data-dir',
    join(dir, 'reader'),
    '--writer',
    writer.addresses.grpc!,
  ]);
  const members = [
    { role: 'writer', name: 'writer', address: writer.addresses.grpc },
    { role: 'reader', name: 'reader', group: 'g1', address: reader.addresses.grpc },
  ];
  writeFileSync(join(dir, 'cluster.yaml'), YAML.stringify({ members }));
  await start(['coordinator', '--auth', '--http-port', '0', '--writer', writer.addresses.grpc!, '--discovery', join(dir, 'cluster.yaml')]);
  await start(['control-plane', '--etcd', inject('etcd').endpoint, '--etcd-prefix', `/tls-test-${process.pid}`]);
});

afterAll(async () => {
  for (const p of processes.reverse()) expect(await p.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
  certs?.remove();
});

/** How a client may come: only the last may be served. */
const clients = (): [string, ClientTls | undefined][] => [
  ['plaintext', undefined],
  ['TLS without a certificate', { ca: certs.ca }],
  ['a certificate of another CA', { ca: certs.ca, cert: certs.rogue.cert, key: certs.rogue.key }],
  ['a certificate of the cluster CA', { ca: certs.ca, cert: certs.client.cert, key: certs.client.key }],
];

function grpcCredentials(t: ClientTls | undefined): grpc.ChannelCredentials {
  if (!t) return grpc.credentials.createInsecure();
  const read = (p?: string) => (p ? readFileSync(p) : null);
  return grpc.credentials.createSsl(read(t.ca), read(t.key), read(t.cert));
}

/** Whether grpc.health.v1 answers on `address` for a client coming as `t`. */
function grpcServes(address: string, t: ClientTls | undefined): Promise<boolean> {
  const client = healthClient(address, grpcCredentials(t));
  return new Promise<boolean>((resolve) =>
    client.Check({ service: '' }, { deadline: Date.now() + 5000 }, (err, res) => resolve(!err && res?.status === 'SERVING')),
  ).finally(() => client.close());
}

/** The HTTP status `url` answers with for a client coming as `t`, or 0 when the connection is refused. */
async function httpStatus(hostPort: string, path: string, t: ClientTls | undefined, method = 'GET'): Promise<number> {
  try {
    if (!t) return (await fetch(`http://${hostPort}${path}`, { method, signal: AbortSignal.timeout(5000) })).status;
    return (await httpsRequest(`https://${hostPort}${path}`, t, { method, body: method === 'POST' ? '{}' : undefined })).status;
  } catch {
    return 0;
  }
}

describe('with mutual TLS', () => {
  it('every gRPC listener serves only clients with a certificate of the cluster CA', async () => {
    expect(processes.map((p) => p.addresses.grpc)).toHaveLength(4);
    for (const p of processes) {
      const served = [];
      for (const [how, t] of clients()) served.push([how, await grpcServes(p.addresses.grpc!, t)]);
      expect(served, p.addresses.grpc).toEqual(clients().map(([how], i) => [how, i === 3]));
    }
  });

  it('every HTTP listener (metrics, health, status pages, REST) likewise', async () => {
    const listeners: [string, string, string][] = processes.map((p) => [p.addresses.metrics!, '/healthz', 'GET']);
    const coordinator = processes[2]!;
    // REST answers without credentials only once TLS lets the request through: 401.
    listeners.push([coordinator.addresses.http!, '/v2/vectordb/collections/list', 'POST']);
    for (const [hostPort, path, method] of listeners) {
      const statuses = [];
      for (const [how, t] of clients()) statuses.push([how, await httpStatus(hostPort, path, t, method)]);
      expect(statuses, `${hostPort}${path}`).toEqual(clients().map(([how], i) => [how, i < 3 ? 0 : method === 'POST' ? 401 : 200]));
    }
  });

  it('the SDK signs in over mutual TLS, and the coordinator reaches the writer and the reader over it', async () => {
    const coordinator = processes[2]!;
    const client = new MilvusClient({
      address: coordinator.addresses.grpc!,
      username: 'root',
      password: ROOT_PASSWORD,
      logLevel: 'error',
      tls: { rootCertPath: certs.ca, privateKeyPath: certs.client.key, certChainPath: certs.client.cert },
    });
    try {
      await client.connectPromise;
      expect((await client.createCollection({ collection_name: 'secure', dimension: 4 })).error_code).toBe('Success');
      const data = Array.from({ length: 4 }, (_, id) => ({ id, vector: [id, 1, 0, 0] }));
      expect((await client.insert({ collection_name: 'secure', data })).status.error_code).toBe('Success');
      await client.flushSync({ collection_names: ['secure'] });
      const res = await client.search({ collection_name: 'secure', data: [3, 1, 0, 0], limit: 1, consistency_level: 'Strong' as never });
      expect(res.results.map((r) => r.id)).toEqual(['3']);
    } finally {
      await client.closeConnection();
    }
  });

  it('no secret appears in what the processes wrote', () => {
    for (const p of processes) {
      for (const secret of [ROOT_PASSWORD, CLUSTER_TOKEN, readFileSync(certs.node.key, 'utf8').split('\n')[1]!]) {
        expect(p.transcript().includes(secret), p.addresses.grpc).toBe(false);
      }
    }
  });
});

describe('with mutual TLS and the writer election', () => {
  it("a coordinator following the writer leader checks the leader's certificate against the leader's host", async () => {
    const prefix = `/tls-leader-${process.pid}`;
    const etcd = ['--etcd', inject('etcd').endpoint, '--etcd-prefix', prefix, '--lease-ttl', '2'];
    const shared = ['--meta', `sqlite:${join(dir, 'leader-meta.sqlite')}`, '--storage', join(dir, 'leader-storage')];
    const started: MishardsProcess[] = [];
    const own = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const p = await startMishards([...args, '--port', '0', '--metrics-port', '0', ...tlsArgs], {
        MISHARDS_CLUSTER_TOKEN: CLUSTER_TOKEN,
        ...env,
      });
      started.push(p);
      return p;
    };
    try {
      // Alone in its election, the writer leads; the coordinator dials it as `writer-leader`.
      await own(['writer', '--auth', ...etcd, ...shared, '--data-dir', join(dir, 'leader-writer')], {
        MISHARDS_ROOT_PASSWORD: ROOT_PASSWORD,
      });
      const coordinator = await own(['coordinator', '--auth', ...etcd]);
      const client = new MilvusClient({
        address: coordinator.addresses.grpc!,
        username: 'root',
        password: ROOT_PASSWORD,
        logLevel: 'error',
        timeout: 15_000,
        tls: { rootCertPath: certs.ca, privateKeyPath: certs.client.key, certChainPath: certs.client.cert },
      });
      try {
        await client.connectPromise;
        expect((await client.createCollection({ collection_name: 'led', dimension: 4 })).error_code).toBe('Success');
        const data = Array.from({ length: 4 }, (_, id) => ({ id, vector: [id, 1, 0, 0] }));
        expect((await client.insert({ collection_name: 'led', data })).status.error_code).toBe('Success');
      } finally {
        await client.closeConnection();
      }
    } finally {
      for (const p of started.reverse()) await p.stop();
    }
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { findBinary } from './binaries.js';
import { withFreePorts } from './free-port.js';
import { supervise, waitUntilReady } from './supervise.js';

/** How to reach an etcd server: plain data, so the global setup can hand it to test files. */
export interface EtcdInfo {
  /** `127.0.0.1:PORT`, the `--etcd` form. */
  endpoint: string;
}

export interface EtcdInstance extends EtcdInfo {
  /** Kills the server and deletes its directory. */
  stop(): Promise<void>;
}

/**
 * Starts a private single-member etcd in a fresh temp dir with client and peer URLs on free
 * loopback ports. Resolves once a key-value read succeeds, which needs an elected leader.
 */
export async function startEtcd(): Promise<EtcdInstance> {
  const etcd = findBinary('etcd');
  return withFreePorts(2, async ([clientPort, peerPort]) => {
    const dir = await mkdtemp(join(tmpdir(), 'mishards-etcd-'));
    const clientUrl = `http://127.0.0.1:${clientPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const server = supervise(dir, etcd, [
      '--name=default',
      `--data-dir=${join(dir, 'data')}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      '--initial-cluster-state=new',
      // A unique token keeps this member from ever joining another test cluster's peers.
      `--initial-cluster-token=mishards-test-${randomBytes(6).toString('hex')}`,
      // A lone member elects itself after one election timeout: 1 s by default, 100 ms here.
      '--heartbeat-interval=20',
      '--election-timeout=100',
    ]);
    try {
      await waitUntilReady('etcd', server, () => probe(clientUrl));
    } catch (err) {
      await server.stop();
      throw err;
    }
    return { endpoint: `127.0.0.1:${clientPort}`, stop: () => server.stop() };
  });
}

async function probe(url: string): Promise<void> {
  const client = new Etcd3({ hosts: url, dialTimeout: 1000, defaultCallOptions: () => ({ deadline: Date.now() + 1000 }) });
  try {
    await client.get('mishards-harness-probe').string();
  } finally {
    client.close();
  }
}

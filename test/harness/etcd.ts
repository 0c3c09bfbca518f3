import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { findBinary } from './binaries.js';
import { withFreePorts } from './free-port.js';
import { supervise, waitUntilReady, type Supervised } from './supervise.js';

/** How to reach an etcd server: plain data, so the global setup can hand it to test files. */
export interface EtcdInfo {
  /** `127.0.0.1:PORT`, the `--etcd` form. */
  endpoint: string;
}

export interface EtcdInstance extends EtcdInfo {
  /** Kills the server and deletes its directory. */
  stop(): Promise<void>;
}

/** The command line of a single-member etcd on loopback ports, its data in `dataDir`. */
function etcdArgs(dataDir: string, clientUrl: string, peerUrl: string, token: string): string[] {
  return [
    '--name=default',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${clientUrl}`,
    `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=default=${peerUrl}`,
    '--initial-cluster-state=new',
    // A unique token keeps this member from ever joining another test cluster's peers.
    `--initial-cluster-token=${token}`,
    // A lone member elects itself after one election timeout: 1 s by default, 100 ms here.
    '--heartbeat-interval=20',
    '--election-timeout=100',
  ];
}

const clusterToken = () => `mishards-test-${randomBytes(6).toString('hex')}`;

/**
 * Starts a private single-member etcd in a fresh temp dir with client and peer URLs on free
 * loopback ports. Resolves once a key-value read succeeds, which needs an elected leader.
 */
export async function startEtcd(): Promise<EtcdInstance> {
  const etcd = findBinary('etcd');
  return withFreePorts(2, async ([clientPort, peerPort]) => {
    const dir = await mkdtemp(join(tmpdir(), 'mishards-etcd-'));
    const clientUrl = `http://127.0.0.1:${clientPort}`;
    const server = supervise(dir, etcd, etcdArgs(join(dir, 'data'), clientUrl, `http://127.0.0.1:${peerPort}`, clusterToken()));
    try {
      await waitUntilReady('etcd', server, () => probe(clientUrl));
    } catch (err) {
      await server.stop();
      throw err;
    }
    return { endpoint: `127.0.0.1:${clientPort}`, stop: () => server.stop() };
  });
}

/** An etcd that can be taken down and brought back on the same port with the same data. */
export interface RestartableEtcd extends EtcdInstance {
  /** Kills the server; its data stays. */
  down(): Promise<void>;
  /** Starts it again on the same data and ports; resolves once it answers. */
  up(): Promise<void>;
}

/** As startEtcd, for tests of etcd outages: each run is supervised in its own directory beside the data. */
export async function startRestartableEtcd(): Promise<RestartableEtcd> {
  const etcd = findBinary('etcd');
  return withFreePorts(2, async ([clientPort, peerPort]) => {
    const dir = await mkdtemp(join(tmpdir(), 'mishards-etcd-'));
    const clientUrl = `http://127.0.0.1:${clientPort}`;
    const args = etcdArgs(join(dir, 'data'), clientUrl, `http://127.0.0.1:${peerPort}`, clusterToken());
    let runs = 0;
    let server: Supervised | undefined;
    const up = async () => {
      const runDir = join(dir, `run-${++runs}`);
      await mkdir(runDir);
      server = supervise(runDir, etcd, args);
      await waitUntilReady('etcd', server, () => probe(clientUrl));
    };
    const down = async () => {
      await server?.stop();
      server = undefined;
    };
    try {
      await up();
    } catch (err) {
      await down();
      throw err;
    }
    return {
      endpoint: `127.0.0.1:${clientPort}`,
      up,
      down,
      stop: async () => {
        await down();
        await rm(dir, { recursive: true, force: true });
      },
    };
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

/**
 * `npm run bench:nginx`: what Nginx in front adds to a search, and how each balancer mode
 * takes endpoint changes (figures in docs/nginx.md).
 *
 * One `mishards up --readers 2 --etcd` cluster (a private etcd) holding the clustered synthetic
 * data (20k x 128 by default, seeded; BENCH_ROWS=N, BENCH_QUERIES=N), HNSW with the engine
 * defaults. Two control planes over its etcd, each with a Nginx agent and its private Nginx:
 * one in Lua mode, one in reload mode (their listeners on different ports). In one run:
 *   1. the same SDK searches (nq = 1, top 10) directly to the coordinator and through each
 *      Nginx, sequential and concurrent, every path once per round, ROUNDS rounds, medians:
 *      p50, p99, and CPU per search from /proc of every process involved (the cluster's,
 *      Nginx's master and workers, this client);
 *   2. endpoint churn: while concurrent searches run through each Nginx, a second
 *      registration of the coordinator comes and goes every CHURN_MS, so the coordinator's
 *      cluster gains and loses an endpoint: reload mode reloads Nginx each time, Lua mode
 *      sends the balancer its peers. Failed searches, p50/p99 and configuration applies.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import pino from 'pino';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { registerNode } from '../cluster/registry/register.js';
import { HNSW_DEFAULTS } from '../engine/index.js';
import { freePort } from '../runtime/free-port.js';
import { childPids } from '../test/harness/child-processes.js';
import { startEtcd } from '../test/harness/etcd.js';
import { connectSdk, startMishards, type MishardsProcess } from '../test/harness/mishards-process.js';
import { cleanupOnExit, envInt, ok, runBench } from './bench-support.js';
import { bruteForceTopK, clusteredVectors, DATA } from './clustered-data.js';
import { BenchCluster, sealRowsFor } from './cluster-up.js';
import {
  fmtInt,
  loadNote,
  machineNote,
  medianFigures,
  ownCpuUs,
  serverCpuUs,
  type SearchFigures,
  table,
  timeQueries,
} from './node-measure.js';

const ROWS = envInt('BENCH_ROWS', 20_000);
const { dim: DIM, clusters: CLUSTERS, seed: SEED, k: K } = DATA;
const QUERIES = envInt('BENCH_QUERIES', 500);
const SEAL_ROWS = sealRowsFor(ROWS);
const HNSW = { M: HNSW_DEFAULTS.M, efConstruction: HNSW_DEFAULTS.efConstruction };
const CLIENTS = 8;
const ROUNDS = 3;
const MIN_MS = 3000;
const CHURN_MS = 500;
const CHURN_FOR_MS = 10_000;
const PREFIX = `/bench-nginx-${randomBytes(3).toString('hex')}`;

const exit = cleanupOnExit('the cluster');

interface Proxy {
  mode: 'lua' | 'reload';
  agent: MishardsProcess;
  dir: string;
}

/** Nginx's master and its workers now (a reload replaces the workers). */
async function nginxPids(p: Proxy): Promise<number[]> {
  const master = Number(readFileSync(join(p.dir, 'nginx', 'nginx.pid'), 'utf8').trim());
  return [master, ...(await childPids(master))];
}

const status = async (p: Proxy) =>
  (await (await fetch(`http://${p.agent.addresses.metrics}/nginx/status`)).json()) as { configurationsApplied: number };

interface Path {
  label: string;
  address: string;
  proxy?: Proxy;
  clients: number;
  rounds: SearchFigures[];
  /** CPU per search over all rounds, by part: the cluster, Nginx, this client. */
  cpuUs: { cluster: number; nginx: number; client: number };
  searches: number;
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log('Mishards Nginx benchmark (npm run bench:nginx)');
  console.log(
    `data     ${fmtInt(ROWS)} x ${DIM} float32, ${CLUSTERS} clusters (seed ${SEED}); ${fmtInt(QUERIES)} queries; SDK searches, nq=1, limit ${K}, L2; ` +
      `HNSW M=${HNSW.M} efConstruction=${HNSW.efConstruction}`,
  );
  console.log(`machine  ${machineNote()}`);
  console.log(`start    ${loadNote()}`);

  const vectors = clusteredVectors(ROWS, DIM, CLUSTERS, SEED);
  const queries = clusteredVectors(QUERIES, DIM, CLUSTERS, SEED, ROWS);
  const truth = bruteForceTopK(vectors, DIM, queries, QUERIES, K, 'L2');
  const query = (q: number) => Array.from(queries.subarray(q * DIM, (q + 1) * DIM));

  const etcdServer = await startEtcd();
  exit.defer(() => etcdServer.stop());
  const dir = await mkdtemp(join(tmpdir(), 'mishards-nginx-bench-'));
  exit.defer(() => rm(dir, { recursive: true, force: true }));
  const cluster = await BenchCluster.start(join(dir, 'cluster'), SEAL_ROWS, {
    readers: 2,
    etcd: { endpoint: etcdServer.endpoint, prefix: PREFIX },
  });
  exit.defer(() => cluster.stop());
  const t = performance.now();
  await cluster.createCollection(DIM, HNSW);
  await cluster.insertSegments(vectors, DIM, SEAL_ROWS);
  await cluster.flushAndWaitIndexed(ROWS);
  await cluster.waitPlaced(ROWS);
  console.log(`loaded, indexed and placed ${fmtInt(ROWS)} rows in ${((performance.now() - t) / 1000).toFixed(1)} s; ${loadNote()}`);

  const proxies: Proxy[] = [];
  for (const mode of ['lua', 'reload'] as const) {
    const controlPlane = await startMishards([
      'control-plane',
      '--etcd',
      etcdServer.endpoint,
      '--etcd-prefix',
      PREFIX,
      ...['--port', '0', '--metrics-port', '0', '--front-host', '127.0.0.1', '--front-port', String(await freePort())],
    ]);
    exit.defer(async () => void (await controlPlane.stop()));
    const agentDir = join(dir, `agent-${mode}`);
    const agent = await startMishards([
      'nginx-agent',
      ...[
        '--xds',
        controlPlane.addresses.grpc!,
        '--name',
        `bench-${mode}`,
        '--nginx-mode',
        mode,
        '--metrics-port',
        '0',
        '--data-dir',
        agentDir,
      ],
    ]);
    exit.defer(async () => void (await agent.stop()));
    proxies.push({ mode, agent, dir: agentDir });
  }

  // One SDK client (its own channel) per concurrent caller and path.
  const clients = new Map<string, MilvusClient[]>();
  const clientsOf = async (address: string) => {
    let list = clients.get(address);
    if (!list) {
      list = await Promise.all(Array.from({ length: CLIENTS }, () => connectSdk(address, 60_000)));
      clients.set(address, list);
      exit.defer(async () => void (await Promise.all(list!.map((c) => c.closeConnection()))));
    }
    return list;
  };
  const search = (address: string) => async (client: number, q: number) => {
    const c = (await clientsOf(address))[client]!;
    const reply = ok('Search', await c.search({ collection_name: 'bench', data: query(q), limit: K }));
    return reply.results.map((r: { id: string | number }) => Number(r.id));
  };

  const clusterPids = cluster.pids.filter((p) => p.role !== 'up').map((p) => p.pid);
  const targets = [
    { label: 'direct to the coordinator', address: cluster.coordinatorAddress },
    ...proxies.map((p) => ({ label: `through Nginx, ${p.mode} mode`, address: p.agent.addresses.grpc!, proxy: p })),
  ];
  const paths: Path[] = [1, CLIENTS].flatMap((n) =>
    targets.map((x) => ({ ...x, clients: n, rounds: [], cpuUs: { cluster: 0, nginx: 0, client: 0 }, searches: 0 })),
  );
  console.log(
    `\nSearches, every path once per round, ${ROUNDS} rounds (odd rounds reversed), each >= ${MIN_MS / 1000} s after a 100-query warm-up; ` +
      'CPU per search of the cluster (coordinator, readers, writer), Nginx (master and workers) and this client (the SDK)',
  );
  for (let r = 0; r < ROUNDS; r++) {
    const rows: (string | number)[][] = [];
    for (const p of r % 2 === 0 ? paths : [...paths].reverse()) {
      const nginx = p.proxy ? await nginxPids(p.proxy) : [];
      const before = { cluster: serverCpuUs(clusterPids), nginx: serverCpuUs(nginx), client: ownCpuUs() };
      const f = await timeQueries(QUERIES, truth, search(p.address), { clients: p.clients, minMs: MIN_MS });
      // The warm-up's 100 queries count too: CPU is read around the whole call.
      const n = f.queries + Math.min(QUERIES, 100);
      p.cpuUs.cluster += serverCpuUs(clusterPids) - before.cluster;
      p.cpuUs.nginx += serverCpuUs(nginx) - before.nginx;
      p.cpuUs.client += ownCpuUs() - before.client;
      p.searches += n;
      p.rounds.push(f);
      rows.push([p.label, p.clients, f.qps.toFixed(0), f.p50Ms.toFixed(3), f.p99Ms.toFixed(3), f.recall.toFixed(4)]);
    }
    console.log(`\nround ${r + 1} of ${ROUNDS}; ${loadNote()}`);
    console.log(table(['path', 'clients', 'QPS', 'p50 ms', 'p99 ms', 'recall@10'], rows));
  }

  const us = (n: number) => n.toFixed(0);
  const added = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(3)}`;
  console.log(`\nSummary: median of ${ROUNDS} rounds; CPU per search over all rounds (us)`);
  const summary = paths.map((p) => {
    const m = medianFigures(p.rounds);
    const direct = medianFigures(paths.find((d) => d.clients === p.clients && !d.proxy)!.rounds);
    const per = (x: number) => x / p.searches;
    return [
      p.label,
      p.clients,
      m.qps.toFixed(0),
      m.p50Ms.toFixed(3),
      m.p99Ms.toFixed(3),
      p.proxy ? added(m.p50Ms - direct.p50Ms) : '-',
      p.proxy ? added(m.p99Ms - direct.p99Ms) : '-',
      us(per(p.cpuUs.cluster)),
      p.proxy ? us(per(p.cpuUs.nginx)) : '-',
      us(per(p.cpuUs.client)),
      us(per(p.cpuUs.cluster + p.cpuUs.nginx + p.cpuUs.client)),
    ];
  });
  console.log(
    table(
      ['path', 'clients', 'QPS', 'p50 ms', 'p99 ms', 'p50 added', 'p99 added', 'cluster CPU', 'Nginx CPU', 'client CPU', 'total CPU'],
      summary,
    ),
  );

  // Endpoint churn through each Nginx: a second registration of the coordinator comes and goes.
  console.log(
    `\nEndpoint churn: ${CLIENTS} concurrent searchers through each Nginx for ${CHURN_FOR_MS / 1000} s while an endpoint of the ` +
      `coordinator's cluster is added or removed every ${CHURN_MS} ms`,
  );
  const etcd = new Etcd3({ hosts: etcdServer.endpoint });
  exit.defer(() => etcd.close());
  const log = pino({ level: 'silent' });
  const rows: (string | number)[][] = [];
  for (const p of proxies) {
    const applied0 = (await status(p)).configurationsApplied;
    const latencies: number[] = [];
    let failures = 0;
    let running = true;
    const searchers = (await clientsOf(p.agent.addresses.grpc!)).map(async (c, i) => {
      for (let q = i; running; q = (q + CLIENTS) % QUERIES) {
        const t0 = performance.now();
        try {
          ok('Search', await c.search({ collection_name: 'bench', data: query(q), limit: K }));
          latencies.push(performance.now() - t0);
        } catch {
          failures++;
        }
      }
    });
    let changes = 0;
    const end = Date.now() + CHURN_FOR_MS;
    while (Date.now() < end) {
      const registration = await registerNode({
        etcd,
        prefix: PREFIX,
        role: 'coordinator',
        name: `churn-${p.mode}`,
        addresses: { grpc: cluster.coordinatorAddress, metrics: cluster.metricsAddress },
        version: 'bench',
        ttlSeconds: 10,
        log,
      });
      await new Promise((r) => setTimeout(r, CHURN_MS));
      await registration.stop();
      await new Promise((r) => setTimeout(r, CHURN_MS));
      changes += 2;
    }
    running = false;
    await Promise.all(searchers);
    const sorted = Float64Array.from(latencies).sort();
    const pct = (x: number) => sorted[Math.min(sorted.length - 1, Math.ceil(x * sorted.length) - 1)]!;
    rows.push([
      p.mode,
      changes,
      (await status(p)).configurationsApplied - applied0,
      latencies.length,
      failures,
      pct(0.5).toFixed(3),
      pct(0.99).toFixed(3),
    ]);
  }
  console.log(table(['mode', 'endpoint changes', 'Nginx reloads', 'searches', 'failed', 'p50 ms', 'p99 ms'], rows));
  console.log(`\nfinished in ${((performance.now() - started) / 1000).toFixed(1)} s; ${loadNote()}`);
}

await runBench('bench:nginx', exit, main);

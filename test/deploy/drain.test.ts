import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { freePort } from '../../runtime/free-port.js';
import { etcdForFile } from '../cluster/discovery/helpers.js';
import { scrapeMetrics } from '../harness/metrics.js';
import { startMishards, type MishardsProcess } from '../harness/mishards-process.js';
import { waitUntil } from '../harness/wait.js';

/**
 * A rolling upgrade's stops: a reader replica and a coordinator get SIGTERM in the middle of a
 * continuous search loop, each with a second one beside it. Clients go through Nginx (the
 * agent, Lua mode, programmed by the control plane), with the SDK's own retries off: every
 * search must succeed, and each stopped process must exit cleanly within its bound.
 */
const { prefix } = etcdForFile('drain');
const COLLECTION = 'drained';
const ROWS = 200;
/** --drain-delay of the stopped processes, in seconds. */
const DRAIN_DELAY_S = 1;
/**
 * The bound on a stop after SIGTERM: the drain delay, then the in-flight grace and closing
 * (cli/main.ts: STOP_BOUND_MS), with a margin for a loaded test machine.
 */
const STOP_BOUND_MS = DRAIN_DELAY_S * 1000 + 5000 + 2000;
let dir: string;
const nodes = new Map<string, MishardsProcess>();
let client: MilvusClient;

const vec = (i: number) => [Math.sin(i), Math.cos(i * 0.5), (i % 7) / 7, 1];

function start(args: string[]): Promise<MishardsProcess> {
  return startMishards([...args, '--etcd', inject('etcd').endpoint, '--etcd-prefix', prefix, '--metrics-port', '0']);
}

function startNode(role: 'writer' | 'reader' | 'coordinator', name: string): Promise<MishardsProcess> {
  return start([
    role,
    '--name',
    name,
    '--lease-ttl',
    '2',
    '--port',
    '0',
    '--drain-delay',
    String(DRAIN_DELAY_S),
    // As in Kubernetes: listening everywhere, registered under an address others can dial.
    '--host',
    '0.0.0.0',
    '--advertise-host',
    '127.0.0.1',
    '--meta',
    `sqlite:${join(dir, 'meta.sqlite')}`,
    '--storage',
    join(dir, 'storage'),
    ...(role === 'reader' ? ['--group', 'g1'] : []),
    ...(role === 'coordinator' ? [] : ['--data-dir', join(dir, name)]),
  ]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-drain-'));
  const frontPort = await freePort();
  const names = ['w1', 'g1-a', 'g1-b', 'c1', 'c2'];
  const [controlPlane, ...started] = await Promise.all([
    start([
      'control-plane',
      '--port',
      '0',
      '--health-interval',
      '1',
      '--debounce',
      '10',
      '--front-host',
      '127.0.0.1',
      '--front-port',
      String(frontPort),
    ]),
    startNode('writer', 'w1'),
    startNode('reader', 'g1-a'),
    startNode('reader', 'g1-b'),
    startNode('coordinator', 'c1'),
    startNode('coordinator', 'c2'),
  ]);
  for (const [i, name] of names.entries()) nodes.set(name, started[i]!);
  nodes.set('control-plane', controlPlane!);
  const agent = await startMishards([
    'nginx-agent',
    '--xds',
    controlPlane!.addresses.grpc!,
    '--nginx-mode',
    'lua',
    '--metrics-port',
    '0',
    '--data-dir',
    join(dir, 'nginx-agent'),
    '--debounce',
    '10',
  ]);
  nodes.set('nginx-agent', agent);
  client = new MilvusClient({ address: agent.addresses.grpc!, logLevel: 'error', maxRetries: 0, timeout: 10_000 });
  await client.connectPromise;
  await client.createCollection({
    collection_name: COLLECTION,
    consistency_level: 'Strong',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: 4 },
    ],
  });
  await client.createIndex({ collection_name: COLLECTION, field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
  await client.loadCollectionSync({ collection_name: COLLECTION });
  await client.insert({ collection_name: COLLECTION, data: Array.from({ length: ROWS }, (_, id) => ({ id, v: vec(id) })) });
  await client.flushSync({ collection_names: [COLLECTION] });
  // Both replicas serve: each has answered segment searches.
  const segmentSearches = async (name: string) =>
    (await scrapeMetrics(nodes.get(name)!.addresses.metrics!))('mishards_requests_total', { method: 'SearchSegments' });
  await waitUntil('both reader replicas serve searches', async () => {
    await client.search({ collection_name: COLLECTION, data: vec(1), limit: 1 });
    return (await segmentSearches('g1-a')) > 0 && (await segmentSearches('g1-b')) > 0;
  });
}, 120_000);

afterAll(async () => {
  await client?.closeConnection();
  await Promise.all([...nodes.values()].map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
});

/** Searches from `concurrency` loops until stopped, each answer checked; keeps every failure. */
function searchLoop(concurrency = 4) {
  let running = true;
  const failures: string[] = [];
  let calls = 0;
  const loops = Array.from({ length: concurrency }, async (_, k) => {
    for (let i = k; running; i += concurrency) {
      try {
        const res = await client.search({ collection_name: COLLECTION, data: vec(i % ROWS), limit: 3 });
        if (res.status.error_code !== 'Success') throw new Error(`${res.status.error_code}: ${res.status.reason}`);
        if (res.results[0]?.id !== String(i % ROWS)) throw new Error(`top hit ${res.results[0]?.id}, not ${i % ROWS}`);
        calls++;
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
  });
  return {
    get calls() {
      return calls;
    },
    failures,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** SIGTERM to `name`; resolves with its exit code and how long it took to exit. */
async function terminate(name: string): Promise<{ code: number | null; ms: number }> {
  const startedAt = Date.now();
  const code = await nodes.get(name)!.stop();
  nodes.delete(name);
  return { code, ms: Date.now() - startedAt };
}

it('loses no search while a reader replica and then a coordinator drain and exit on SIGTERM', async () => {
  const loop = searchLoop();
  await waitUntil('searches run', async () => loop.calls >= 20);
  const reader = await terminate('g1-b');
  await waitUntil('searches go on after the reader left', async () => loop.calls >= 100);
  const afterReader = loop.calls;
  const coordinator = await terminate('c1');
  await waitUntil('searches go on after the coordinator left', async () => loop.calls >= afterReader + 100);
  await loop.stop();
  console.log(`drain: ${loop.calls} searches; reader exited in ${reader.ms} ms, coordinator in ${coordinator.ms} ms`);
  expect(loop.failures).toEqual([]);
  expect(reader).toMatchObject({ code: 0 });
  expect(coordinator).toMatchObject({ code: 0 });
  expect(reader.ms).toBeLessThan(STOP_BOUND_MS);
  expect(coordinator.ms).toBeLessThan(STOP_BOUND_MS);
  // The drain kept the door open for the delay: neither stopped before it.
  expect(reader.ms).toBeGreaterThanOrEqual(DRAIN_DELAY_S * 1000);
  expect(coordinator.ms).toBeGreaterThanOrEqual(DRAIN_DELAY_S * 1000);
});

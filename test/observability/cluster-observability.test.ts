import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import YAML from 'yaml';
import { ctl } from '../../cli/ctl.js';
import { etcdForFile } from '../cluster/discovery/helpers.js';
import { artifactPath, launchChromium, watchedPage } from '../harness/browser.js';
import { clusterProcesses, groupOf } from '../harness/child-processes.js';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from '../harness/mishards-process.js';
import { startPrometheus, type PrometheusInstance } from '../harness/prometheus.js';
import { waitUntil } from '../harness/wait.js';
import { deployPath, evaluable, readDashboard, RULE_FILES, rulesOf } from './deploy-files.js';

/**
 * What an operator looks at, against a real cluster: `mishards up --etcd` with two reader
 * groups and a coordinator reaching them over xDS, the control plane, a private Prometheus
 * running the project's scrape configuration (targets from the control plane's discovery),
 * rules and alerts, and Debian's Chromium on the status pages. A small search and insert
 * load runs throughout. Then reader group g2 stops: its alert goes pending and the open
 * status page shows it without a reload.
 */
const DIM = 8;
const COLLECTION = 'observed';
const { prefix } = etcdForFile('observability');
let dir: string;
let controlPlane: MishardsProcess;
let cluster: MishardsProcess;
let client: MilvusClient;
let prometheus: PrometheusInstance;
let browser: Browser;
let load: Load;

const vec = (i: number) => Array.from({ length: DIM }, (_, j) => Math.sin(i * 0.37 + j));

/** deploy/prometheus/prometheus.yml pointed at this cluster, with 1 s scrapes and evaluations. */
function scrapeConfig(): unknown {
  const config = YAML.parse(readFileSync(deployPath('prometheus/prometheus.yml'), 'utf8'));
  config.global = { scrape_interval: '1s', evaluation_interval: '1s' };
  config.rule_files = RULE_FILES;
  const [discovered, controlPlaneJob] = config.scrape_configs;
  discovered.http_sd_configs[0].url = `http://${controlPlane.addresses.metrics}/sd/targets`;
  discovered.http_sd_configs[0].refresh_interval = '1s';
  controlPlaneJob.static_configs[0].targets = [controlPlane.addresses.metrics];
  return config;
}

/** Searches and small inserts, a few per second each, until stopped. */
class Load {
  searches = 0;
  inserts = 0;
  readonly failures: string[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private next = 10_000;

  constructor(private readonly client: MilvusClient) {
    this.every(50, async () => {
      const res = await this.client.search({ collection_name: COLLECTION, data: [vec(this.searches)], limit: 5 });
      if (res.status.error_code === 'Success') this.searches++;
      else this.failures.push(`search: ${res.status.reason}`);
    });
    this.every(250, async () => {
      const rows = Array.from({ length: 10 }, () => ({ id: this.next, v: vec(this.next++) }));
      const res = await this.client.insert({ collection_name: COLLECTION, data: rows });
      if (res.status.error_code === 'Success') this.inserts++;
      else this.failures.push(`insert: ${res.status.reason}`);
    });
  }

  /** Runs `call` every `ms`, skipping a turn while the previous call is still out. */
  private every(ms: number, call: () => Promise<void>): void {
    let busy = false;
    this.timers.push(
      setInterval(() => {
        if (busy) return;
        busy = true;
        call()
          .catch((e) => this.failures.push(String(e)))
          .finally(() => {
            busy = false;
          });
      }, ms),
    );
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-observability-'));
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
    '100',
  ]);
  client = await connectSdk(cluster.addresses.grpc!);
  await client.createCollection({
    collection_name: COLLECTION,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: DIM },
    ],
  });
  await client.createIndex({ collection_name: COLLECTION, field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
  await client.loadCollectionSync({ collection_name: COLLECTION });
  for (let b = 0; b < 6; b++) {
    await client.insert({
      collection_name: COLLECTION,
      data: Array.from({ length: 100 }, (_, i) => ({ id: b * 100 + i, v: vec(b * 100 + i) })),
    });
  }
  await client.flushSync({ collection_names: [COLLECTION] });
  // Loaded on the readers: both groups hold segments before anything is measured.
  await client.loadCollectionSync({ collection_name: COLLECTION });
  load = new Load(client);
  [prometheus, browser] = await Promise.all([startPrometheus(scrapeConfig()), launchChromium()]);
}, 90_000);

afterAll(async () => {
  load?.stop();
  await browser?.close();
  await prometheus?.stop();
  await client?.closeConnection();
  await cluster?.stop();
  await controlPlane?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Resolves once `expr` returns at least one sample; fails with the expression after the bound. */
async function dataFor(expr: string, timeoutMs = 30_000): Promise<void> {
  await waitUntil(`Prometheus returns data for ${expr}`, async () => (await prometheus.query(expr)).length > 0, timeoutMs);
}

it('scrapes every role: the registered processes through the control plane discovery, the control plane statically', async () => {
  await waitUntil('every target is up', async () => {
    const targets = await prometheus.targets();
    return targets.length === 5 && targets.every((t) => t.health === 'up');
  });
  const targets = await prometheus.targets();
  const nodes = targets.filter((t) => t.labels.job === 'mishards');
  expect(nodes.map((t) => t.labels.reader_group ?? '-').sort()).toEqual(['-', '-', 'g1', 'g2']);
  expect(nodes.every((t) => t.labels.node)).toBe(true);
  const roles = await prometheus.query('count by (role) (process_start_time_seconds)');
  expect(roles.map((s) => s.metric.role).sort()).toEqual(['control-plane', 'coordinator', 'reader-g1', 'reader-g2', 'writer']);
});

it('evaluates every recording rule with data, and the figures reflect the load', async () => {
  for (const { record } of rulesOf(RULE_FILES[0]!)) await dataFor(record!);
  const value = async (expr: string) => Number((await prometheus.query(expr))[0]?.value[1]);
  await waitUntil('search QPS and ingest rate show the load', async () => {
    const qps = await value('mishards:requests:rate1m{role="coordinator", method="Search"}');
    const rows = await value('mishards:ingested_rows:rate1m{op="insert"}');
    return qps > 1 && rows > 1;
  });
  expect(await value('sum(mishards:group_rows)')).toBeGreaterThanOrEqual(600);
  expect(await value('count(mishards:group_segments > 0)')).toBe(2);
  expect(await value('min(mishards:group_live_replicas)')).toBe(1);
  // Every process reaches etcd: the four registered ones and the control plane.
  expect(await value('count(mishards_etcd_up == 1)')).toBe(5);
  expect(await value('sum(mishards_etcd_registrations_total)')).toBe(4);
  expect(load.failures).toEqual([]);
});

it('evaluates every dashboard panel query with data', async () => {
  const panels = readDashboard().panels.filter((p) => p.type !== 'row');
  for (const p of panels) for (const t of p.targets!) await dataFor(evaluable(t.expr), 10_000);
});

/** The status page of a process, loaded once, with the errors it logs. */
async function openStatus(metrics: string): Promise<{ page: Page; errors: string[] }> {
  const watched = await watchedPage(browser);
  await watched.page.goto(`http://${metrics}/status`);
  return watched;
}

let coordinatorPage: { page: Page; errors: string[] };

it("renders the coordinator's status page: members, groups with replicas, segment placement, traffic", async () => {
  coordinatorPage = await openStatus(cluster.addresses.metrics!);
  const { page, errors } = coordinatorPage;
  await page.waitForSelector('#members tr[data-health="up"]');
  const members = page.locator('#members tbody tr');
  await expect.poll(() => members.count()).toBe(4);
  expect(await members.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-health')))).toEqual(['up', 'up', 'up', 'up']);
  for (const group of ['g1', 'g2']) {
    const row = page.locator(`#groups tr[data-group="${group}"]`);
    await expect.poll(() => row.getAttribute('data-live')).toBe('1');
    expect(Number(await row.locator('td.num').first().textContent())).toBeGreaterThan(0);
  }
  const collection = page.locator(`#collections tr[data-collection="${COLLECTION}"]`);
  await expect.poll(() => collection.textContent()).toMatch(/g1: \d+, g2: \d+/);
  await expect.poll(() => page.locator('#traffic tr[data-method="Search"]').count()).toBe(1);
  await page.screenshot({ path: artifactPath('status-coordinator.png'), fullPage: true });
  expect(errors).toEqual([]);
});

it("renders the control plane's status page: registered members and the coordinator's xDS client with its ACKs", async () => {
  const { page, errors } = await openStatus(controlPlane.addresses.metrics!);
  await expect.poll(() => page.locator('#members tbody tr[data-health="up"]').count()).toBe(4);
  const clients = page.locator('#xds tr[data-node]');
  await expect.poll(() => clients.count()).toBeGreaterThan(0);
  expect(await clients.first().textContent()).toMatch(/ACK \S+/);
  expect(await clients.first().getAttribute('data-nacked')).toBe('false');
  await page.screenshot({ path: artifactPath('status-control-plane.png'), fullPage: true });
  await page.close();
  expect(errors).toEqual([]);
});

/** `mishards ctl ARGS --address <coordinator>`: its exit code and the lines it wrote. */
async function runCtl(...args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await ctl([...args, '--address', cluster.addresses.grpc!, '--timeout', '60'], (l) => lines.push(l));
  return { code, lines };
}

it('mishards ctl loads collections in bulk, showing the loading progress until the readers hold them', async () => {
  for (const name of ['bulk_a', 'bulk_b']) {
    await client.createCollection({
      collection_name: name,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
    });
    await client.createIndex({ collection_name: name, field_name: 'v', index_type: 'HNSW', metric_type: 'L2' });
    for (let b = 0; b < 3; b++)
      await client.insert({ collection_name: name, data: Array.from({ length: 100 }, (_, i) => ({ id: b * 100 + i, v: vec(i) })) });
    await client.flushSync({ collection_names: [name] });
  }
  const loaded = await runCtl('load', 'bulk_a', 'bulk_b');
  expect(loaded.code).toBe(0);
  const last = loaded.lines.slice(-2);
  for (const [i, name] of ['bulk_a', 'bulk_b'].entries()) expect(last[i]).toMatch(new RegExp(`^${name} +load \\[#+\\] 100%  index \\[`));
  for (const name of ['bulk_a', 'bulk_b']) expect((await client.getLoadingProgress({ collection_name: name })).progress).toBe('100');

  const progress = await runCtl('progress', '--wait', '--json');
  expect(progress.code).toBe(0);
  const report = JSON.parse(progress.lines.join('\n')) as {
    collection: string;
    load: number;
    index: { finished: boolean; indexed: number };
  }[];
  expect(report.map((r) => r.collection)).toEqual(['bulk_a', 'bulk_b', COLLECTION]);
  for (const r of report) {
    expect(r.load).toBe(100);
    expect(r.index.finished).toBe(true);
  }
  expect(report[0]!.index.indexed).toBe(300);
});

it('mishards ctl compacts and releases in bulk, showing each compaction plans completing', async () => {
  const compacted = await runCtl('compact', 'bulk_a', 'bulk_b');
  expect(compacted.code).toBe(0);
  for (const [i, name] of ['bulk_a', 'bulk_b'].entries())
    expect(compacted.lines.at(i - 2)).toMatch(new RegExp(`^${name} +compaction \\d+  \\[#+\\] 100% (\\d+)/\\1 plans$`));
  const released = await runCtl('release', 'bulk_a', 'bulk_b');
  expect(released).toEqual({ code: 0, lines: ['released bulk_a', 'released bulk_b'] });
  expect((await client.getLoadState({ collection_name: 'bulk_b' })).state).toBe('LoadStateNotLoad');
  await expect(runCtl('load')).rejects.toThrow(/ctl load needs collection names or --all/);
});

it('a reader group that stops: its alert goes pending in Prometheus and the open status page shows it', async () => {
  const processes = await clusterProcesses(cluster.child.pid!);
  const readers = processes.filter((p) => p.role === 'reader');
  const g2 = (await Promise.all(readers.map(async (p) => ((await groupOf(p.pid)) === 'g2' ? p : undefined)))).find(Boolean)!;
  process.kill(g2.pid, 'SIGTERM');

  const { page, errors } = coordinatorPage;
  // The page was not reloaded: it shows the group without a live replica by itself.
  await page.waitForSelector('#groups tr[data-group="g2"][data-live="0"]', { timeout: 20_000 });
  await page.screenshot({ path: artifactPath('status-coordinator-g2-stopped.png'), fullPage: true });
  await waitUntil('MishardsReaderGroupNoLiveReplica is pending or firing for g2', async () =>
    (await prometheus.alerts()).some(
      (a) =>
        a.labels.alertname === 'MishardsReaderGroupNoLiveReplica' && a.labels.group === 'g2' && ['pending', 'firing'].includes(a.state),
    ),
  );
  expect(
    (await prometheus.alerts()).filter((a) => a.labels.alertname === 'MishardsReaderGroupNoLiveReplica').map((a) => a.labels.group),
  ).toEqual(['g2']);
  expect(errors).toEqual([]);
});

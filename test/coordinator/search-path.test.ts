import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, type MilvusClient, RRFRanker } from '@zilliz/milvus2-sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { StaticDiscovery } from '../../cluster/discovery.js';
import { startCoordinator, type RunningCoordinator } from '../../ext-proc/server.js';
import { DEFAULT_REQUEST_LIMITS } from '../../milvus/request-limits.js';
import { DataNodeClient } from '../harness/data-node-client.js';
import { startMariadb, type MariadbInstance } from '../harness/mariadb.js';
import { scrapeMetrics } from '../harness/metrics.js';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from '../harness/mishards-process.js';

/**
 * The search path, seen from the inside: a coordinator in this process (so its spans land in
 * an in-memory exporter) over a writer and three readers whose metadata lives in a private
 * MariaDB (so every SQL statement anyone sends is counted by that server alone).
 */
const DIM = 8;
let dir: string;
let db: MariadbInstance;
let writer: MishardsProcess;
const readers: MishardsProcess[] = [];
let coordinator: RunningCoordinator;
let client: MilvusClient;
const exporter = new InMemorySpanExporter();

async function statementCount(): Promise<number> {
  const conn = await mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password });
  try {
    const [rows] = await conn.query(
      "SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_select', 'Com_insert', 'Com_update', 'Com_delete', 'Com_replace')",
    );
    return (rows as { Value: string }[]).reduce((n, r) => n + Number(r.Value), 0);
  } finally {
    await conn.end();
  }
}

beforeAll(async () => {
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  dir = mkdtempSync(join(tmpdir(), 'mishards-path-'));
  db = await startMariadb();
  const shared = [...onFreePorts(), '--meta', db.url, '--storage', join(dir, 'storage')];
  writer = await startMishards(['writer', ...shared, '--data-dir', join(dir, 'w'), '--seal-rows', '100']);
  for (const g of ['g1', 'g2', 'g3']) readers.push(await startMishards(['reader', ...shared, '--group', g, '--data-dir', join(dir, g)]));
  const discovery = new StaticDiscovery(
    readers.map((r, i) => ({ role: 'reader', name: `r${i}`, group: `g${i + 1}`, address: r.addresses.grpc! })),
  );
  coordinator = await startCoordinator(
    { host: '127.0.0.1', port: 0, metricsPort: 0, writer: writer.addresses.grpc!, discovery, limits: DEFAULT_REQUEST_LIMITS },
    pino({ level: 'silent' }),
  );
  client = await connectSdk(coordinator.grpc);
  await client.createCollection({
    collection_name: 'traced',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: DIM },
    ],
  });
  await client.createIndex({ collection_name: 'traced', field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
  await client.loadCollectionSync({ collection_name: 'traced' });
  // Batches of the seal size: each becomes one sealed segment.
  for (let b = 0; b < 12; b++) {
    await client.insert({
      collection_name: 'traced',
      data: Array.from({ length: 100 }, (_, i) => ({
        id: b * 100 + i,
        v: Array.from({ length: DIM }, (_, j) => Math.cos(b * 100 + i + j)),
      })),
    });
  }
  await client.flushSync({ collection_names: ['traced'] });
  // Wait until placement has put every sealed segment on a reader.
  const probes = readers.map((r) => new DataNodeClient(r.addresses.grpc!));
  for (;;) {
    const held = await Promise.all(probes.map(async (p) => (await p.call('ListSegments', {})).segments.length));
    if (held.reduce((a, b) => a + b, 0) >= 12) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const p of probes) p.close();
});

afterAll(async () => {
  await client?.closeConnection();
  await coordinator?.stop();
  for (const r of readers) await r.stop();
  await writer?.stop();
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the search path', () => {
  it('runs no SQL: searches and queries are answered from caches and segments', async () => {
    // Let the placement pass that saw the last load finish: it is not part of a search.
    await coordinator.placement.settled();
    const before = await statementCount();
    for (let i = 0; i < 30; i++) {
      const res = await client.search({
        collection_name: 'traced',
        data: [Array.from({ length: DIM }, (_, j) => Math.sin(i + j))],
        limit: 5,
      });
      expect(res.status.error_code).toBe('Success');
      expect(res.results.length).toBe(5);
    }
    for (let i = 0; i < 10; i++) {
      const res = await client.query({ collection_name: 'traced', filter: `id < ${i * 50 + 10}`, output_fields: ['id'], limit: 3 });
      expect(res.status.error_code).toBe('Success');
    }
    expect(await statementCount()).toBe(before);
    // The counter does move when the metadata store is used (so the assertion above can fail).
    await client.createPartition({ collection_name: 'traced', partition_name: 'p1' });
    expect(await statementCount()).toBeGreaterThan(before);
  });

  it('produces the span tree get_routing, do_search with one search_<target> per sub-request, do_merge', async () => {
    const treeOf = async (consistency: 'Strong' | 'Bounded') => {
      exporter.reset();
      const res = await client.search({
        collection_name: 'traced',
        data: [Array.from({ length: DIM }, () => 0.5)],
        limit: 3,
        consistency_level: consistency as any,
      });
      expect(res.status.error_code).toBe('Success');
      const spans = exporter.getFinishedSpans();
      const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
      const root = spans.find((s) => s.name === 'Search')!;
      expect(root).toBeDefined();
      const children = spans.filter((s) => parentOf(s) === root.spanContext().spanId).map((s) => s.name);
      expect(children).toEqual(['get_routing', 'do_search', 'do_merge']);
      const doSearch = spans.find((s) => s.name === 'do_search')!;
      expect(spans.every((s) => s.spanContext().traceId === root.spanContext().traceId)).toBe(true);
      return spans
        .filter((s) => parentOf(s) === doSearch.spanContext().spanId)
        .map((s) => s.name)
        .sort();
    };
    // Strong asks the writer too; Bounded skips it while it holds no unsealed rows.
    expect(await treeOf('Strong')).toEqual(['search_g1', 'search_g2', 'search_g3', 'search_writer']);
    expect(await treeOf('Bounded')).toEqual(['search_g1', 'search_g2', 'search_g3']);
  });

  it('places the 12 segments within 1.25x of each other in rows per group, as mishards_group_rows shows', async () => {
    await coordinator.placement.settled();
    const value = await scrapeMetrics(coordinator.metrics);
    const held = await Promise.all(
      readers.map(async (r) => {
        const probe = new DataNodeClient(r.addresses.grpc!);
        try {
          return (await probe.call('ListSegments', {})).segments.reduce((n: number, s: any) => n + Number(s.rows), 0);
        } finally {
          probe.close();
        }
      }),
    );
    // Reader i is the one replica of group g(i+1): what it holds is what the gauge says it was given.
    expect(held.reduce((a, b) => a + b, 0)).toBe(1200);
    for (const [i, rows] of held.entries()) expect(value('mishards_group_rows', { group: `g${i + 1}` })).toBe(rows);
    expect(Math.max(...held)).toBeLessThanOrEqual(1.25 * Math.min(...held));
  });

  it("records each data node's engine time once per search request it serves", async () => {
    const query = (i: number) => Array.from({ length: DIM }, (_, j) => Math.cos(i * j));
    for (let i = 0; i < 5; i++) {
      const res = await client.search({ collection_name: 'traced', data: [query(i)], limit: 3, consistency_level: 'Strong' as any });
      expect(res.status.error_code).toBe('Success');
    }
    // Strong asks every reader group (sealed segments to search) and the writer (none left to it).
    for (const reader of readers) {
      const value = await scrapeMetrics(reader.addresses.metrics!);
      const served = value('mishards_requests_total', { method: 'SearchSegments', code: '0' });
      expect(served).toBeGreaterThanOrEqual(5);
      expect(value('mishards_engine_search_seconds_count')).toBe(served);
      expect(value('mishards_engine_search_seconds_sum')).toBeGreaterThan(0);
    }
    // The writer's own Milvus API searches all twelve segments itself.
    const direct = await connectSdk(writer.addresses.grpc!);
    try {
      expect((await direct.search({ collection_name: 'traced', data: [query(7)], limit: 3 })).status.error_code).toBe('Success');
      const hybrid = await direct.hybridSearch({
        collection_name: 'traced',
        data: [1, 2].map((i) => ({ data: query(i), anns_field: 'v', limit: 3, params: {} })),
        rerank: RRFRanker(60),
        limit: 3,
      });
      expect(hybrid.status.error_code).toBe('Success');
    } finally {
      await direct.closeConnection();
    }
    const value = await scrapeMetrics(writer.addresses.metrics!);
    const served = ['SearchSegments', 'Search', 'HybridSearch'].map((method) => value('mishards_requests_total', { method, code: '0' }));
    expect(served.slice(1)).toEqual([1, 1]);
    expect(value('mishards_engine_search_seconds_count')).toBe(served.reduce((a, b) => a + b, 0));
    expect(value('mishards_engine_search_seconds_sum')).toBeGreaterThan(0);
  });
});

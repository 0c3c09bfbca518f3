import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from './harness/mishards-process.js';
import { scrapeMetrics } from './harness/metrics.js';
import { waitUntil } from './harness/wait.js';

/**
 * Quotas through the official SDK against a writer and a coordinator started by the CLI: a
 * search rate enforced by the coordinator and a write rate by the writer, each driven above
 * its limit. The rate let through must be the configured one (within 10%), the rest refused
 * with Milvus's rate-limit status, and requests below the rate must pass again afterwards.
 */
const DIM = 4;
const SEARCHES_PER_SECOND = 20;
const ROWS_PER_SECOND = 100;
const ROWS_PER_INSERT = 10;
/** How long the accepted rate is measured, once the initial burst is spent. */
const WINDOW_MS = 3000;
/** Requests in flight at once while overloading: far more offered than the limits allow. */
const CONCURRENCY = 4;

interface WireStatus {
  code: number;
  error_code: string;
  reason: string;
  retriable: boolean;
}

const vec = (i: number) => [Math.cos(i), Math.sin(i), (i % 7) / 7, 1];

describe('quotas: rates as configured, through the coordinator and the writer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mishards-quotas-'));
  let writer: MishardsProcess;
  let coordinator: MishardsProcess;
  let client: MilvusClient;
  let nextId = 0;
  /** Rows of the inserts that succeeded. */
  let writtenRows = 0;

  const search = () =>
    client.search({ collection_name: 'q', data: [vec(1)], limit: 3, output_fields: ['id'] }).then((r) => r.status as unknown as WireStatus);
  const insert = () => {
    const data = Array.from({ length: ROWS_PER_INSERT }, () => ({ id: nextId, v: vec(nextId++) }));
    return client.insert({ collection_name: 'q', data }).then((r) => {
      if (r.status.error_code === 'Success') writtenRows += data.length;
      return r.status as unknown as WireStatus;
    });
  };

  /** Sends `send` from CONCURRENCY loops until `done`, returning every status. */
  async function overload(send: () => Promise<WireStatus>, done: (statuses: WireStatus[]) => boolean): Promise<WireStatus[]> {
    const statuses: WireStatus[] = [];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (!done(statuses)) statuses.push(await send());
      }),
    );
    return statuses;
  }

  /**
   * The accepted rate of `send` under overload, per second: measured over WINDOW_MS after the
   * first refusal, when the one second of allowance a quiet client may burst is spent.
   */
  async function acceptedRate(send: () => Promise<WireStatus>): Promise<{ perSecond: number; statuses: WireStatus[] }> {
    const drainStart = performance.now();
    // Bounded, so that a limit not enforced fails the test below instead of hanging it.
    await overload(send, (s) => s.some((x) => x.code !== 0) || performance.now() - drainStart > 5000);
    const start = performance.now();
    const statuses = await overload(send, () => performance.now() - start >= WINDOW_MS);
    const seconds = (performance.now() - start) / 1000;
    return { perSecond: statuses.filter((s) => s.code === 0).length / seconds, statuses };
  }

  /** Sends `count` requests at half of `perSecond`: below the rate, every one passes. */
  async function belowRate(send: () => Promise<WireStatus>, perSecond: number, count: number): Promise<WireStatus[]> {
    const statuses: WireStatus[] = [];
    for (let i = 0; i < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, 2000 / perSecond));
      statuses.push(await send());
    }
    return statuses;
  }

  beforeAll(async () => {
    const shared = ['--meta', `sqlite:${join(dir, 'meta.sqlite')}`, '--storage', join(dir, 'storage')];
    writer = await startMishards([
      'writer',
      ...onFreePorts(join(dir, 'writer')),
      ...shared,
      '--quota-rows-rate-collection',
      String(ROWS_PER_SECOND),
    ]);
    coordinator = await startMishards([
      'coordinator',
      ...onFreePorts(),
      '--writer',
      writer.addresses.grpc!,
      '--quota-search-rate-collection',
      String(SEARCHES_PER_SECOND),
    ]);
    client = await connectSdk(coordinator.addresses.grpc!);
    await client.createCollection({
      collection_name: 'q',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
    });
    await client.createIndex({ collection_name: 'q', field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
    await client.loadCollectionSync({ collection_name: 'q' });
    expect((await insert()).error_code).toBe('Success');
  });

  afterAll(async () => {
    await client?.closeConnection();
    if (coordinator) expect(await coordinator.stop()).toBe(0);
    if (writer) expect(await writer.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('searches: the configured vectors per second pass, the rest are refused with code 8 / RateLimit', async () => {
    const { perSecond, statuses } = await acceptedRate(search);
    expect(perSecond).toBeGreaterThanOrEqual(SEARCHES_PER_SECOND * 0.9);
    expect(perSecond).toBeLessThanOrEqual(SEARCHES_PER_SECOND * 1.1);
    const refused = statuses.filter((s) => s.code !== 0);
    expect(refused.length).toBeGreaterThan(0);
    for (const s of refused) {
      expect(s).toMatchObject({ code: 8, error_code: 'RateLimit', retriable: true });
      expect(s.reason).toBe(
        `request is rejected by the rate limiter: search above quotaAndLimits.dql.searchRate.collection.max of collection q (${SEARCHES_PER_SECOND} vectors/s), please retry later: rate limit exceeded[rate=${SEARCHES_PER_SECOND}]`,
      );
    }
    const metrics = await scrapeMetrics(coordinator.addresses.metrics!);
    expect(metrics('mishards_rate_limited_total', { kind: 'search', collection: 'q' })).toBeGreaterThanOrEqual(refused.length);
    expect(metrics('mishards_quota_limit', { kind: 'search', scope: 'collection', unit: 'vectors/s' })).toBe(SEARCHES_PER_SECOND);

    await waitUntil('a search passes again', async () => (await search()).code === 0);
    const calm = await belowRate(search, SEARCHES_PER_SECOND, 10);
    expect(calm.map((s) => s.error_code)).toEqual(Array(10).fill('Success'));
  });

  it('inserts: the configured rows per second are written, the rest are refused with code 8 / RateLimit', async () => {
    const { perSecond, statuses } = await acceptedRate(insert);
    const rowsPerSecond = perSecond * ROWS_PER_INSERT;
    expect(rowsPerSecond).toBeGreaterThanOrEqual(ROWS_PER_SECOND * 0.9);
    expect(rowsPerSecond).toBeLessThanOrEqual(ROWS_PER_SECOND * 1.1);
    const refused = statuses.filter((s) => s.code !== 0);
    expect(refused.length).toBeGreaterThan(0);
    for (const s of refused) {
      expect(s).toMatchObject({ code: 8, error_code: 'RateLimit', retriable: true });
      expect(s.reason).toMatch(
        new RegExp(
          `^request is rejected by the rate limiter: rows above mishards\\.dml\\.rowsRate\\.collection\\.max of collection q \\(${ROWS_PER_SECOND} rows/s\\), please retry later: rate limit exceeded\\[rate=${ROWS_PER_SECOND}\\]$`,
        ),
      );
    }
    const metrics = await scrapeMetrics(writer.addresses.metrics!);
    expect(metrics('mishards_rate_limited_total', { kind: 'rows', collection: 'q' })).toBeGreaterThanOrEqual(refused.length);

    await waitUntil('an insert passes again', async () => (await insert()).code === 0);
    const calm = await belowRate(insert, ROWS_PER_SECOND / ROWS_PER_INSERT, 5);
    expect(calm.map((s) => s.error_code)).toEqual(Array(5).fill('Success'));
    // Exactly the accepted inserts were written; a refused one wrote nothing.
    const count = await client.query({ collection_name: 'q', filter: '', output_fields: ['count(*)'], consistency_level: 'Strong' } as any);
    expect(Number(count.data[0]!['count(*)'])).toBe(writtenRows);
  });
});

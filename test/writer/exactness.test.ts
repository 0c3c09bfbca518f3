import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { collectionIdOf, DataNodeClient } from '../harness/data-node-client.js';
import { seedBucketed } from '../harness/bucketed.js';
import { rank, rankingMismatch, score } from '../harness/reference.js';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from '../harness/mishards-process.js';

/**
 * With FLAT, search results (ids and distances) equal a brute-force computation over the
 * live rows, for L2, IP and COSINE, across many sealed segments plus growing data, after
 * upserts and deletes. Distances follow Milvus: L2 squared, IP and COSINE similarities.
 */
const DIM = 16;
const ROWS = 1300;
const SEAL = 100;

let dir: string;
let writer: MishardsProcess;
let client: MilvusClient;
let internal: DataNodeClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-exact-'));
  writer = await startMishards(['writer', ...onFreePorts(dir), '--seal-rows', String(SEAL)]);
  client = await connectSdk(writer.addresses.grpc!, 60_000);
  internal = new DataNodeClient(writer.addresses.grpc!);
});

afterAll(async () => {
  await client?.closeConnection();
  internal?.close();
  await writer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(['L2', 'IP', 'COSINE'] as const)('FLAT %s search equals brute force', (metric) => {
  it('over sealed and growing segments after upserts and deletes', async () => {
    const name = `exact_${metric}`;
    const { live, rand } = await seedBucketed(client, {
      name,
      metric,
      dim: DIM,
      rows: ROWS,
      batch: 50,
      buckets: 7,
      seed: metric.length * 7919,
    });
    // Seal what the inserts left growing, so the sealed count below is exact.
    await client.flushSync({ collection_names: [name] });
    // Upserts move rows (some sealed, some growing); deletes remove rows in both.
    const moved = Array.from({ length: 40 }, (_, i) => ({ id: i * 31, v: Array.from({ length: DIM }, rand), bucket: 3 }));
    await client.upsert({ collection_name: name, data: moved });
    for (const r of moved) live.set(r.id, { v: r.v, bucket: r.bucket });
    const doomed = Array.from({ length: 60 }, (_, i) => i * 19 + 5);
    await client.delete({ collection_name: name, filter: `id in [${doomed.join(',')}]` });
    for (const id of doomed) live.delete(id);

    const listed = await internal.call('ListSegments', {});
    const id = await collectionIdOf(client, name);
    const mine = listed.segments.filter((s: any) => s.collection_id === id);
    expect(mine.filter((s: any) => !s.growing).length).toBeGreaterThanOrEqual(12);
    expect(mine.some((s: any) => s.growing && Number(s.live_rows) > 0)).toBe(true);
    const stats = await client.getCollectionStatistics({ collection_name: name });
    expect(Number(stats.data.row_count)).toBe(live.size);

    const queries = Array.from({ length: 5 }, () => Array.from({ length: DIM }, rand));
    for (const [filter, topk, offset] of [
      ['', 10, 0],
      ['bucket in [1, 3]', 25, 5],
      ['bucket == 6 and id > 500', 7, 2],
    ] as const) {
      const res = await client.search({ collection_name: name, data: queries, limit: topk, offset, filter });
      expect(res.status.error_code).toBe('Success');
      queries.forEach((q, qi) => {
        const passing = [...live.entries()].filter(([id, r]) => {
          if (filter === 'bucket in [1, 3]') return r.bucket === 1 || r.bucket === 3;
          if (filter === 'bucket == 6 and id > 500') return r.bucket === 6 && id > 500;
          return true;
        });
        const want = rank(
          passing.map(([id, r]) => [id, r.v]),
          q,
          metric,
        ).slice(offset, offset + topk);
        const got = (res.results as unknown as any[][])[qi]!;
        const vectors = new Map(passing.map(([id, r]) => [id, r.v] as const));
        expect(
          rankingMismatch(
            got.map((h) => ({ id: Number(h.id), score: h.score })),
            want,
            (id) => score[metric](q, vectors.get(id)!),
          ),
        ).toBeUndefined();
      });
    }
  });
});

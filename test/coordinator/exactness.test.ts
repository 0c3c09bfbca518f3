import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { collectionIdOf, type DataNodeClient } from '../harness/data-node-client.js';
import { seedBucketed } from '../harness/bucketed.js';
import { rank, rankingMismatch, score } from '../harness/reference.js';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from '../harness/mishards-process.js';
import { readersHold, upMembers } from '../harness/up-members.js';

/**
 * Through the coordinator of a `mishards up` cluster, with FLAT and Strong consistency, for
 * L2, IP and COSINE, nq 1..100, topk 1..1000, with and without filters and offsets, across
 * at least 12 sealed segments on three reader groups plus growing data, after upserts and
 * deletes: results equal brute force over all live rows (same ids in the same order, same
 * distances).
 */
const DIM = 12;
const ROWS = 1500;
const SEAL = 100;

let dir: string;
let cluster: MishardsProcess;
let client: MilvusClient;
let readers: DataNodeClient[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-coord-exact-'));
  cluster = await startMishards(['up', '--readers', '3', ...onFreePorts(dir), '--seal-rows', String(SEAL)]);
  client = await connectSdk(cluster.addresses.grpc!, 60_000);
  const members = upMembers(dir);
  members.writer.close();
  readers = members.readers;
});

afterAll(async () => {
  await client?.closeConnection();
  for (const r of readers ?? []) r.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(['L2', 'IP', 'COSINE'] as const)('coordinator %s search equals brute force', (metric) => {
  it('across sealed segments on three reader groups plus growing data', async () => {
    const name = `cx_${metric}`;
    const { live, rand } = await seedBucketed(client, {
      name,
      metric,
      dim: DIM,
      rows: ROWS,
      batch: 100,
      buckets: 5,
      seed: metric.length * 104729,
      strong: true,
    });
    const sealed = ROWS / SEAL;
    const perReader = await readersHold(readers, await collectionIdOf(client, name), sealed);
    expect(perReader.every((n) => n > 0)).toBe(true);
    // Upserts and deletes reach sealed segments on readers; new rows stay growing on the writer.
    const moved = Array.from({ length: 30 }, (_, i) => ({ id: i * 47, v: Array.from({ length: DIM }, rand), bucket: 4 }));
    await client.upsert({ collection_name: name, data: moved });
    for (const r of moved) live.set(r.id, { v: r.v, bucket: r.bucket });
    const doomed = Array.from({ length: 50 }, (_, i) => i * 29 + 3);
    await client.delete({ collection_name: name, filter: `id in [${doomed.join(',')}]` });
    for (const id of doomed) live.delete(id);
    const fresh = Array.from({ length: 40 }, (_, i) => ({ id: 10_000 + i, v: Array.from({ length: DIM }, rand), bucket: i % 5 }));
    await client.insert({ collection_name: name, data: fresh });
    for (const r of fresh) live.set(r.id, { v: r.v, bucket: r.bucket });

    const cases: [number, number, number, string][] = [
      [1, 1, 0, ''],
      [3, 10, 0, 'bucket in [1, 4]'],
      [100, 7, 3, ''],
      [5, 1000, 0, ''],
      [2, 300, 50, 'bucket != 2 and id > 100'],
    ];
    for (const [nq, topk, offset, filter] of cases) {
      const queries = Array.from({ length: nq }, () => Array.from({ length: DIM }, rand));
      const res = await client.search({
        collection_name: name,
        data: queries,
        limit: topk,
        offset,
        filter,
        consistency_level: 'Strong' as any,
      });
      expect(res.status.error_code).toBe('Success');
      const results = (nq === 1 ? [res.results] : res.results) as unknown as any[][];
      queries.forEach((q, qi) => {
        const passing = [...live.entries()].filter(([id, r]) => {
          if (filter === 'bucket in [1, 4]') return r.bucket === 1 || r.bucket === 4;
          if (filter === 'bucket != 2 and id > 100') return r.bucket !== 2 && id > 100;
          return true;
        });
        const want = rank(
          passing.map(([id, r]) => [id, r.v]),
          q,
          metric,
        ).slice(offset, offset + topk);
        const got = results[qi]!;
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

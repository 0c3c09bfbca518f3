import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType } from '@zilliz/milvus2-sdk-node';
import { bruteForceTopK, clusteredVectors, recallAt } from '../bench/clustered-data.js';
import type { MetricType, VectorSearchResult } from '../engine/engine.js';
import { TestCluster } from './harness/cluster.js';

/**
 * Milvus's vector index types through the coordinator of a cluster with a reader group, with the
 * official SDK: each index is built on the sealed segments, held by the reader, described with
 * the engine index that serves it, and searched with its own search parameters at a recall
 * against a brute force; bad parameters get Milvus's refusals.
 */
const PER_SEGMENT = 600;
const ROWS = PER_SEGMENT * 3;
const DIM = 32;
const NQ = 20;
const K = 10;
const cluster = new TestCluster();
const vectors = clusteredVectors(ROWS, DIM, 12, 3);
const queries = clusteredVectors(NQ, DIM, 12, 3, ROWS);
const rowOf = (i: number) => Array.from(vectors.subarray(i * DIM, (i + 1) * DIM));
const queryOf = (q: number) => Array.from(queries.subarray(q * DIM, (q + 1) * DIM));

interface Case {
  name: string;
  index: string;
  metric: MetricType;
  params: Record<string, number | string>;
  engine: string;
}

const cases: Case[] = [
  { name: 'ivf_flat', index: 'IVF_FLAT', metric: 'L2', params: { nlist: 32 }, engine: 'IVF_FLAT' },
  { name: 'ivf_sq8', index: 'IVF_SQ8', metric: 'IP', params: { nlist: 32 }, engine: 'IVF_SQ8' },
  { name: 'ivf_pq', index: 'IVF_PQ', metric: 'COSINE', params: { nlist: 32, m: 8, nbits: 8 }, engine: 'IVF_SQ8' },
  { name: 'scann', index: 'SCANN', metric: 'L2', params: { nlist: 32 }, engine: 'IVF_SQ8' },
  { name: 'hnsw_sq', index: 'HNSW_SQ', metric: 'L2', params: { M: 16, efConstruction: 100, sq_type: 'SQ8' }, engine: 'HNSW' },
  { name: 'diskann', index: 'DISKANN', metric: 'COSINE', params: {}, engine: 'HNSW' },
];

beforeAll(async () => {
  await cluster.start([{ name: 'r1', group: 'g1' }], PER_SEGMENT);
  const client = cluster.client;
  for (const c of cases) {
    const created = await client.createCollection({
      collection_name: c.name,
      consistency_level: 'Strong',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
    });
    expect(created.error_code).toBe('Success');
    const indexed = await client.createIndex({
      collection_name: c.name,
      field_name: 'v',
      index_type: c.index,
      metric_type: c.metric,
      params: c.params,
    });
    expect([indexed.error_code, indexed.reason]).toEqual(['Success', '']);
    await client.loadCollectionSync({ collection_name: c.name });
    for (let s = 0; s < ROWS; s += PER_SEGMENT) {
      const data = Array.from({ length: PER_SEGMENT }, (_, i) => ({ id: s + i, v: rowOf(s + i) }));
      expect((await client.insert({ collection_name: c.name, data })).status.error_code).toBe('Success');
    }
    await client.flushSync({ collection_names: [c.name] });
  }
  await cluster.until('every collection is indexed and held by the reader', async () => {
    for (const c of cases) {
      const d = await client.describeIndex({ collection_name: c.name });
      const desc = d.index_descriptions[0];
      if (desc?.state !== 'Finished' || Number(desc.indexed_rows) !== ROWS) return false;
      if (new Set([...(await cluster.holdings(c.name)).values()].flat()).size !== 3) return false;
    }
    return true;
  });
}, 300_000);

afterAll(async () => {
  await cluster.stop();
});

async function search(c: Case, params: Record<string, number> = {}): Promise<VectorSearchResult> {
  const res = await cluster.client.search({
    collection_name: c.name,
    data: Array.from({ length: NQ }, (_, q) => queryOf(q)),
    limit: K,
    params,
  });
  expect([res.status.error_code, res.status.reason]).toEqual(['Success', '']);
  const perQuery = res.results as unknown as { id: string }[][];
  return { offsets: perQuery.map((hits) => Int32Array.from(hits, (h) => Number(h.id))), scores: [] };
}

describe.each(cases)('$index', (c) => {
  it('describes the index with its parameters and the engine index serving it', async () => {
    const d = await cluster.client.describeIndex({ collection_name: c.name });
    const params = Object.fromEntries(d.index_descriptions[0]!.params.map((p) => [p.key, p.value]));
    expect(params).toMatchObject({ index_type: c.index, metric_type: c.metric, engine: c.engine });
    for (const [k, v] of Object.entries(c.params)) expect(params[k]).toBe(String(v));
  });

  it('searches at recall@10 >= 0.95 against a brute force at its default search parameters', async () => {
    const truth = bruteForceTopK(vectors, DIM, queries, NQ, K, c.metric);
    expect(recallAt(await search(c), truth)).toBeGreaterThanOrEqual(0.95);
  });
});

describe('IVF search parameters', () => {
  const ivf = cases[0]!;
  it('nprobe trades recall: one list misses rows, every list finds the exact answer', async () => {
    const truth = bruteForceTopK(vectors, DIM, queries, NQ, K, ivf.metric);
    expect(recallAt(await search(ivf, { nprobe: 1 }), truth)).toBeLessThan(0.95);
    expect(recallAt(await search(ivf, { nprobe: 32 }), truth)).toBe(1);
  });

  it('refuses nprobe out of range as Milvus does', async () => {
    const res = await cluster.client.search({ collection_name: ivf.name, data: [queryOf(0)], limit: K, params: { nprobe: 0 } });
    expect([res.status.code, res.status.reason]).toEqual([1100, "Out of range in json: param 'nprobe' (0) should be in range [1, 65536]"]);
  });
});

describe('refusals of index parameters', () => {
  it('refuses an IVF_PQ whose m does not divide dim, and an nlist out of range', async () => {
    const client = cluster.client;
    await client.createCollection({
      collection_name: 'refused',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
    });
    const pq = await client.createIndex({
      collection_name: 'refused',
      field_name: 'v',
      index_type: 'IVF_PQ',
      metric_type: 'L2',
      params: { m: 7 },
    });
    expect([pq.code, pq.reason]).toEqual([
      1100,
      'The dimension of a vector (dim) should be a multiple of the number of subquantizers (m). Dimension: 32, m: 7: invalid parameter[expected=valid index params][actual=invalid index params]',
    ]);
    const nlist = await client.createIndex({
      collection_name: 'refused',
      field_name: 'v',
      index_type: 'IVF_FLAT',
      metric_type: 'L2',
      params: { nlist: 0 },
    });
    expect([nlist.code, nlist.reason]).toEqual([
      1100,
      "Out of range in json: param 'nlist' (0) should be in range [1, 65536]: invalid parameter[expected=valid index params][actual=invalid index params]",
    ]);
    expect((await client.describeIndex({ collection_name: 'refused' })).status.error_code).not.toBe('Success');
  });
});

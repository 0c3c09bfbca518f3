import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, type MilvusClient, RRFRanker, WeightedRanker } from '@zilliz/milvus2-sdk-node';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from './harness/mishards-process.js';

/**
 * HybridSearch through the official SDK (`client.hybridSearch`) against the writer alone and
 * the coordinator of `mishards up`, and REST `/v2/vectordb/entities/hybrid_search` against the
 * coordinator: RRF and Weighted answers equal a brute-force computation over the rows (FLAT,
 * Strong, sealed and growing rows, a filter on one sub-request).
 */
const DIM = 8;
const ROWS = 230; // with --seal-rows 100: two sealed segments and growing rows

const vec = (i: number): number[] => Array.from({ length: DIM }, (_, j) => Math.sin(i * 0.37 + j * 1.1) + (j === i % DIM ? 1 : 0));
const query = (seed: number): number[] => Array.from({ length: DIM }, (_, j) => Math.cos(seed * 1.7 + j * 0.9));

type Row = { id: number; vector: number[]; tag: number; label: string };
const rows: Row[] = Array.from({ length: ROWS }, (_, i) => ({ id: i, vector: vec(i), tag: i % 3, label: `row-${i}` }));

type Metric = 'L2' | 'IP';
/** The engine's score on the stored float32 values. */
function score(metric: Metric, a: number[], b: number[]): number {
  let s = 0;
  for (let j = 0; j < DIM; j++) {
    const x = Math.fround(a[j]!);
    const y = Math.fround(b[j]!);
    s += metric === 'L2' ? (x - y) ** 2 : x * y;
  }
  return s;
}

interface Sub {
  q: number[];
  limit: number;
  tag?: number;
}

/** Brute force: each sub-search's best `limit`, then the fusion by hand. */
function expected(
  metric: Metric,
  subs: Sub[],
  ranker: { rrf: number } | { weights: number[] },
  limit: number,
  offset: number,
): { id: string; score: number }[] {
  const norm = (s: number) => (metric === 'L2' ? 1 - (2 * Math.atan(s)) / Math.PI : 0.5 + Math.atan(s) / Math.PI);
  const fused = new Map<number, number>();
  subs.forEach((sub, i) => {
    const hits = rows
      .filter((r) => sub.tag === undefined || r.tag === sub.tag)
      .map((r) => ({ id: r.id, s: score(metric, sub.q, r.vector) }))
      .sort((a, b) => (metric === 'L2' ? a.s - b.s : b.s - a.s))
      .slice(0, sub.limit);
    hits.forEach((h, rank) => {
      const add = 'rrf' in ranker ? 1 / (ranker.rrf + rank + 1) : ranker.weights[i]! * norm(h.s);
      fused.set(h.id, (fused.get(h.id) ?? 0) + add);
    });
  });
  return [...fused.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(offset, offset + limit)
    .map(([id, s]) => ({ id: String(id), score: s }));
}

const targets: [string, string[]][] = [
  ['the writer', ['writer']],
  ['the coordinator of mishards up', ['up', '--readers', '3', '--http-port', '0']],
];

describe.each(targets)('HybridSearch against %s', (target, command) => {
  let dir: string;
  let proc: MishardsProcess;
  let client: MilvusClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mishards-hybrid-'));
    proc = await startMishards([...command, ...onFreePorts(dir), '--meta', `sqlite:${join(dir, 'meta.sqlite')}`, '--seal-rows', '100']);
    client = await connectSdk(proc.addresses.grpc!);
    for (const metric of ['L2', 'IP'] as const) {
      const name = `hybrid_${metric.toLowerCase()}`;
      const created = await client.createCollection({
        collection_name: name,
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
          { name: 'vector', data_type: DataType.FloatVector, dim: DIM },
          { name: 'tag', data_type: DataType.Int64 },
          { name: 'label', data_type: DataType.VarChar, max_length: 32 },
        ],
      });
      expect(created.error_code).toBe('Success');
      expect(
        (await client.createIndex({ collection_name: name, field_name: 'vector', index_type: 'FLAT', metric_type: metric })).error_code,
      ).toBe('Success');
      await client.loadCollectionSync({ collection_name: name });
      // In batches, so some rows are sealed (and, in the cluster, served by readers) and some growing.
      for (let start = 0; start < ROWS; start += 60) {
        const ins = await client.insert({ collection_name: name, data: rows.slice(start, start + 60) });
        expect(ins.status.error_code).toBe('Success');
      }
    }
  });

  afterAll(async () => {
    await client?.closeConnection();
    if (proc) expect(await proc.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  const subs: Sub[] = [
    { q: query(1), limit: 20 },
    { q: query(2), limit: 15, tag: 1 },
  ];
  const sdkRequests = (s: Sub[]) =>
    s.map((sub) => ({
      data: sub.q,
      anns_field: 'vector',
      limit: sub.limit,
      params: {},
      ...(sub.tag === undefined ? {} : { expr: `tag == ${sub.tag}` }),
    }));
  const check = (res: any, want: { id: string; score: number }[]) => {
    expect(res.status.error_code).toBe('Success');
    expect(res.results.map((r: any) => r.id)).toEqual(want.map((w) => w.id));
    res.results.forEach((r: any, i: number) => {
      expect(r.score).toBeCloseTo(want[i]!.score, 5);
      expect(Number(r.tag)).toBe(Number(r.id) % 3);
      expect(r.label).toBe(`row-${r.id}`);
    });
  };

  for (const metric of ['L2', 'IP'] as const) {
    it(`fuses with RRF as a brute force does (${metric})`, async () => {
      const res = await client.hybridSearch({
        collection_name: `hybrid_${metric.toLowerCase()}`,
        data: sdkRequests(subs),
        rerank: RRFRanker(60),
        limit: 8,
        output_fields: ['tag', 'label'],
        consistency_level: 'Strong' as any,
      });
      const want = expected(metric, subs, { rrf: 60 }, 8, 0);
      expect(want).toHaveLength(8);
      check(res, want);
      // Both sub-searches contribute: some hit of the filtered one is among the fused.
      expect(res.results.some((r: any) => Number(r.tag) === 1)).toBe(true);
    });

    it(`fuses with Weighted as a brute force does, with offset (${metric})`, async () => {
      const res = await client.hybridSearch({
        collection_name: `hybrid_${metric.toLowerCase()}`,
        data: sdkRequests(subs),
        rerank: WeightedRanker([0.3, 0.7]),
        limit: 6,
        offset: 2,
        output_fields: ['tag', 'label'],
        consistency_level: 'Strong' as any,
      });
      check(res, expected(metric, subs, { weights: [0.3, 0.7] }, 6, 2));
    });
  }

  it('runs several query vectors per sub-request (nq = 2)', async () => {
    const res: any = await client.hybridSearch({
      collection_name: 'hybrid_ip',
      data: [
        { data: [query(3), query(4)], anns_field: 'vector', limit: 10, params: {} },
        { data: [query(5), query(6)], anns_field: 'vector', limit: 10, params: {}, expr: 'tag != 0' },
      ],
      rerank: RRFRanker(10),
      limit: 5,
      output_fields: ['tag', 'label'],
      consistency_level: 'Strong' as any,
    });
    expect(res.status.error_code).toBe('Success');
    expect(res.results).toHaveLength(2);
    for (const [q, [first, second]] of [
      [0, [3, 5]],
      [1, [4, 6]],
    ] as const) {
      const want = expectedNotZero('IP', query(first), query(second));
      expect(res.results[q].map((r: any) => r.id)).toEqual(want.map((w) => w.id));
      for (const [i, r] of res.results[q].entries()) expect(r.score).toBeCloseTo(want[i]!.score, 6);
    }
  });

  it('answers bad rankers with a Milvus status that says why', async () => {
    const res = await client.hybridSearch({
      collection_name: 'hybrid_l2',
      data: sdkRequests(subs),
      rerank: WeightedRanker([1]),
      limit: 5,
      consistency_level: 'Strong' as any,
    });
    expect(res.status.error_code).not.toBe('Success');
    expect(res.status.reason).toMatch(/1 weights for 2 search requests/);
    const unknown = await client.hybridSearch({
      collection_name: 'hybrid_l2',
      data: sdkRequests(subs),
      rerank: { strategy: 'maxsim' as any, params: {} },
      limit: 5,
    });
    expect(unknown.status.reason).toMatch(/unknown rank strategy/);
  });

  it.runIf(target !== 'the writer')('serves REST /v2/vectordb/entities/hybrid_search with the same answers', async () => {
    const post = async (body: unknown) =>
      (
        await fetch(`http://${proc.addresses.http}/v2/vectordb/entities/hybrid_search`, { method: 'POST', body: JSON.stringify(body) })
      ).json() as Promise<any>;
    const search = subs.map((s) => ({
      data: [s.q],
      annsField: 'vector',
      limit: s.limit,
      ...(s.tag === undefined ? {} : { filter: `tag == ${s.tag}` }),
    }));
    const rrf = await post({
      collectionName: 'hybrid_l2',
      search,
      rerank: { strategy: 'rrf', params: { k: 60 } },
      limit: 8,
      outputFields: ['tag', 'label'],
      consistencyLevel: 'Strong',
    });
    expect(rrf.code).toBe(0);
    const want = expected('L2', subs, { rrf: 60 }, 8, 0);
    expect(rrf.data.map((r: any) => r.id)).toEqual(want.map((w) => w.id));
    rrf.data.forEach((r: any, i: number) => {
      expect(r.distance).toBeCloseTo(want[i]!.score, 5);
      expect(r.label).toBe(`row-${r.id}`);
    });
    expect(rrf.topks).toEqual([8]);
    const weighted = await post({
      collectionName: 'hybrid_ip',
      search,
      rerank: { strategy: 'weighted', params: { weights: [0.3, 0.7] } },
      limit: 6,
      offset: 2,
      outputFields: ['label'],
      consistencyLevel: 'Strong',
    });
    expect(weighted.code).toBe(0);
    expect(weighted.data.map((r: any) => r.id)).toEqual(expected('IP', subs, { weights: [0.3, 0.7] }, 6, 2).map((w) => w.id));
    const bad = await post({
      collectionName: 'hybrid_ip',
      search,
      rerank: { strategy: 'weighted', params: { weights: [1, 1, 1] } },
      limit: 5,
    });
    expect(bad.code).toBe(1100);
    expect(bad.message).toMatch(/3 weights for 2 search requests/);
    const empty = await post({ collectionName: 'hybrid_ip', search: [], rerank: {} });
    expect(empty.code).toBe(1100);
    expect(empty.message).toMatch(/at least one search request/);
    // The sub-searches were scattered: reader groups served sealed segments, the writer the rest.
    const metrics = await (await fetch(`http://${proc.addresses.metrics}/metrics`)).text();
    const served = (target: RegExp) =>
      metrics
        .split('\n')
        .some(
          (line) =>
            line.startsWith('mishards_subrequest_duration_seconds_count{') &&
            target.test(line) &&
            line.includes('result="ok"') &&
            !/ 0$/.test(line),
        );
    expect(served(/target="g\d"/)).toBe(true);
    expect(served(/target="writer"/)).toBe(true);
  });
});

/** RRF(k = 10) of an unfiltered and a `tag != 0` sub-search of limit 10, top 5 (IP). */
function expectedNotZero(metric: Metric, q1: number[], q2: number[]): { id: string; score: number }[] {
  const ranked = (q: number[], keep: (r: Row) => boolean) =>
    rows
      .filter(keep)
      .map((r) => ({ id: r.id, s: score(metric, q, r.vector) }))
      .sort((a, b) => b.s - a.s)
      .slice(0, 10);
  const fused = new Map<number, number>();
  for (const list of [ranked(q1, () => true), ranked(q2, (r) => r.tag !== 0)]) {
    for (const [rank, h] of list.entries()) fused.set(h.id, (fused.get(h.id) ?? 0) + 1 / (10 + rank + 1));
  }
  return [...fused.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, 5)
    .map(([id, s]) => ({ id: String(id), score: s }));
}

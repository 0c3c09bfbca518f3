import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType } from '@zilliz/milvus2-sdk-node';
import { TestCluster } from './harness/cluster.js';

/**
 * Every vector type through the coordinator of a cluster with two reader groups, with the
 * official SDK: for each type and metric, a collection with sealed segments (held by the
 * readers) and growing rows (the writer's); every search with an exact index (FLAT, BIN_FLAT,
 * SPARSE_INVERTED_INDEX) equals a brute force computed here, and the vectors come back as
 * inserted, from search output fields and from query.
 */
const PER_SEGMENT = 30;
const SEALED = 2;
const GROWING = 12;
const ROWS = PER_SEGMENT * SEALED + GROWING;
const K = 10;
const cluster = new TestCluster();

type Dense = number[];
type Sparse = Record<string, number>;

interface Case {
  name: string;
  type: DataType;
  dim?: number;
  index: string;
  metric: 'L2' | 'IP' | 'COSINE' | 'HAMMING' | 'JACCARD';
  /** Row `id`'s vector as sent. */
  row: (id: number) => Dense | Sparse | unknown;
  /** The vector as the SDK returns it (its own decoding), for the round trip. */
  returned: (id: number) => unknown;
  query: (q: number) => unknown;
  /** The score of a row for a query, computed here; undefined: not a hit. */
  score: (q: unknown, row: unknown) => number | undefined;
}

/** Values exactly representable in float16 and bfloat16 (k / 32, |k| <= 64): the SDK's conversions keep them. */
const halfValue = (i: number, j: number) => Math.round(Math.sin(i * 0.61 + j * 1.7) * 64) / 32;
const DIM = 16;
const dense = (f: (i: number, j: number) => number) => (i: number) => Array.from({ length: DIM }, (_, j) => f(i, j));

const dot = (a: number[], b: number[]) => a.reduce((s, x, j) => s + x * b[j]!, 0);
const FLOAT_SCORES = {
  L2: (a: number[], b: number[]) => a.reduce((s, x, j) => s + (x - b[j]!) ** 2, 0),
  IP: dot,
  COSINE: (a: number[], b: number[]) => {
    const n = Math.sqrt(dot(a, a)) * Math.sqrt(dot(b, b));
    return n === 0 ? 0 : dot(a, b) / n;
  },
};

const BIN_DIM = 64;
const bits = (i: number) => Array.from({ length: BIN_DIM / 8 }, (_, j) => (i * 37 + j * 101 + ((i * j) % 7) * 29) & 0xff);
const popcount = (x: number) => {
  let n = 0;
  for (let v = x; v; v >>= 1) n += v & 1;
  return n;
};
const BINARY_SCORES = {
  HAMMING: (a: number[], b: number[]) => a.reduce((s, x, j) => s + popcount(x ^ b[j]!), 0),
  JACCARD: (a: number[], b: number[]) => {
    const both = a.reduce((s, x, j) => s + popcount(x & b[j]!), 0);
    const either = a.reduce((s, x, j) => s + popcount(x | b[j]!), 0);
    return either === 0 ? 0 : 1 - both / either;
  },
};

/** A sparse row: a few indices out of 40 with positive weights; some rows share none with a query. */
const sparseEntries = (i: number): [number, number][] => {
  const out: [number, number][] = [];
  for (let j = 0; j < 40; j++) if ((i * 7 + j * 3) % 11 === 0) out.push([j, Math.fround(((i + j) % 9) / 4 + 0.25)]);
  return out;
};
/** Row `id` in one of the SDK's four sparse forms, by id: dict, CSR, COO, array. */
function sparseRow(i: number): unknown {
  const e = sparseEntries(i);
  switch (i % 4) {
    case 0:
      return Object.fromEntries(e.map(([k, v]) => [String(k), v]));
    case 1:
      return { indices: e.map(([k]) => k), values: e.map(([, v]) => v) };
    case 2:
      return e.map(([index, value]) => ({ index, value }));
    default: {
      const arr: (number | undefined)[] = [];
      for (const [k, v] of e) arr[k] = v;
      return arr;
    }
  }
}
const sparseDict = (i: number) => Object.fromEntries(sparseEntries(i).map(([k, v]) => [String(k), v]));
const sparseIp = (q: Sparse, row: Sparse) => {
  let s = 0;
  for (const [k, v] of Object.entries(q)) if (row[k] !== undefined) s += v * row[k]!;
  return s > 0 ? s : undefined;
};

const cases: Case[] = [];
for (const [type, tag] of [
  [DataType.Float16Vector, 'f16'],
  [DataType.BFloat16Vector, 'bf16'],
] as const) {
  for (const metric of ['L2', 'IP', 'COSINE'] as const) {
    cases.push({
      name: `${tag}_${metric.toLowerCase()}`,
      type,
      dim: DIM,
      index: 'FLAT',
      metric,
      row: dense(halfValue),
      returned: dense(halfValue),
      query: (q) => dense(halfValue)(1000 + q),
      score: (q, r) => FLOAT_SCORES[metric](q as number[], r as number[]),
    });
  }
}
for (const metric of ['L2', 'IP', 'COSINE'] as const) {
  const int8 = dense((i, j) => ((i * 13 + j * 29) % 255) - 127);
  cases.push({
    name: `int8_${metric.toLowerCase()}`,
    type: DataType.Int8Vector,
    dim: DIM,
    index: 'FLAT',
    metric,
    row: int8,
    returned: int8,
    query: (q) => int8(500 + q),
    score: (q, r) => FLOAT_SCORES[metric](q as number[], r as number[]),
  });
}
for (const metric of ['HAMMING', 'JACCARD'] as const) {
  cases.push({
    name: `bin_${metric.toLowerCase()}`,
    type: DataType.BinaryVector,
    dim: BIN_DIM,
    index: 'BIN_FLAT',
    metric,
    row: bits,
    returned: bits,
    query: (q) => bits(700 + q),
    score: (q, r) => BINARY_SCORES[metric](q as number[], r as number[]),
  });
}
cases.push({
  name: 'sparse_ip',
  type: DataType.SparseFloatVector,
  index: 'SPARSE_INVERTED_INDEX',
  metric: 'IP',
  row: sparseRow,
  returned: sparseDict,
  query: (q) => sparseDict(900 + q),
  score: (q, r) => sparseIp(q as Sparse, r as Sparse),
});

/** What the brute force compares a row by: the returned form (sparse rows as dicts). */
const compared = (c: Case, id: number) => c.returned(id);

beforeAll(async () => {
  await cluster.start(
    [
      { name: 'r1', group: 'g1' },
      { name: 'r2', group: 'g2' },
    ],
    PER_SEGMENT,
  );
  const client = cluster.client;
  for (const c of cases) {
    const created = await client.createCollection({
      collection_name: c.name,
      consistency_level: 'Strong',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: c.type, ...(c.dim ? { dim: c.dim } : {}) },
      ],
    });
    expect(created.error_code).toBe('Success');
    const indexed = await client.createIndex({ collection_name: c.name, field_name: 'v', index_type: c.index, metric_type: c.metric });
    expect(indexed.error_code).toBe('Success');
    await client.loadCollectionSync({ collection_name: c.name });
    for (let s = 0; s < SEALED; s++) {
      const data = Array.from({ length: PER_SEGMENT }, (_, i) => ({ id: s * PER_SEGMENT + i, v: c.row(s * PER_SEGMENT + i) as never }));
      const inserted = await client.insert({ collection_name: c.name, data });
      expect(inserted.status.error_code).toBe('Success');
    }
    await client.flushSync({ collection_names: [c.name] });
    const growing = Array.from({ length: GROWING }, (_, i) => ({
      id: SEALED * PER_SEGMENT + i,
      v: c.row(SEALED * PER_SEGMENT + i) as never,
    }));
    expect((await client.insert({ collection_name: c.name, data: growing })).status.error_code).toBe('Success');
  }
  await cluster.until('the readers hold the sealed segments of every collection', async () => {
    for (const c of cases) {
      const held = [...(await cluster.holdings(c.name)).values()].flat();
      if (new Set(held).size !== SEALED) return false;
    }
    return true;
  });
}, 240_000);

afterAll(async () => {
  await cluster.stop();
});

const larger = (c: Case) => c.metric === 'IP' || c.metric === 'COSINE';

describe.each(cases)('$name', (c) => {
  it('searches through the coordinator equal a brute force over sealed and growing rows', async () => {
    for (let q = 0; q < 4; q++) {
      const query = c.query(q);
      const res = await cluster.client.search({ collection_name: c.name, data: [query as never], limit: K, output_fields: ['v'] });
      expect(res.status.error_code).toBe('Success');
      const truth = Array.from({ length: ROWS }, (_, id) => ({ id, s: c.score(query, compared(c, id)) }))
        .filter((h): h is { id: number; s: number } => h.s !== undefined)
        .sort((a, b) => (larger(c) ? b.s - a.s : a.s - b.s));
      const want = truth.slice(0, K).map((h) => h.s);
      const got = res.results as { id: string; score: number; v: unknown }[];
      // Ties may order either way: the scores are the best K, and each hit's score is its own.
      expect(got.map((h) => h.score)).toEqual(want.map((s) => expect.closeTo(s, 4)));
      for (const h of got) {
        expect(h.score).toBeCloseTo(c.score(query, compared(c, Number(h.id)))!, 4);
        expect(h.v).toEqual(c.returned(Number(h.id)));
      }
    }
  });

  it('queries return the vectors as inserted', async () => {
    const ids = [0, PER_SEGMENT + 3, ROWS - 1];
    const res = await cluster.client.query({ collection_name: c.name, filter: `id in [${ids.join(', ')}]`, output_fields: ['id', 'v'] });
    expect(res.status.error_code).toBe('Success');
    const byId = new Map(res.data.map((r: any) => [Number(r.id), r.v]));
    for (const id of ids) expect(byId.get(id)).toEqual(c.returned(id));
  });
});

describe('refusals with Milvus statuses', () => {
  it('refuses unsorted sparse rows, a metric the type has not and a search with another metric', async () => {
    const client = cluster.client;
    const unsorted = await client.insert({ collection_name: 'sparse_ip', data: [{ id: 5000, v: { indices: [4, 2], values: [1, 1] } }] });
    expect([unsorted.status.code, unsorted.status.reason]).toEqual([1100, 'unsorted or same indices in sparse float vector']);
    const metric = await client.createIndex({ collection_name: 'bin_hamming', field_name: 'v', index_type: 'BIN_FLAT', metric_type: 'L2' });
    expect([metric.code, metric.reason]).toEqual([1100, expect.stringContaining('metric type L2 not found or not supported')]);
    const search = await client.search({ collection_name: 'bin_hamming', data: [bits(1)], limit: 3, metric_type: 'JACCARD' });
    expect(search.status.reason).toMatch(/metric type not match/);
  });
});

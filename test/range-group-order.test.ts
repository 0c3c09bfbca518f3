import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, type MilvusClient, RRFRanker } from '@zilliz/milvus2-sdk-node';
import { collectionIdOf, type DataNodeClient } from './harness/data-node-client.js';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from './harness/mishards-process.js';
import { prng, signedPrng } from './harness/prng.js';
import { rankingMismatch } from './harness/reference.js';
import { readersHold, upMembers } from './harness/up-members.js';

/**
 * Range search, grouping search and ORDER BY through the official SDK, against the writer
 * alone and the coordinator of `mishards up` with two reader groups (sealed segments spread
 * over both readers, growing rows on the writer, rows upserted and deleted since). Every
 * answer is checked against brute force over the live rows, computed here: range windows
 * per metric and their bounds (which side is inclusive), groups of size 1 and more, strict
 * and not, groups whose hits lie on several nodes, and orders with ties, nulls, limit and
 * offset.
 */
const DIM = 4;
const ROWS = 730;
const SEAL = 100;
const METRICS = ['L2', 'IP', 'COSINE'] as const;
type Metric = (typeof METRICS)[number];

type Row = {
  id: number;
  v: number[];
  cat: string;
  grp: number;
  flag: boolean;
  price: number;
  rating: number | null;
};

/** Skewed categories (c0 holds about a third of the rows): groups with many hits on every node. */
const CATEGORIES = 12;

function makeRow(id: number, rand: () => number, signed: () => number): Row {
  return {
    id,
    v: Array.from({ length: DIM }, () => Math.fround(signed())),
    cat: `c${Math.floor(rand() ** 3 * CATEGORIES)}`,
    grp: (id % 7) - 3,
    flag: id % 3 === 0,
    // Few distinct prices: orders have ties.
    price: Math.floor(rand() * 20) / 2,
    rating: id % 6 === 0 ? null : id % 17,
  };
}

/** The engine's score: float32 operands, float64 arithmetic, a float32 result. */
function scoreOf(metric: Metric, q: number[], v: number[]): number {
  let dot = 0;
  let l2 = 0;
  let qq = 0;
  let vv = 0;
  for (let j = 0; j < DIM; j++) {
    const x = Math.fround(q[j]!);
    const y = v[j]!;
    dot += x * y;
    l2 += (x - y) ** 2;
    qq += x * x;
    vv += y * y;
  }
  return Math.fround(metric === 'L2' ? l2 : metric === 'IP' ? dot : dot / (Math.sqrt(qq) * Math.sqrt(vv)));
}

const better = (metric: Metric) => (a: { s: number }, b: { s: number }) => (metric === 'L2' ? a.s - b.s : b.s - a.s);

/** The live rows for query q, best first. */
function ranked(metric: Metric, rows: Iterable<Row>, q: number[]): (Row & { s: number })[] {
  return [...rows].map((r) => ({ ...r, s: scoreOf(metric, q, r.v) })).sort(better(metric));
}

/** One query's hits as the SDK returns them (a list per query only when nq > 1). */
const hitsOf = (res: any, nq = 1): any[][] => (nq === 1 ? [res.results] : res.results);

const targets: [string, string[]][] = [
  ['the writer', ['writer']],
  ['the coordinator of mishards up', ['up', '--readers', '2']],
];

describe.each(targets)('range, grouping and order_by against %s', (target, command) => {
  let dir: string;
  let proc: MishardsProcess;
  let client: MilvusClient;
  let readers: DataNodeClient[] = [];
  const live = new Map<Metric, Map<number, Row>>();
  const rand = prng(20);
  const signed = signedPrng(21);
  const query = () => Array.from({ length: DIM }, signed);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mishards-range-group-'));
    proc = await startMishards([...command, ...onFreePorts(dir), '--seal-rows', String(SEAL)]);
    client = await connectSdk(proc.addresses.grpc!, 60_000);
    if (target !== 'the writer') {
      const members = upMembers(dir);
      members.writer.close();
      readers = members.readers;
    }
    const rows = Array.from({ length: ROWS }, (_, i) => makeRow(i, rand, signed));
    for (const metric of METRICS) {
      const name = `rg_${metric}`;
      expect(
        (
          await client.createCollection({
            collection_name: name,
            consistency_level: 'Strong',
            fields: [
              { name: 'id', data_type: DataType.Int64, is_primary_key: true },
              { name: 'v', data_type: DataType.FloatVector, dim: DIM },
              { name: 'cat', data_type: DataType.VarChar, max_length: 8 },
              { name: 'grp', data_type: DataType.Int64 },
              { name: 'flag', data_type: DataType.Bool },
              { name: 'price', data_type: DataType.Double },
              { name: 'rating', data_type: DataType.Int32, nullable: true },
            ],
          })
        ).error_code,
      ).toBe('Success');
      await client.createIndex({ collection_name: name, field_name: 'v', index_type: 'FLAT', metric_type: metric });
      await client.loadCollectionSync({ collection_name: name });
      // Batches of the seal size: sealed segments (on the readers, in the cluster) and growing rows.
      for (let start = 0; start < ROWS; start += SEAL) {
        const ins = await client.insert({ collection_name: name, data: rows.slice(start, start + SEAL) });
        expect(ins.status.error_code).toBe('Success');
      }
      const mine = new Map(rows.map((r) => [r.id, r]));
      // Sealed rows moved to other groups and vectors (the new rows growing on the writer), some deleted.
      const moved = Array.from({ length: 40 }, (_, i) => makeRow(i * 17, rand, signed));
      expect((await client.upsert({ collection_name: name, data: moved })).status.error_code).toBe('Success');
      for (const r of moved) mine.set(r.id, r);
      const doomed = Array.from({ length: 30 }, (_, i) => i * 23 + 5);
      expect((await client.delete({ collection_name: name, filter: `id in [${doomed.join(',')}]` })).status.error_code).toBe('Success');
      for (const id of doomed) mine.delete(id);
      live.set(metric, mine);
      if (readers.length) {
        const held = await readersHold(readers, await collectionIdOf(client, name), Math.floor(ROWS / SEAL));
        expect(held.every((n) => n > 0)).toBe(true);
      }
    }
  });

  afterAll(async () => {
    await client?.closeConnection();
    for (const r of readers) r.close();
    if (proc) expect(await proc.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A bound between the scores at ranks i-1 and i with room on both sides, near rank i: the window's edge falls between rows. */
  function edge(list: { s: number }[], near: number): { at: number; bound: number } {
    for (let i = near; i < list.length; i++) {
      const gap = Math.abs(list[i]!.s - list[i - 1]!.s);
      if (gap > 1e-4) return { at: i, bound: (list[i]!.s + list[i - 1]!.s) / 2 };
    }
    throw new Error('no gap in the scores');
  }

  describe.each(METRICS)('range search (%s)', (metric) => {
    const name = `rg_${metric}`;

    it('returns the best hits inside [range_filter, radius), past many better hits, with limit and offset', async () => {
      // [filter, limit, offset, rank the window starts at]: deep windows need deeper lists
      // than the first round asks of each segment (limit + offset).
      for (const [filter, limit, offset, depth] of [
        ['', 25, 5, 300],
        ['flag == true', 10, 0, 100],
        ['cat in ["c0", "c1"]', 40, 0, 30],
      ] as const) {
        const q = query();
        const passing = [...live.get(metric)!.values()].filter((r) =>
          filter === 'flag == true' ? r.flag : filter ? r.cat === 'c0' || r.cat === 'c1' : true,
        );
        const list = ranked(metric, passing, q);
        const inner = edge(list, depth);
        const outer = edge(list, inner.at + 45);
        const res = await client.search({
          collection_name: name,
          data: [q],
          limit,
          offset,
          filter,
          params: { radius: outer.bound, range_filter: inner.bound } as any,
        });
        expect(res.status.error_code, res.status.reason).toBe('Success');
        const want = list.slice(inner.at, outer.at).slice(offset, offset + limit);
        const got = hitsOf(res)[0]!.map((h) => ({ id: Number(h.id), score: h.score }));
        const exact = new Map(list.map((r) => [r.id, r.s]));
        expect(
          rankingMismatch(
            got,
            want.map((r) => ({ id: r.id, s: r.s })),
            (id) => exact.get(id)!,
          ),
        ).toBeUndefined();
      }
    });

    it('with a radius only, returns the best hits short of it, per query', async () => {
      const queries = [query(), query()];
      const lists = queries.map((q) => ranked(metric, live.get(metric)!.values(), q));
      // A radius that only 12 or so rows of each query are within: fewer than the limit.
      const bound = (l: { s: number }[]) => edge(l, 12).bound;
      const radius = metric === 'L2' ? Math.min(...lists.map(bound)) : Math.max(...lists.map(bound));
      const res = await client.search({ collection_name: name, data: queries, limit: 50, params: { radius } as any });
      expect(res.status.error_code, res.status.reason).toBe('Success');
      hitsOf(res, 2).forEach((hits, qi) => {
        const want = lists[qi]!.filter((r) => (metric === 'L2' ? r.s < radius : r.s > radius));
        expect(want.length).toBeLessThan(50);
        expect(hits.map((h) => Number(h.id))).toEqual(want.map((r) => r.id));
      });
    });
  });

  it('takes a range search as a hybrid sub-search, and refuses grouping in a hybrid search', async () => {
    const q = query();
    const list = ranked('IP', live.get('IP')!.values(), q);
    const inner = edge(list, 40);
    const outer = edge(list, inner.at + 20);
    const res = await client.hybridSearch({
      collection_name: 'rg_IP',
      data: [{ data: q, anns_field: 'v', limit: 50, params: { radius: outer.bound, range_filter: inner.bound } }],
      rerank: RRFRanker(60),
      limit: 50,
    });
    expect(res.status.error_code, res.status.reason).toBe('Success');
    // One sub-search: its RRF order is its own rank order.
    expect(res.results.map((h: any) => Number(h.id))).toEqual(list.slice(inner.at, outer.at).map((r) => r.id));
    const grouped = await client.hybridSearch({
      collection_name: 'rg_IP',
      data: [{ data: q, anns_field: 'v', limit: 5 }],
      rerank: RRFRanker(60),
      limit: 5,
      group_by_field: 'cat',
    } as any);
    expect(grouped.status.code).toBe(1100);
    expect(grouped.status.reason).toMatch(/group_by_field in a hybrid search is not supported by Mishards/);
  });

  describe('range bounds', () => {
    /** Integer vectors whose scores are exact, some equal to the bounds. */
    const cases: { metric: Metric; q: number[]; rows: number[][]; radius: number; rangeFilter: number; inside: number[] }[] = [
      // L2 (squared): range_filter <= d < radius. Distances 1, 2, 4, 5, 8, 9, 10.
      {
        metric: 'L2',
        q: [0, 0],
        rows: [
          [1, 0],
          [1, 1],
          [2, 0],
          [2, 1],
          [2, 2],
          [3, 0],
          [3, 1],
        ],
        radius: 9,
        rangeFilter: 2,
        inside: [1, 2, 3, 4],
      },
      // IP: radius < s <= range_filter. Scores 1 to 7.
      { metric: 'IP', q: [1, 0], rows: [1, 2, 3, 4, 5, 6, 7].map((x) => [x, 0]), radius: 2, rangeFilter: 5, inside: [2, 3, 4] },
      // COSINE: scores 3/5, 4/5, 5/13, 12/13, 1, 0, 8/17.
      {
        metric: 'COSINE',
        q: [1, 0],
        rows: [
          [3, 4],
          [4, 3],
          [5, 12],
          [12, 5],
          [1, 0],
          [0, 1],
          [8, 15],
        ],
        radius: 0.6,
        rangeFilter: 12 / 13,
        inside: [1, 3],
      },
    ];

    it.each(cases)(
      'keeps the range filter and leaves out the radius ($metric)',
      async ({ metric, q, rows, radius, rangeFilter, inside }) => {
        const name = `bounds_${metric}`;
        await client.createCollection({
          collection_name: name,
          consistency_level: 'Strong',
          fields: [
            { name: 'id', data_type: DataType.Int64, is_primary_key: true },
            { name: 'v', data_type: DataType.FloatVector, dim: 2 },
          ],
        });
        await client.createIndex({ collection_name: name, field_name: 'v', index_type: 'FLAT', metric_type: metric });
        await client.loadCollectionSync({ collection_name: name });
        await client.insert({ collection_name: name, data: rows.map((v, id) => ({ id, v })) });
        const res = await client.search({
          collection_name: name,
          data: [q],
          limit: 10,
          params: { radius, range_filter: rangeFilter } as any,
        });
        expect(res.status.error_code, res.status.reason).toBe('Success');
        expect(
          hitsOf(res)[0]!
            .map((h) => Number(h.id))
            .sort(),
        ).toEqual(inside);
        // The window on the wrong side of the radius is refused as Milvus refuses it.
        const wrong = await client.search({
          collection_name: name,
          data: [q],
          limit: 10,
          params: { radius: rangeFilter, range_filter: radius } as any,
        });
        expect(wrong.status.code).toBe(1100);
        expect(wrong.status.reason).toMatch(
          metric === 'L2' ? /range_filter must be less than radius/ : /range_filter must be greater than radius/,
        );
      },
    );
  });

  /** Milvus's grouping, spelled out: the groups in order of their best hit, strict filled to size, or cut at the first hit of the last group. */
  function referenceGroups<T extends { s: number }>(
    list: T[],
    key: (r: T) => unknown,
    groups: number,
    size: number,
    strict: boolean,
  ): T[][] {
    const order: unknown[] = [];
    const members = new Map<unknown, T[]>();
    for (const r of list) {
      const k = key(r);
      if (!members.has(k)) {
        if (order.length === groups) continue;
        order.push(k);
        members.set(k, []);
      }
      if (members.get(k)!.length < size) members.get(k)!.push(r);
      if (!strict && order.length === groups) break;
    }
    return order.map((k) => members.get(k)!);
  }

  describe.each(METRICS)('grouping search (%s)', (metric) => {
    const name = `rg_${metric}`;
    const cases: { field: keyof Row; size: number; strict: boolean; limit: number; offset: number; filter: string; nq: number }[] = [
      { field: 'cat', size: 1, strict: false, limit: 5, offset: 0, filter: '', nq: 1 },
      { field: 'cat', size: 3, strict: true, limit: 4, offset: 2, filter: '', nq: 2 },
      { field: 'cat', size: 3, strict: false, limit: 6, offset: 0, filter: '', nq: 1 },
      // Rare categories among the last groups: found only deeper than the first round asks.
      { field: 'cat', size: 1, strict: false, limit: 11, offset: 0, filter: '', nq: 1 },
      { field: 'cat', size: 3, strict: true, limit: 9, offset: 1, filter: '', nq: 1 },
      { field: 'cat', size: 10, strict: true, limit: 8, offset: 0, filter: 'price < 7', nq: 1 },
      { field: 'grp', size: 2, strict: true, limit: 3, offset: 1, filter: 'price > 2', nq: 1 },
      { field: 'flag', size: 4, strict: true, limit: 5, offset: 0, filter: '', nq: 1 },
      { field: 'rating', size: 2, strict: false, limit: 7, offset: 0, filter: '', nq: 1 },
    ];

    it.each(cases)('group by $field, group_size $size, strict $strict, limit $limit offset $offset', async (c) => {
      const queries = Array.from({ length: c.nq }, query);
      const res = await client.search({
        collection_name: name,
        data: queries,
        limit: c.limit,
        offset: c.offset,
        filter: c.filter,
        group_by_field: c.field,
        group_size: c.size,
        strict_group_size: c.strict,
        output_fields: [c.field],
      } as any);
      expect(res.status.error_code, res.status.reason).toBe('Success');
      const passing = [...live.get(metric)!.values()].filter((r) =>
        c.filter === 'price < 7' ? r.price < 7 : c.filter === 'price > 2' ? r.price > 2 : true,
      );
      hitsOf(res, c.nq).forEach((hits, qi) => {
        const list = ranked(metric, passing, queries[qi]!);
        const want = referenceGroups(list, (r) => r[c.field], c.offset + c.limit, c.size, c.strict).slice(c.offset);
        expect(hits.map((h) => Number(h.id))).toEqual(want.flat().map((r) => r.id));
        hits.forEach((h, i) => {
          const row = want.flat()[i]!;
          expect(h.score).toBeCloseTo(row.s, 5);
          const value = c.field === 'grp' ? Number(h[c.field]) : h[c.field];
          expect(value).toEqual(row[c.field]);
          expect(c.field === 'grp' ? Number(h.group_by_field_values[c.field]) : h.group_by_field_values[c.field]).toEqual(row[c.field]);
        });
        if (c.strict)
          for (const g of want)
            expect(g.length === c.size || g.length === list.filter((r) => r[c.field] === g[0]![c.field]).length).toBe(true);
      });
    });

    it('refuses grouping by an unsupported field, with range search, or over the group size limit', async () => {
      const q = [query()];
      const byDouble = await client.search({ collection_name: name, data: q, limit: 3, group_by_field: 'price' } as any);
      expect(byDouble.status.reason).toBe('unsupported data type DOUBLE for group by operator');
      const missing = await client.search({ collection_name: name, data: q, limit: 3, group_by_field: 'nope' } as any);
      expect(missing.status.code).toBe(1700);
      const ranged = await client.search({ collection_name: name, data: q, limit: 3, group_by_field: 'cat', params: { radius: 1 } } as any);
      expect(ranged.status.reason).toBe('Not allowed to do range-search when doing search-group-by');
      const big = await client.search({ collection_name: name, data: q, limit: 3, group_by_field: 'cat', group_size: 11 } as any);
      expect(big.status.reason).toBe('input group size:11 exceeds configured max group size:10');
    });
  });

  describe('ORDER BY', () => {
    const name = 'rg_L2';
    type Key = 'price' | 'rating' | 'cat';
    /** Brute force: the keys in order (nulls last ascending, first descending, unless said), ties by id. */
    function sorted(rows: Row[], keys: { field: Key; desc?: boolean; nullsFirst?: boolean }[]): Row[] {
      return [...rows].sort((a, b) => {
        for (const k of keys) {
          const x = a[k.field];
          const y = b[k.field];
          if (x === y) continue;
          const nullsFirst = k.nullsFirst ?? Boolean(k.desc);
          if (x === null) return nullsFirst ? -1 : 1;
          if (y === null) return nullsFirst ? 1 : -1;
          return (x < y ? -1 : 1) * (k.desc ? -1 : 1);
        }
        return a.id - b.id;
      });
    }

    const cases: {
      spec: string | object[];
      keys: { field: Key; desc?: boolean; nullsFirst?: boolean }[];
      filter: string;
      limit: number;
      offset: number;
    }[] = [
      { spec: [{ field: 'price', order: 'asc' }], keys: [{ field: 'price' }], filter: '', limit: 10, offset: 5 },
      { spec: 'price:desc', keys: [{ field: 'price', desc: true }], filter: 'cat == "c1"', limit: 20, offset: 0 },
      { spec: 'rating:asc', keys: [{ field: 'rating' }], filter: 'id > 600', limit: 200, offset: 3 },
      { spec: 'rating:desc', keys: [{ field: 'rating', desc: true }], filter: '', limit: 30, offset: 100 },
      { spec: 'rating:asc:nulls_first', keys: [{ field: 'rating', nullsFirst: true }], filter: '', limit: 15, offset: 110 },
      { spec: 'cat:desc,price:asc', keys: [{ field: 'cat', desc: true }, { field: 'price' }], filter: 'id < 400', limit: 25, offset: 10 },
    ];

    it.each(cases)('query order_by $spec, limit $limit offset $offset', async (c) => {
      const res = await client.query({
        collection_name: name,
        filter: c.filter,
        limit: c.limit,
        offset: c.offset,
        order_by_fields: c.spec,
        output_fields: ['id', 'price', 'rating', 'cat'],
      } as any);
      expect(res.status.error_code, res.status.reason).toBe('Success');
      const rows = [...live.get('L2')!.values()].filter((r) =>
        c.filter === 'cat == "c1"' ? r.cat === 'c1' : c.filter === 'id > 600' ? r.id > 600 : c.filter === 'id < 400' ? r.id < 400 : true,
      );
      const want = sorted(rows, c.keys).slice(c.offset, c.offset + c.limit);
      expect(res.data.map((r: any) => Number(r.id))).toEqual(want.map((r) => r.id));
      expect(res.data.map((r: any) => [r.price, r.rating, r.cat])).toEqual(want.map((r) => [r.price, r.rating, r.cat]));
    });

    it('refuses what Milvus refuses in a query', async () => {
      const noLimit = await client.query({ collection_name: name, filter: 'id > 0', order_by_fields: 'price' } as any);
      expect(noLimit.status.reason).toBe('ORDER BY requires explicit limit');
      const vector = await client.query({ collection_name: name, filter: 'id > 0', limit: 3, order_by_fields: 'v' } as any);
      expect(vector.status.reason).toBe("order_by field 'v' has type FloatVector which is not sortable");
    });

    it('re-sorts a search page by order_by, ties in score order', async () => {
      const q = query();
      const res = await client.search({
        collection_name: name,
        data: [q],
        limit: 12,
        offset: 3,
        order_by_fields: 'price:desc',
        output_fields: ['price'],
      } as any);
      expect(res.status.error_code, res.status.reason).toBe('Success');
      const page = ranked('L2', live.get('L2')!.values(), q).slice(3, 15);
      // A stable sort: equal prices keep their rank order.
      const want = [...page].sort((a, b) => b.price - a.price);
      expect(hitsOf(res)[0]!.map((h) => Number(h.id))).toEqual(want.map((r) => r.id));
    });

    it('orders whole groups by their best hit', async () => {
      const q = query();
      const res = await client.search({
        collection_name: name,
        data: [q],
        limit: 5,
        group_by_field: 'cat',
        group_size: 2,
        strict_group_size: true,
        order_by_fields: 'price:asc',
        output_fields: ['price', 'cat'],
      } as any);
      expect(res.status.error_code, res.status.reason).toBe('Success');
      const groups = referenceGroups(ranked('L2', live.get('L2')!.values(), q), (r) => r.cat, 5, 2, true);
      const want = [...groups].sort((a, b) => a[0]!.price - b[0]!.price);
      expect(hitsOf(res)[0]!.map((h) => Number(h.id))).toEqual(want.flat().map((r) => r.id));
    });
  });
});

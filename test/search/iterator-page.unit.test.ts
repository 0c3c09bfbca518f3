import { floatSet } from '../../engine/vectors.js';
import { afterAll, describe, expect, it } from 'vitest';
import { DataType } from '../../core/schema.js';
import { createEngine, type MetricType } from '../../engine/index.js';
import { compileFilter } from '../../filter/index.js';
import { searchIteratorPage, type IteratorPagePlan, type PageCursor } from '../../search/iterator-page.js';
import { GrowingSegment } from '../../segment/growing.js';
import type { Segment } from '../../segment/segment.js';
import { signedPrng } from '../harness/prng.js';
import { collectionSchema, fieldSchema } from '../harness/schemas.js';

/**
 * Search iterator pages over in-process segments: walked page after page, they return every
 * allowed row once, in the iterator's order (score, then primary key), whatever the page size
 * and however runs of equal scores fall across pages and segments.
 */
const DIM = 4;
const schema = collectionSchema('it', [
  fieldSchema(100, 'id', DataType.Int64, { isPrimaryKey: true }),
  fieldSchema(101, 'v', DataType.FloatVector, { dim: DIM }),
  fieldSchema(102, 'bucket', DataType.Int32),
]);
const engine = createEngine({ threads: 1 });
afterAll(() => engine.close());

interface Row {
  id: number;
  v: number[];
  bucket: number;
}

/** A growing segment holding `rows`, all written at `lsn`. */
function segmentOf(id: number, rows: Row[], lsn: number): GrowingSegment {
  const seg = new GrowingSegment(id, 1, 1, schema, 16);
  seg.append(
    rows.length,
    new Map([
      ['id', { type: DataType.Int64, values: BigInt64Array.from(rows, (r) => BigInt(r.id)) }],
      ['v', { type: DataType.FloatVector, dim: DIM, values: Float32Array.from(rows.flatMap((r) => r.v)) }],
      ['bucket', { type: DataType.Int32, values: Int32Array.from(rows, (r) => r.bucket) }],
    ]),
    lsn,
    0,
  );
  return seg;
}

/**
 * `count` rows of which a third share six vectors (runs of equal scores across segments), in
 * shuffled key order: the engine breaks ties by segment and row, which is then not key order.
 */
function dataset(seed: number, count: number): Row[] {
  const rand = signedPrng(seed);
  const shared = Array.from({ length: 6 }, () => Array.from({ length: DIM }, rand));
  const rows = Array.from({ length: count }, (_, id) => ({
    id,
    v: id % 3 === 0 ? shared[id % shared.length]! : Array.from({ length: DIM }, rand),
    bucket: id % 4,
  }));
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(((rand() + 1) / 2) * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return rows;
}

/** Walks the iterator to its end; returns every page's hits. */
async function walk(
  segments: Segment[],
  metric: MetricType,
  query: Float32Array,
  batch: number,
  opts: { filter?: string; asOf?: number } = {},
): Promise<{ id: number; score: number }[][]> {
  const filter = opts.filter ? compileFilter(opts.filter, schema) : undefined;
  const pages: { id: number; score: number }[][] = [];
  let after: PageCursor | undefined;
  let returned = 0;
  for (;;) {
    const page: IteratorPagePlan = { batch, returned, ...(after ? { after } : {}) };
    const { hits } = await searchIteratorPage(
      segments,
      { queries: floatSet(query, query.length), metric, params: {}, filter, ...(opts.asOf !== undefined ? { asOf: opts.asOf } : {}) },
      page,
      engine,
    );
    if (!hits.length) return pages;
    expect(hits.length).toBeLessThanOrEqual(batch);
    pages.push(hits.map((h) => ({ id: Number(h.pk), score: h.score })));
    const last = hits.at(-1)!;
    after = { score: last.score, key: last.pk };
    returned += hits.length;
  }
}

/** The iterator's order over the engine's own scores: a page run must be sorted by it. */
const inOrder = (metric: MetricType, hits: { id: number; score: number }[]) =>
  hits.every((h, i) => {
    if (i === 0) return true;
    const prev = hits[i - 1]!;
    const worse = metric === 'L2' ? h.score > prev.score : h.score < prev.score;
    return worse || (h.score === prev.score && h.id > prev.id);
  });

describe.each(['L2', 'IP', 'COSINE'] as const)('%s iterator pages', (metric) => {
  const rows = dataset(metric.length, 300);
  const segments = [segmentOf(1, rows.slice(0, 120), 1), segmentOf(2, rows.slice(120, 210), 2), segmentOf(3, rows.slice(210), 3)];
  const query = Float32Array.from(Array.from({ length: DIM }, signedPrng(5)));

  it.each([1, 7, 64, 300, 1000])('return every row once, in order, with pages of %i', async (batch) => {
    const pages = await walk(segments, metric, query, batch);
    const all = pages.flat();
    expect(pages.slice(0, -1).every((p) => p.length === batch)).toBe(true);
    expect(inOrder(metric, all)).toBe(true);
    expect(all.map((h) => h.id).sort((a, b) => a - b)).toEqual(rows.map((r) => r.id).sort((a, b) => a - b));
  });

  it('return every row passing a filter once, and the rows deleted before their page never', async () => {
    const segs = [segmentOf(1, rows.slice(0, 150), 1), segmentOf(2, rows.slice(150), 2)];
    const deleted = [0, 3, 6, 151, 183];
    for (const id of deleted) for (const s of segs) s.applyDelete(BigInt(id), 10);
    const pages = await walk(segs, metric, query, 13, { filter: 'bucket in [0, 2]' });
    const all = pages.flat();
    expect(inOrder(metric, all)).toBe(true);
    const want = rows.filter((r) => (r.bucket === 0 || r.bucket === 2) && !deleted.includes(r.id)).map((r) => r.id);
    expect(all.map((h) => h.id).sort((a, b) => a - b)).toEqual(want.sort((a, b) => a - b));
  });

  it('leave out the rows written after the snapshot', async () => {
    const pages = await walk(segments, metric, query, 50, { asOf: 2 });
    expect(
      pages
        .flat()
        .map((h) => h.id)
        .sort((a, b) => a - b),
    ).toEqual(
      rows
        .slice(0, 210)
        .map((r) => r.id)
        .sort((a, b) => a - b),
    );
  });
});

it('without a key in the cursor, continues after the bound only (Milvus rule): the rest of a run of equal scores is skipped', async () => {
  const same = Array.from({ length: DIM }, () => 0.5);
  const rows: Row[] = Array.from({ length: 10 }, (_, id) => ({ id, v: id < 6 ? same : [id, id, id, id], bucket: 0 }));
  const segs = [segmentOf(1, rows, 1)];
  const query = Float32Array.from(same);
  const first = await searchIteratorPage(
    segs,
    { queries: floatSet(query, query.length), metric: 'L2', params: {}, filter: undefined },
    { batch: 4, returned: 0 },
    engine,
  );
  expect(first.hits.map((h) => Number(h.pk))).toEqual([0, 1, 2, 3]);
  const withKey = await searchIteratorPage(
    segs,
    { queries: floatSet(query, query.length), metric: 'L2', params: {}, filter: undefined },
    { batch: 4, returned: 4, after: { score: 0, key: 3n } },
    engine,
  );
  expect(withKey.hits.map((h) => Number(h.pk))).toEqual([4, 5, 6, 7]);
  const boundOnly = await searchIteratorPage(
    segs,
    { queries: floatSet(query, query.length), metric: 'L2', params: {}, filter: undefined },
    { batch: 4, returned: 4, after: { score: 0 } },
    engine,
  );
  expect(boundOnly.hits.map((h) => Number(h.pk))).toEqual([6, 7, 8, 9]);
});

it('searches no deeper than every row, whatever count of returned rows a token claims', async () => {
  const rows: Row[] = Array.from({ length: 20 }, (_, id) => ({ id, v: [id, 0, 0, 0], bucket: 0 }));
  const { hits } = await searchIteratorPage(
    [segmentOf(1, rows, 1)],
    { queries: floatSet(Float32Array.from([0, 0, 0, 0]), 4), metric: 'L2', params: {}, filter: undefined },
    { batch: 5, returned: 1e12, after: { score: 16, key: 4n } },
    engine,
  );
  expect(hits.map((h) => Number(h.pk))).toEqual([5, 6, 7, 8, 9]);
});

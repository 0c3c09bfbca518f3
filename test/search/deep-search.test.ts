import { floatSet } from '../../engine/vectors.js';
import { afterAll, describe, expect, it } from 'vitest';
import type { Column } from '../../core/columns.js';
import { DataType } from '../../core/schema.js';
import { createEngine, type MetricType } from '../../engine/index.js';
import { hitKeyReader } from '../../search/field-keys.js';
import { searchSegments, type SearchPlan } from '../../search/segment-search.js';
import { GrowingSegment } from '../../segment/growing.js';
import { collectionSchema, fieldSchema } from '../harness/schemas.js';

/**
 * A node's range and grouping searches over its segments when the answer lies deeper in each
 * segment than the first round asks (limit + offset hits, or groups x size): the nearest rows
 * are all outside the window, or all of one group. The answer must still equal brute force.
 */
const engine = createEngine({ threads: 1 });
afterAll(() => engine.close());

const schema = collectionSchema('deep', [
  fieldSchema(100, 'id', DataType.Int64, { isPrimaryKey: true }),
  fieldSchema(101, 'v', DataType.FloatVector, { dim: 2 }),
  fieldSchema(102, 'cat', DataType.VarChar, { maxLength: 4 }),
]);
const cat = schema.fields[2]!;

/** Row i lies at (i, 0): its squared distance to the origin is i^2, its inner product with (1, 0) is i. */
interface Row {
  id: number;
  cat: string;
}

/** Three segments with rows interleaved among them, so every segment holds near and far rows. */
function segments(rows: Row[]): GrowingSegment[] {
  return [0, 1, 2].map((s) => {
    const mine = rows.filter((r) => r.id % 3 === s);
    const seg = new GrowingSegment(s + 1, 1, 1, schema);
    const columns = new Map<string, Column>([
      ['id', { type: DataType.Int64, values: BigInt64Array.from(mine, (r) => BigInt(r.id)) }],
      ['v', { type: DataType.FloatVector, dim: 2, values: Float32Array.from(mine.flatMap((r) => [r.id, 0])) }],
      ['cat', { type: DataType.VarChar, values: mine.map((r) => r.cat) }],
    ]);
    seg.append(mine.length, columns, 1, 0);
    return seg;
  });
}

const plan = (metric: MetricType, k: number, extra: Partial<SearchPlan>): SearchPlan => ({
  queries: floatSet(Float32Array.from([metric === 'L2' ? 0 : 1, 0]), 2),
  nq: 1,
  k,
  metric,
  params: {},
  filter: undefined,
  ...extra,
});

describe('deep range search', () => {
  const rows = Array.from({ length: 600 }, (_, id) => ({ id, cat: 'a' }));

  it.each<MetricType>(['L2', 'IP'])('finds the window behind 300 better rows (%s)', async (metric) => {
    // L2 window [300^2, 310^2): ids 300..309; IP window (589, 599]... reversed: ids 590..599 are best.
    const range = metric === 'L2' ? { radius: 310 * 310, rangeFilter: 300 * 300 } : { radius: 289.5, rangeFilter: 299.5 };
    const { perQuery } = await searchSegments(segments(rows), plan(metric, 5, { range }), engine);
    const want = metric === 'L2' ? [300, 301, 302, 303, 304] : [299, 298, 297, 296, 295];
    expect(perQuery[0]!.map((h) => Number(h.pk))).toEqual(want);
  });
});

describe('deep grouping search', () => {
  // The 400 nearest rows are all of group a; b, c and d come after.
  const rows = Array.from({ length: 600 }, (_, id) => ({ id, cat: id < 400 ? 'a' : ['b', 'c', 'd'][(id - 400) % 3]! }));

  it.each([true, false])('reaches the groups behind a dominant one (strict %s)', async (strict) => {
    const grouping = { field: cat, groups: 3, size: 2, strict };
    const { perQuery } = await searchSegments(segments(rows), plan('L2', 6, { grouping }), engine);
    const key = hitKeyReader(cat);
    const got = perQuery[0]!.map((h) => [Number(h.pk), key(h)]);
    // In rank order: a's best two, then the first hits of b and c (400, 401); strict adds b's and c's second hits.
    expect(got).toEqual(
      strict
        ? [
            [0, 'a'],
            [1, 'a'],
            [400, 'b'],
            [401, 'c'],
            [403, 'b'],
            [404, 'c'],
          ]
        : [
            [0, 'a'],
            [1, 'a'],
            [400, 'b'],
            [401, 'c'],
          ],
    );
  });
});

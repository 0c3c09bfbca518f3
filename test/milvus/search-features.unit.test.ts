import { describe, expect, it } from 'vitest';
import { DataType, type CollectionSchema } from '../../core/schema.js';
import type { MetricType } from '../../engine/engine.js';
import type { IndexRecord } from '../../meta/store.js';
import { parseQueryOrderBy, parseSearchOrderBy } from '../../milvus/order-by.js';
import { encodeQueryVectors } from '../../milvus/placeholder.js';
import { DEFAULT_REQUEST_LIMITS } from '../../milvus/request-limits.js';
import { prepareQuery, prepareSearch } from '../../milvus/search-request.js';
import { MilvusError } from '../../milvus/status.js';
import { fieldSchema } from '../harness/schemas.js';

/**
 * Range search, grouping search and order_by as requests carry them: what is read, and what
 * is refused with Milvus's messages and codes (proxy checkRangeSearchParams, parseGroupByInfo,
 * parseOrderByFields, orderby.ParseOrderByFields, task_query).
 */

const schema: CollectionSchema = {
  name: 'items',
  description: '',
  enableDynamicField: false,
  fields: [
    fieldSchema(100, 'id', DataType.Int64, { isPrimaryKey: true }),
    fieldSchema(101, 'v', DataType.FloatVector, { dim: 2 }),
    fieldSchema(102, 'cat', DataType.VarChar, { maxLength: 8 }),
    fieldSchema(103, 'price', DataType.Double),
    fieldSchema(104, 'doc', DataType.JSON),
    fieldSchema(105, 'tags', DataType.Array, { elementType: DataType.Int64 }),
    fieldSchema(106, 'score', DataType.Int32, { nullable: true }),
  ],
};
const dynamic: CollectionSchema = { ...schema, enableDynamicField: true };

const index = (metric: MetricType): IndexRecord => ({
  id: 1,
  collectionId: 1,
  fieldName: 'v',
  indexName: 'v',
  indexType: 'FLAT',
  metricType: metric,
  params: {},
  createdAt: 0,
});

/** A search of one vector with these search_params pairs. */
const search = (pairs: Record<string, string>, metric: MetricType = 'L2', s = schema, limits = DEFAULT_REQUEST_LIMITS) =>
  prepareSearch(
    s,
    index(metric),
    {
      placeholder_group: encodeQueryVectors([[0, 1]]),
      search_params: Object.entries({ topk: '5', ...pairs }).map(([key, value]) => ({ key, value })),
    },
    limits,
    {},
  );

const query = (pairs: Record<string, string>, outputFields = ['id']) =>
  prepareQuery(
    schema,
    { expr: 'id > 0', output_fields: outputFields, query_params: Object.entries(pairs).map(([key, value]) => ({ key, value })) },
    DEFAULT_REQUEST_LIMITS,
    {},
  );

function refusal(fn: () => unknown): MilvusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MilvusError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('range search parameters', () => {
  it('reads radius and range_filter from the params JSON, or from pairs of their own', () => {
    expect(search({ params: '{"radius": 4, "range_filter": 1}' }).params.range).toEqual({ radius: 4, rangeFilter: 1 });
    expect(search({ radius: '0.5', range_filter: '0.9' }, 'IP').params.range).toEqual({ radius: 0.5, rangeFilter: 0.9 });
    expect(search({ params: '{"radius": 4}' }).params.range).toEqual({ radius: 4, rangeFilter: undefined });
    // As in Milvus, a range filter alone makes no range search.
    expect(search({ params: '{"range_filter": 1}' }).params.range).toBeUndefined();
  });

  it('refuses a window on the wrong side of the radius for the metric, as Milvus words it', () => {
    const l2 = refusal(() => search({ params: '{"radius": 1, "range_filter": 2}' }, 'L2'));
    expect(l2.code).toBe(1100);
    expect(l2.message).toBe('range_filter must be less than radius for L2/HAMMING/JACCARD, range_filter:2.000000, radius:1.000000');
    for (const metric of ['IP', 'COSINE'] as const) {
      expect(refusal(() => search({ params: '{"radius": 0.5, "range_filter": 0.5}' }, metric)).message).toBe(
        'range_filter must be greater than radius for IP/COSINE, range_filter:0.500000, radius:0.500000',
      );
    }
    expect(refusal(() => search({ params: '{"radius": "far"}' })).message).toBe('must pass numpy type for radius');
    expect(refusal(() => search({ params: '{"radius": 3, "range_filter": null}' })).message).toBe('must pass numpy type for range_filter');
  });
});

describe('grouping search parameters', () => {
  it('resolves the field, group_size (default 1) and strict_group_size as Go reads a bool', () => {
    const g = search({ group_by_field: 'cat', offset: '2' }).grouping!;
    expect(g).toMatchObject({ groups: 7, size: 1, strict: false });
    expect(g.field.name).toBe('cat');
    expect(search({ group_by_field: 'id', group_size: '10', strict_group_size: 'True' }).grouping).toMatchObject({
      size: 10,
      strict: true,
    });
    expect(search({ group_by_field: 'cat', strict_group_size: 'yes' }).grouping!.strict).toBe(false);
  });

  it('refuses what Milvus refuses, with its messages', () => {
    const missing = refusal(() => search({ group_by_field: 'nope' }));
    expect(missing.code).toBe(1700);
    expect(missing.message).toBe('groupBy field not found in schema: field not found[field=nope]');
    expect(refusal(() => search({ group_by_field: 'price' })).message).toBe('unsupported data type DOUBLE for group by operator');
    expect(refusal(() => search({ group_by_field: 'doc' })).message).toBe('unsupported data type JSON for group by operator');
    expect(refusal(() => search({ group_by_field: 'v' })).message).toBe('unsupported data type VECTOR_FLOAT for group by operator');
    expect(refusal(() => search({ group_by_field: 'cat', group_size: '0' })).message).toBe(
      'input group size:0 is negative, failed to do search_groupby',
    );
    expect(refusal(() => search({ group_by_field: 'cat', group_size: '11' })).message).toBe(
      'input group size:11 exceeds configured max group size:10',
    );
    expect(refusal(() => search({ group_by_field: 'cat', group_size: 'two' })).message).toBe('failed to parse input group size:two');
    expect(refusal(() => search({ group_by_field: 'cat', params: '{"radius": 2}' })).message).toBe(
      'Not allowed to do range-search when doing search-group-by',
    );
    expect(refusal(() => search({ group_by_field: 'cat', iterator: 'true' })).message).toBe(
      'Not allowed to do groupBy when doing iteration',
    );
  });

  it('checks the answer size for group_size hits per group', () => {
    const limits = { maxResultBytes: 300 };
    expect(search({ group_by_field: 'cat' }, 'L2', schema, limits).grouping!.size).toBe(1);
    expect(refusal(() => search({ group_by_field: 'cat', group_size: '10' }, 'L2', schema, limits)).message).toMatch(/result/);
  });
});

describe('order_by_fields', () => {
  it('reads a query spec: directions, nulls placement, several fields', () => {
    const keys = parseQueryOrderBy(schema, 'price:DESC, cat ,score:asc:nulls_first,id:descending:NULLS_LAST');
    expect(keys.map((k) => [k.field.name, k.ascending, k.nullsFirst])).toEqual([
      ['price', false, true],
      ['cat', true, false],
      ['score', true, true],
      ['id', false, false],
    ]);
    expect(parseQueryOrderBy(schema, ' , ')).toEqual([]);
  });

  it('refuses a bad query spec as Milvus does', () => {
    expect(refusal(() => parseQueryOrderBy(schema, 'price:up')).message).toBe(
      "invalid order direction 'up' for field 'price', must be 'asc' or 'desc'",
    );
    expect(refusal(() => parseQueryOrderBy(schema, 'nope:asc')).message).toBe("order_by field 'nope' does not exist in collection schema");
    expect(refusal(() => parseQueryOrderBy(schema, 'v')).message).toBe("order_by field 'v' has type FloatVector which is not sortable");
    expect(refusal(() => parseQueryOrderBy(schema, 'doc')).message).toBe("order_by field 'doc' has type JSON which is not sortable");
    expect(refusal(() => parseQueryOrderBy(schema, 'tags')).message).toBe("order_by field 'tags' has type Array which is not sortable");
    expect(refusal(() => parseQueryOrderBy(schema, 'score:asc:first')).message).toBe(
      "invalid null ordering 'first', must be 'nulls_first' or 'nulls_last'",
    );
  });

  it('needs a query limit, and no count(*)', () => {
    expect(query({ limit: '5', order_by_fields: 'price:desc' }).orderBy.map((k) => k.field.name)).toEqual(['price']);
    expect(refusal(() => query({ order_by_fields: 'price' })).message).toBe('ORDER BY requires explicit limit');
    expect(refusal(() => query({ limit: '5', order_by_fields: 'price', iterator: 'True' })).message).toBe(
      'ORDER BY with iterator is not supported',
    );
    expect(refusal(() => query({ limit: '5', order_by_fields: 'Price:desc' }, ['count(*)'])).message).toBe(
      "ORDER BY field 'price' is not valid: when using GROUP BY or aggregates, ORDER BY can only reference GROUP BY columns. Valid targets are: []",
    );
  });

  it('reads a search spec and refuses what Mishards does not order by, by name', () => {
    expect(search({ order_by_fields: 'price:descending,cat' }).orderBy.map((k) => [k.field.name, k.ascending, k.nullsFirst])).toEqual([
      ['price', false, true],
      ['cat', true, false],
    ]);
    expect(refusal(() => parseSearchOrderBy(schema, 'price:up')).message).toBe(
      "invalid order direction 'up' for field 'price', expected 'asc' or 'desc'",
    );
    expect(refusal(() => parseSearchOrderBy(schema, ':asc')).message).toBe('empty field name in order_by_fields');
    expect(refusal(() => parseSearchOrderBy(schema, 'nope')).message).toBe("order_by field 'nope' does not exist in collection schema");
    expect(refusal(() => parseSearchOrderBy(schema, 'doc')).message).toMatch(
      /^order_by field 'doc' has unsortable type JSON; supported types/,
    );
    expect(refusal(() => parseSearchOrderBy(dynamic, 'age')).message).toMatch(/dynamic field key 'age' is not supported by Mishards/);
    expect(refusal(() => parseSearchOrderBy(schema, 'doc["a"]:asc')).message).toMatch(/JSON path \(doc\["a"\]\) is not supported/);
    expect(refusal(() => search({ order_by_fields: 'price', iterator: '1' })).message).toBe(
      'order_by is not supported when using search iterator',
    );
  });
});

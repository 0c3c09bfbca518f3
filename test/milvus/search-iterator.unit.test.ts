import { describe, expect, it } from 'vitest';
import { DataType } from '../../core/schema.js';
import {
  iteratorPageMessage,
  iteratorPagePlan,
  queryIteratorOf,
  searchIteratorOf,
  searchIteratorReply,
} from '../../milvus/search-iterator.js';
import { DataNodeService, type DataNodeRequest } from '../../proto/data-node.js';
import type { IteratorPagePlan } from '../../search/iterator-page.js';
import { collectionSchema, fieldSchema, keyVectorSchema } from '../harness/schemas.js';

/** The iterator parameters as SDKs send them, refused where Milvus refuses them (proxy parseSearchIteratorV2Info, parseQueryParams). */
const collection = { id: 42, schema: keyVectorSchema('c', 4) };
const pairs = (o: Record<string, string | number | boolean>) => Object.entries(o).map(([key, value]) => ({ key, value: String(value) }));
const V2 = { iterator: true, search_iter_v2: true, search_iter_batch_size: 100 };
const parse = (params: Record<string, string | number | boolean>, search = { nq: 1, offset: 0 }, guarantee = '0') =>
  searchIteratorOf({ search_params: pairs(params), guarantee_timestamp: guarantee }, search, collection);

describe('searchIteratorOf', () => {
  it('leaves plain searches alone', () => {
    expect(parse({ topk: 10, params: '{}' })).toBeUndefined();
    // An iterator v1 search (no search_iter_v2) is a plain search.
    expect(parse({ iterator: true, topk: 10 })).toBeUndefined();
  });

  it('reads a first page: the batch size, no cursor, a snapshot to pin', () => {
    expect(parse(V2)).toEqual({ snapshot: undefined, page: { batch: 100, returned: 0 } });
    // A snapshot named by guarantee_timestamp (pymilvus: the request field; the Node SDK: a parameter).
    expect(parse(V2, undefined, '77')?.snapshot).toBe(77);
    expect(parse({ ...V2, guarantee_timestamp: 78 })?.snapshot).toBe(78);
  });

  it('continues after the token of the previous answer: its snapshot, count and key at its bound', () => {
    const first = parse(V2)!;
    const reply = searchIteratorReply(first, 9, { count: 100, last: { score: Math.fround(0.3), pk: 17n } }, 'L2');
    expect(reply.session_ts).toBe('9');
    const { token, last_bound } = reply.search_iterator_v2_results;
    expect(last_bound).toBe(Math.fround(0.3));
    const next = parse({ ...V2, search_iter_id: token, search_iter_last_bound: last_bound, guarantee_timestamp: 9 })!;
    expect(next).toEqual({ snapshot: 9, page: { batch: 100, returned: 100, after: { score: Math.fround(0.3), key: 17n } } });
    // A bound that is not the token's (a client keeping its first token): worse scores only.
    const stale = parse({ ...V2, search_iter_id: token, search_iter_last_bound: 0.5 })!;
    expect(stale.page.after).toEqual({ score: Math.fround(0.5) });
    expect(stale.snapshot).toBe(9);
  });

  it("answers an empty page with the request's cursor, or on a first page Milvus's closest bound", () => {
    const first = parse(V2)!;
    expect(searchIteratorReply(first, 3, { count: 0, last: undefined }, 'L2').search_iterator_v2_results.last_bound).toBe(
      -3.4028234663852886e38,
    );
    expect(searchIteratorReply(first, 3, { count: 0, last: undefined }, 'IP').search_iterator_v2_results.last_bound).toBe(
      3.4028234663852886e38,
    );
    const later = parse({ ...V2, search_iter_last_bound: 2.5 })!;
    const reply = searchIteratorReply(later, 3, { count: 0, last: undefined }, 'L2');
    expect(reply.search_iterator_v2_results.last_bound).toBe(2.5);
  });

  it('keeps VarChar keys in the token', () => {
    const strings = {
      id: 42,
      schema: collectionSchema('s', [
        fieldSchema(100, 'k', DataType.VarChar, { isPrimaryKey: true, maxLength: 16 }),
        fieldSchema(101, 'v', DataType.FloatVector, { dim: 4 }),
      ]),
    };
    const first = searchIteratorOf({ search_params: pairs(V2) }, { nq: 1, offset: 0 }, strings)!;
    const { token } = searchIteratorReply(first, 5, { count: 1, last: { score: 1, pk: 'b"q' } }, 'IP').search_iterator_v2_results;
    const next = searchIteratorOf(
      { search_params: pairs({ ...V2, search_iter_id: token, search_iter_last_bound: 1 }) },
      { nq: 1, offset: 0 },
      strings,
    )!;
    expect(next.page.after).toEqual({ score: 1, key: 'b"q' });
    // The same token read for an Int64 key is not a token of that collection.
    expect(() => parse({ ...V2, search_iter_id: token, search_iter_last_bound: 1 })).toThrow('invalid token format');
  });

  it.each([
    [{ search_iter_v2: true, search_iter_batch_size: 10 }, undefined, 'both iterator and search_iter_v2 must be set in the SDK'],
    [V2, { nq: 1, offset: 3 }, 'Setting an offset is not permitted when using a search iterator v2'],
    [{ iterator: true, search_iter_v2: true }, undefined, 'batch size is required'],
    [{ ...V2, search_iter_batch_size: 'ten' }, undefined, 'batch size is invalid'],
    [{ ...V2, search_iter_batch_size: 0 }, undefined, 'batch size is invalid: it should be in range [1, 16384], but got 0'],
    [{ ...V2, search_iter_batch_size: 16385 }, undefined, 'batch size is invalid: it should be in range [1, 16384], but got 16385'],
    [{ ...V2, search_iter_last_bound: 'far' }, undefined, 'failed to parse input last bound'],
    [{ ...V2, search_iter_id: 'e4b7c1d2-0000-4000-8000-000000000000' }, undefined, 'invalid token format'],
    [{ ...V2, search_iter_id: Buffer.from('{"s":-1,"n":0}').toString('base64url') }, undefined, 'invalid token format'],
    [V2, { nq: 2, offset: 0 }, 'Number of queries is greater than 1, cannot initialize iterator (nq = 2)'],
    [{ ...V2, group_by_field: 'g' }, undefined, 'Not allowed to do groupBy when doing iteration'],
    [{ topk: 10, collection_id: 7 }, undefined, 'collection id:7 in the request is not consistent to that in the search context'],
  ] as const)('refuses %j', (params, search, reason) => {
    let err: unknown;
    try {
      parse(params, search);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 1100 });
    expect((err as Error).message).toContain(reason);
  });
});

describe('queryIteratorOf', () => {
  const parseQuery = (params: Record<string, string | number | boolean>, guarantee = '0') =>
    queryIteratorOf({ query_params: pairs(params), guarantee_timestamp: guarantee }, 42);

  it('reads the snapshot of a query iterator, and nothing of other queries', () => {
    expect(parseQuery({ limit: 10 })).toBeUndefined();
    expect(parseQuery({ iterator: false, reduce_stop_for_best: true, collection_id: 42 })).toBeUndefined();
    expect(parseQuery({ iterator: 'True', reduce_stop_for_best: 'true', collection_id: 42 })).toEqual({ snapshot: undefined });
    expect(parseQuery({ iterator: 1 }, '123')).toEqual({ snapshot: 123 });
  });

  it.each([
    [{ reduce_stop_for_best: 'yes' }, 'value for reduce_stop_for_best is invalid'],
    [{ iterator: 'on' }, 'value for iterator field is invalid'],
    [{ iterator: true, collection_id: 'x' }, 'value for collection id is invalid'],
    [{ iterator: true, collection_id: 41 }, 'Input collection id is not consistent to collectionID in the context'],
  ] as const)('refuses %j', (params, reason) => {
    expect(() => parseQuery(params)).toThrow(reason);
  });
});

describe('the page plan on the wire to the data nodes', () => {
  const method = DataNodeService.service.SearchSegments;
  const roundTrip = (plan: IteratorPagePlan, intKeys: boolean) => {
    const bytes = method.requestSerialize({ collection_id: '1', topk: String(plan.batch), iterator_page: iteratorPageMessage(plan) });
    const received = method.requestDeserialize(bytes) as DataNodeRequest<'SearchSegments'>;
    return iteratorPagePlan(received.iterator_page!, Number(received.topk), intKeys);
  };

  it.each([
    ['a first page', { batch: 10, returned: 0 }, true],
    ['an Int64 key', { batch: 10, returned: 30, after: { score: Math.fround(0.25), key: -7n } }, true],
    ['an empty VarChar key', { batch: 10, returned: 30, after: { score: Math.fround(-1.5), key: '' } }, false],
    ['a bound without a key', { batch: 10, returned: 30, after: { score: 3 } }, false],
  ] as [string, IteratorPagePlan, boolean][])('keeps %s', (_, plan, intKeys) => {
    expect(roundTrip(plan, intKeys)).toEqual(plan);
  });
});

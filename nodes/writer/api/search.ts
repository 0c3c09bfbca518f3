import { formatTimestamptzFields } from '../../../milvus/timestamptz.js';
import type * as grpc from '@grpc/grpc-js';
import { primaryField, vectorField } from '../../../core/schema.js';
import { rowWork } from '../../../core/vector-types.js';
import type { CompiledFilter } from '../../../filter/index.js';
import { prepareHybridSearch } from '../../../milvus/hybrid-request.js';
import type { MilvusRequest } from '../../../milvus/methods.js';
import { prunedScope, refuseNamedPartitions } from '../../../milvus/partition-key.js';
import { resultRowBytes } from '../../../milvus/request-limits.js';
import { rateCollection } from '../../../milvus/quotas.js';
import { resultReply } from '../../../milvus/result-fields.js';
import { encodeFieldsData } from '../../../milvus/results.js';
import { expireBefore } from '../../../milvus/collection-properties.js';
import { queryIteratorOf, searchIteratorOf, searchIteratorReply, type SearchIteratorRequest } from '../../../milvus/search-iterator.js';
import {
  checkQueryRows,
  countFieldData,
  prepareQuery,
  prepareSearch,
  searchScope,
  type PreparedSearch,
} from '../../../milvus/search-request.js';
import { hitRows, searchResultData } from '../../../milvus/search-results.js';
import { searchBm25Locally } from '../../../milvus/bm25-request.js';
import { Code, MilvusError } from '../../../milvus/status.js';
import type { Hit } from '../../../search/hits.js';
import { queryCost, searchCost, totalCost } from '../../../search/cost.js';
import { hitKeyReader } from '../../../search/field-keys.js';
import { fuseQueries } from '../../../search/hybrid-rank.js';
import { searchIteratorPage } from '../../../search/iterator-page.js';
import { hitKeyTuples, searchPage, sortRows } from '../../../search/row-order.js';
import { queryRowsInTurns, searchSegments, type SearchPlan } from '../../../search/segment-search.js';
import type { Segment } from '../../../segment/segment.js';
import type { CollectionState } from '../collection-state.js';
import type { Handlers, WriterApi } from './context.js';

/**
 * Search, HybridSearch and Query over the writer's own segments, sealed and growing; admitted
 * by cost and stopped when the call is cancelled or its deadline passes.
 */
export function searchHandlers(api: WriterApi): Handlers<'Search' | 'HybridSearch' | 'Query'> {
  const { writer } = api;
  /**
   * The collection, the segments of the partitions a search or query covers (see searchScope)
   * and the expiry time of its TTL (see expireBefore), read once for the whole request.
   */
  const searchTarget = (req: MilvusRequest<'Search' | 'HybridSearch' | 'Query'>) => {
    const c = api.collection(req.db_name, req.collection_name);
    refuseNamedPartitions(c.schema, req.partition_names);
    return {
      c,
      scope: searchScope(c.record.name, c.partitions.values(), req.partition_names),
      expiry: expireBefore(c.record.properties, writer.clock()),
    };
  };
  /**
   * The segments of the partitions of `scope` that can hold rows matching `filter` (see
   * prunedScope); the sealed ones only when growing data is ignored.
   */
  const segmentsFor = (c: CollectionState, scope: Set<number>, filter: CompiledFilter, ignoreGrowing: boolean) => {
    const partitions = prunedScope(c.partitions.values(), scope, filter);
    api.self.searchPartitions.observe(partitions.size);
    return c.segments(partitions, !ignoreGrowing);
  };
  /**
   * A search iterator's page over the writer's own segments: read as of the iterator's
   * snapshot, or on its first page as of the newest applied write (taken with the segments,
   * no turn of the event loop between them).
   */
  const iteratorPage = async (
    c: CollectionState,
    segments: Segment[],
    p: PreparedSearch,
    plan: SearchPlan,
    iterator: SearchIteratorRequest,
    call: grpc.ServerUnaryCall<unknown, unknown>,
  ) => {
    const asOf = iterator.snapshot ?? writer.appliedLsn;
    const { page } = iterator;
    const answerRowBytes = resultRowBytes(p.selection, true);
    const cost = searchCost(segments, { ...plan, k: page.returned + page.batch, rowWork: rowWork(vectorField(c.schema)), answerRowBytes });
    const { hits, engineSeconds } = await api.whileExists(c, () =>
      api.admitted(call, cost, (signal) => searchIteratorPage(segments, { ...plan, signal, asOf }, page, writer.engine)),
    );
    api.self.engineSearchSeconds.observe(engineSeconds);
    const { session_ts, search_iterator_v2_results } = searchIteratorReply(
      iterator,
      asOf,
      { count: hits.length, last: hits.at(-1) },
      p.metric,
    );
    const shape = {
      schema: c.schema,
      selection: p.selection,
      nq: 1,
      topK: page.batch,
      roundDecimal: p.params.roundDecimal,
      timezone: p.timezone,
    };
    const results = { ...searchResultData(shape, hitRows(c.schema, p.selection, hits, [hits.length])), search_iterator_v2_results };
    return resultReply<'Search'>({ collection_name: c.record.name, session_ts, results });
  };
  /**
   * A BM25 search over the writer's own rows: the statistics of every segment of the search's
   * partitions, the scores over those its filter leaves.
   */
  const searchText = (c: CollectionState, scope: Set<number>, p: PreparedSearch, plan: SearchPlan, signal: AbortSignal) =>
    searchBm25Locally(
      c.segments(scope, !p.params.ignoreGrowing),
      segmentsFor(c, scope, p.filter, p.params.ignoreGrowing),
      p.bm25!,
      plan.k,
      { filter: p.filter, expireBefore: plan.expireBefore, range: plan.range, signal },
    );
  return {
    async Search(req, call) {
      const { c, scope, expiry } = searchTarget(req);
      const p = prepareSearch(c.schema, c.vectorIndex(), req, api.self.limits, c.record.properties);
      const segments = segmentsFor(c, scope, p.filter, p.params.ignoreGrowing);
      api.self.quotas.charge(rateCollection(req.db_name, c.record.name), { search: p.nq });
      const { topk, offset, roundDecimal } = p.params;
      const plan: SearchPlan = {
        queries: p.queries,
        nq: p.nq,
        k: p.grouping ? p.grouping.groups * p.grouping.size : topk + offset,
        metric: p.metric,
        params: p.params.engine,
        filter: p.filter,
        expireBefore: expiry,
        range: p.params.range,
        grouping: p.grouping,
      };
      const iterator = searchIteratorOf(req, { nq: p.nq, offset }, c);
      if (iterator && p.bm25)
        throw new MilvusError(Code.ServiceUnimplemented, 'search iterators over a BM25 output field are not supported by Mishards yet');
      if (iterator) return iteratorPage(c, segments, p, plan, iterator, call);
      const cost = searchCost(segments, {
        ...plan,
        rowWork: rowWork(p.bm25?.field ?? vectorField(c.schema)),
        answerRowBytes: resultRowBytes(p.selection, true),
      });
      const { perQuery, engineSeconds } = await api.whileExists(c, () =>
        api.admitted(call, cost, (signal) =>
          p.bm25
            ? searchText(c, scope, p, plan, signal).then((hits) => ({ perQuery: hits, engineSeconds: 0 }))
            : searchSegments(segments, { ...plan, signal }, writer.engine),
        ),
      );
      api.self.engineSearchSeconds.observe(engineSeconds);
      const groupKeyOf = p.grouping && hitKeyReader(p.grouping.field);
      const orderKeysOf = hitKeyTuples(p.orderBy);
      const pages = perQuery.map((hits) =>
        searchPage(hits.length, {
          offset,
          topk,
          groupKeyAt: groupKeyOf && ((i) => groupKeyOf(hits[i]!)),
          order: p.orderBy,
          orderKeysAt: (i) => orderKeysOf(hits[i]!),
        }).map((i) => hits[i]!),
      );
      return resultReply<'Search'>({
        // As Milvus answers: the name the request used, an alias or not.
        collection_name: req.collection_name,
        results: searchResultData(
          { schema: c.schema, selection: p.selection, nq: p.nq, topK: topk, roundDecimal, timezone: p.timezone },
          hitRows(
            c.schema,
            p.selection,
            pages.flat(),
            pages.map((page) => page.length),
            undefined,
            p.grouping?.field,
          ),
        ),
      });
    },

    async HybridSearch(req, call) {
      const { c, scope, expiry } = searchTarget(req);
      const h = prepareHybridSearch(c.schema, c.vectorIndex(), req, api.self.limits, c.record.properties);
      api.self.quotas.charge(rateCollection(req.db_name, c.record.name), { search: h.nq * h.subs.length });
      // Every sub-search is an exact search of its own (its topk, its filter); the fused
      // hits keep the row of the sub-search that found them first, for their output fields.
      const plans: SearchPlan[] = h.subs.map((p) => ({
        queries: p.queries,
        nq: p.nq,
        k: p.params.topk,
        metric: p.metric,
        params: p.params.engine,
        filter: p.filter,
        expireBefore: expiry,
        range: p.params.range,
      }));
      // Each sub-search reads the partitions its own filter leaves, with its own ignore_growing.
      const segments = h.subs.map((p) => segmentsFor(c, scope, p.filter, p.params.ignoreGrowing));
      const work = rowWork(vectorField(c.schema));
      const answerRowBytes = resultRowBytes(h.selection, true);
      const cost = totalCost(plans.map((plan, i) => searchCost(segments[i]!, { ...plan, rowWork: work, answerRowBytes })));
      const searched = await api.whileExists(c, () =>
        api.admitted(call, cost, (signal) =>
          Promise.all(
            plans.map((plan, i) => {
              const p = h.subs[i]!;
              return p.bm25
                ? searchText(c, scope, p, plan, signal).then((hits) => ({ perQuery: hits, engineSeconds: 0 }))
                : searchSegments(segments[i]!, { ...plan, signal }, writer.engine);
            }),
          ),
        ),
      );
      api.self.engineSearchSeconds.observe(searched.reduce((s, r) => s + r.engineSeconds, 0));
      const fused = fuseQueries(
        searched.map((r) => r.perQuery),
        h,
        (hit) => ({ key: hit.pk, score: hit.score }),
      );
      return resultReply<'HybridSearch'>({
        collection_name: req.collection_name,
        results: searchResultData(
          { schema: c.schema, selection: h.selection, nq: h.nq, topK: h.limit, roundDecimal: h.roundDecimal, timezone: h.timezone },
          hitRows(c.schema, h.selection, fused.hits, fused.topks, fused.scores),
        ),
      });
    },

    async Query(req, call) {
      const { c, scope, expiry } = searchTarget(req);
      const q = prepareQuery(c.schema, req, api.self.limits, c.record.properties);
      const segments = segmentsFor(c, scope, q.filter, q.ignoreGrowing);
      api.self.quotas.charge(rateCollection(req.db_name, c.record.name), { query: 1 });
      // A query iterator's pages read as of its snapshot, the first as of the newest applied write.
      const iterator = queryIteratorOf(req, c.id);
      const asOf = iterator && (iterator.snapshot ?? writer.appliedLsn);
      const rows = await api.admitted(
        call,
        queryCost(segments, q.filter, { rowBytes: q.selection ? resultRowBytes(q.selection, false) : 0, maxRows: q.maxRows }),
        (signal) => queryRowsInTurns(segments, { filter: q.filter, expireBefore: expiry, asOf }, signal),
      );
      const base = {
        collection_name: req.collection_name,
        primary_field_name: primaryField(c.schema).name,
        ...(asOf !== undefined ? { session_ts: String(asOf) } : {}),
      };
      if (q.countOnly) return { ...base, output_fields: ['count(*)'], fields_data: [countFieldData(rows.length)] };
      checkQueryRows(q, rows.length, api.self.limits);
      // Milvus returns query pages ordered by primary key, or by order_by_fields (ties by key).
      const page: Hit[] = sortRows(rows, q.orderBy).slice(q.offset, q.limit === undefined ? undefined : q.offset + q.limit);
      return resultReply<'Query'>({
        ...base,
        fields_data: formatTimestamptzFields(encodeFieldsData(c.schema, page, q.selection!), q.timezone),
        output_fields: q.selection!.names,
      });
    },
  };
}

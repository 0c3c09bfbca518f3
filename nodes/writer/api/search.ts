import { primaryField, vectorField } from '../../../core/schema.js';
import { prepareHybridSearch } from '../../../milvus/hybrid-request.js';
import type { MilvusRequest } from '../../../milvus/methods.js';
import { resultRowBytes } from '../../../milvus/request-limits.js';
import { resultReply } from '../../../milvus/result-fields.js';
import { encodeFieldsData } from '../../../milvus/results.js';
import { checkQueryRows, countFieldData, prepareQuery, prepareSearch, searchScope } from '../../../milvus/search-request.js';
import { hitRows, searchResultData } from '../../../milvus/search-results.js';
import type { Hit } from '../../../search/hits.js';
import { queryCost, searchCost, totalCost } from '../../../search/cost.js';
import { hitKeyReader } from '../../../search/field-keys.js';
import { fuseQueries } from '../../../search/hybrid-rank.js';
import { hitKeyTuples, searchPage, sortRows } from '../../../search/row-order.js';
import { queryRowsInTurns, searchSegments, type SearchPlan } from '../../../search/segment-search.js';
import type { Handlers, WriterApi } from './context.js';

/**
 * Search, HybridSearch and Query over the writer's own segments, sealed and growing; admitted
 * by cost and stopped when the call is cancelled or its deadline passes.
 */
export function searchHandlers(api: WriterApi): Handlers<'Search' | 'HybridSearch' | 'Query'> {
  const { writer } = api;
  /** The collection and the partitions a search or query covers (see searchScope). */
  const searchTarget = (req: MilvusRequest<'Search' | 'HybridSearch' | 'Query'>) => {
    const c = api.collection(req.collection_name);
    return { c, segments: c.segments(searchScope(c.record.name, c.partitions.values(), req.partition_names)) };
  };
  return {
    async Search(req, call) {
      const { c, segments } = searchTarget(req);
      const p = prepareSearch(c.schema, c.vectorIndex()!, req, api.self.limits);
      api.self.quotas.charge(c.record.name, { search: p.nq });
      const { topk, offset, roundDecimal } = p.params;
      const plan: SearchPlan = {
        queries: p.queries,
        nq: p.nq,
        k: p.grouping ? p.grouping.groups * p.grouping.size : topk + offset,
        metric: p.metric,
        params: p.params.engine,
        filter: p.filter,
        range: p.params.range,
        grouping: p.grouping,
      };
      const cost = searchCost(segments, { ...plan, dim: vectorField(c.schema).dim!, answerRowBytes: resultRowBytes(p.selection, true) });
      const { perQuery, engineSeconds } = await api.whileExists(c, () =>
        api.admitted(call, cost, (signal) => searchSegments(segments, { ...plan, signal }, writer.engine)),
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
        collection_name: c.record.name,
        results: searchResultData(
          { schema: c.schema, selection: p.selection, nq: p.nq, topK: topk, roundDecimal },
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
      const { c, segments } = searchTarget(req);
      const h = prepareHybridSearch(c.schema, c.vectorIndex()!, req, api.self.limits);
      api.self.quotas.charge(c.record.name, { search: h.nq * h.subs.length });
      // Every sub-search is an exact search of its own (its topk, its filter); the fused
      // hits keep the row of the sub-search that found them first, for their output fields.
      const plans: SearchPlan[] = h.subs.map((p) => ({
        queries: p.queries,
        nq: p.nq,
        k: p.params.topk,
        metric: p.metric,
        params: p.params.engine,
        filter: p.filter,
        range: p.params.range,
      }));
      const dim = vectorField(c.schema).dim!;
      const answerRowBytes = resultRowBytes(h.selection, true);
      const cost = totalCost(plans.map((plan) => searchCost(segments, { ...plan, dim, answerRowBytes })));
      const searched = await api.whileExists(c, () =>
        api.admitted(call, cost, (signal) =>
          Promise.all(plans.map((plan) => searchSegments(segments, { ...plan, signal }, writer.engine))),
        ),
      );
      api.self.engineSearchSeconds.observe(searched.reduce((s, r) => s + r.engineSeconds, 0));
      const fused = fuseQueries(
        searched.map((r) => r.perQuery),
        h,
        (hit) => ({ key: hit.pk, score: hit.score }),
      );
      return resultReply<'HybridSearch'>({
        collection_name: c.record.name,
        results: searchResultData(
          { schema: c.schema, selection: h.selection, nq: h.nq, topK: h.limit, roundDecimal: h.roundDecimal },
          hitRows(c.schema, h.selection, fused.hits, fused.topks, fused.scores),
        ),
      });
    },

    async Query(req, call) {
      const { c, segments } = searchTarget(req);
      const q = prepareQuery(c.schema, req, api.self.limits);
      api.self.quotas.charge(c.record.name, { query: 1 });
      const rows = await api.admitted(
        call,
        queryCost(segments, q.filter, { rowBytes: q.selection ? resultRowBytes(q.selection, false) : 0, maxRows: q.maxRows }),
        (signal) => queryRowsInTurns(segments, q.filter, signal),
      );
      const base = { collection_name: c.record.name, primary_field_name: primaryField(c.schema).name };
      if (q.countOnly) return { ...base, output_fields: ['count(*)'], fields_data: [countFieldData(rows.length)] };
      checkQueryRows(q, rows.length, api.self.limits);
      // Milvus returns query pages ordered by primary key, or by order_by_fields (ties by key).
      const page: Hit[] = sortRows(rows, q.orderBy).slice(q.offset, q.limit === undefined ? undefined : q.offset + q.limit);
      return resultReply<'Query'>({
        ...base,
        fields_data: encodeFieldsData(c.schema, page, q.selection!),
        output_fields: q.selection!.names,
      });
    },
  };
}

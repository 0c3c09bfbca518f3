import * as grpc from '@grpc/grpc-js';
import { SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { DataType, primaryField, vectorField, type CollectionSchema } from '../../core/schema.js';
import type { CollectionView } from '../../meta/collection-view.js';
import { ConsistencyLevel, consistencyLevelNumber } from '../../milvus/consistency.js';
import { prepareHybridSearch, type HybridSearchFields } from '../../milvus/hybrid-request.js';
import type { MilvusRequest } from '../../milvus/methods.js';
import {
  checkQueryRows,
  countFieldData,
  prepareQuery,
  prepareSearch,
  searchScope,
  type PreparedSearch,
  type QueryFields,
  type SearchFields,
} from '../../milvus/search-request.js';
import type { PartialView } from '../../milvus/partial-result.js';
import { encodeQueryVectors } from '../../milvus/placeholder.js';
import type { RequestLimits } from '../../milvus/request-limits.js';
import { RateQuotas, unlimitedRates } from '../../milvus/quotas.js';
import type { ResultFieldData } from '../../milvus/result-fields.js';
import { searchResultData } from '../../milvus/search-results.js';
import { collectionNotFound, MilvusError } from '../../milvus/status.js';
import { templateValuesToJson } from '../../milvus/template-values.js';
import type { DataNodeClientReply, DataNodeClientRequest } from '../../proto/data-node.js';
import type { QueryResults__Output } from '../../proto/generated/milvus/proto/milvus/QueryResults.js';
import type { SearchResults__Output } from '../../proto/generated/milvus/proto/milvus/SearchResults.js';
import type { SearchResultData__Output } from '../../proto/generated/milvus/proto/schema/SearchResultData.js';
import type { MetadataCache } from '../../cluster/metadata-cache.js';
import { COLLECTION_HEADER } from '../../cluster/front-contract.js';
import type { GroupTarget, Placement } from './placement.js';
import { callDeadline } from '../../runtime/call-signal.js';
import { childSpan, contextFromMetadata, metadataWithTrace } from '../../runtime/tracing.js';
import { keyToJson } from '../../search/field-keys.js';
import type { Grouping } from '../../search/grouping.js';
import { fuseQueries } from '../../search/hybrid-rank.js';
import { searchPage } from '../../search/row-order.js';
import type { CoordinatorMetrics } from './coordinator-metrics.js';
import { completeGroups, mergeGroupedResults, partialGroupKeys } from './group-merge.js';
import {
  decodePartials,
  gatherFieldsData,
  mergeQueryRows,
  mergeSearchResults,
  partialOrderKeys,
  pickedRows,
  pickKey,
  pickOrderKeys,
  pickScore,
  type SegmentMethod,
} from './merge.js';
import { searchCostOf, WRITER_SET, type CallContext, type Fanout, type ReplicaSet } from './fanout.js';

const tracer = trace.getTracer('mishards-coordinator');
/** The longest a request waits for the metadata cache to catch up with the writer. */
const CATCH_UP_MS = 5000;

/**
 * Writer calls that change what a search covers. The coordinator answers them (relayed over
 * gRPC or REST) once its metadata has the change, so that the caller's next search sees it.
 */
export const SEARCH_SCOPE_CHANGES = new Set([
  'LoadCollection',
  'ReleaseCollection',
  'LoadPartitions',
  'ReleasePartitions',
  'CreatePartition',
  'DropPartition',
  'DropCollection',
]);

/** A SearchSegments or QuerySegments request, before routing says which segments it covers. */
type SegmentRequest<M extends SegmentMethod> = DataNodeClientRequest<M> & { collection_name: string };

/** What routing sets of each sub-request (the same fields in both methods). */
type SegmentScope = Pick<DataNodeClientRequest<SegmentMethod>, 'segment_ids' | 'include_growing' | 'covered_segment_ids'>;

/** What a request's consistency level asks of the data nodes (see Coordinator.freshness). */
interface Freshness {
  includeWriter: boolean;
  freshDeletes: boolean;
}

/** One search scattered over the nodes (scatterSearch). */
interface SearchScatter {
  view: CollectionView;
  p: PreparedSearch;
  /** The request's query vectors and filter as sent. */
  raw: Pick<SearchFields, 'placeholder_group' | 'dsl'>;
  nq: number;
  outputFields: string[];
  partitions: Set<number>;
  freshness: Freshness;
  /** What each node is asked for: hits per query, or groups in a grouping search. */
  k: number;
  /** Fields of the sub-requests beyond the search's own (a second grouping round's). */
  extra?: Partial<SegmentRequest<'SearchSegments'>>;
}

interface SubRequest<R> {
  set: ReplicaSet;
  request: R & SegmentScope;
  /** Estimated cost of a search sub-request (searchCostOf): whether it may be hedged. */
  cost?: number;
}

/**
 * What the coordinator reads of a request besides what search or query read (see
 * SearchFields): its collection, partitions and consistency.
 */
type ScopeFields = Pick<MilvusRequest<'Search'>, 'collection_name'> &
  Partial<Pick<MilvusRequest<'Search'>, 'partition_names' | 'consistency_level' | 'use_default_consistency'>>;

export type SearchInput = ScopeFields & SearchFields;
export type HybridSearchInput = ScopeFields & HybridSearchFields;
export type QueryInput = ScopeFields & QueryFields;

/** A merged answer as the coordinator builds it: what it sets of the response (the REST layer reads it as is). */
export type SearchReply = Pick<SearchResults__Output, 'collection_name'> & {
  results: Pick<SearchResultData__Output, 'num_queries' | 'top_k' | 'scores' | 'ids' | 'topks' | 'output_fields' | 'primary_field_name'> & {
    fields_data: ResultFieldData[];
  };
};
export type QueryReply = Pick<QueryResults__Output, 'collection_name' | 'primary_field_name' | 'output_fields'> & {
  fields_data: ResultFieldData[];
};

/**
 * The heart of the coordinator: a Search or Query is split into one sub-request per reader
 * group (all nq queries, that group's segments) plus one to the writable node for rows not
 * yet in sealed segments the coordinator knows; the partial answers are merged exactly.
 */
export class Coordinator {
  constructor(
    private readonly cache: MetadataCache,
    private readonly placement: Placement,
    private readonly fanout: Fanout,
    private readonly writerAddress: string,
    private readonly metrics: CoordinatorMetrics,
    private readonly limits: RequestLimits,
    /** The DQL rates of this coordinator's searches and queries (each coordinator its own). */
    private readonly quotas: RateQuotas = new RateQuotas(unlimitedRates()),
  ) {}

  /** Each collection view's sub-request headers, built once: grpc-js copies them per call. */
  private readonly headers = new WeakMap<CollectionView, grpc.Metadata>();

  /** The headers of every sub-request for `view`'s collection (when not traced). */
  private headersFor(view: CollectionView): grpc.Metadata {
    let metadata = this.headers.get(view);
    if (!metadata) {
      metadata = new grpc.Metadata();
      // Operator rules of the reader groups' xDS routes may match or hash on it.
      metadata.set(COLLECTION_HEADER, view.record.name);
      this.headers.set(view, metadata);
    }
    return metadata;
  }

  /**
   * The collection's view and the partitions the request covers (see searchScope). When the
   * cache cannot answer (no such collection, partition or loaded partition), it may be behind
   * a change made a moment ago: it catches up first, then answers for good.
   */
  private async target(
    name: string,
    partitionNames: string[] | undefined,
    ctx: CallContext,
  ): Promise<{ view: CollectionView; partitions: Set<number> }> {
    const resolve = () => {
      const view = this.cache.get(name);
      if (!view) throw collectionNotFound(name);
      return { view, partitions: searchScope(name, view.partitions, partitionNames) };
    };
    try {
      return resolve();
    } catch (e) {
      if (!(e instanceof MilvusError)) throw e;
      await this.catchUp(ctx.deadline);
      return resolve();
    }
  }

  /**
   * Waits (until the deadline, at most a few seconds) for this coordinator's metadata to hold
   * every change the writer has made: after a load, release or partition change relayed to
   * the writer, searches through this coordinator see it, as they would in Milvus.
   */
  async catchUp(deadline: number): Promise<void> {
    await this.cache.catchUp(Math.min(deadline, Date.now() + CATCH_UP_MS));
  }

  /**
   * The nodes' answers to a request about `view`'s collection (what `run` got or failed with).
   * When a node fails, the collection may have been dropped under the request (its nodes then
   * answer that they hold no such collection or segment, or fail): once the cache has caught
   * up, a collection gone (or dropped and created again) is the answer, as for a request made
   * after the drop.
   */
  private async whileExists<T>(view: CollectionView, ctx: CallContext, run: () => Promise<T>): Promise<T> {
    const [outcome] = await Promise.allSettled([run()]);
    if (outcome.status === 'fulfilled') return outcome.value;
    if (ctx.signal.aborted) throw outcome.reason;
    // The writer out of reach: the cache as it is decides.
    await this.catchUp(ctx.deadline).catch(() => undefined);
    if (this.cache.get(view.record.name)?.record.id !== view.record.id) throw collectionNotFound(view.record.name);
    throw outcome.reason;
  }

  /** Reader targets for the sealed segments of the covered partitions, plus the writer's share. */
  private route<R extends { collection_name: string }>(
    view: CollectionView,
    partitions: Set<number>,
    includeWriter: boolean,
    base: R,
    trace: Context,
  ): SubRequest<R>[] {
    return inSpan(trace, 'get_routing', (span) => {
      try {
        const segments = view.segments.filter((s) => partitions.has(s.partitionId)).map((s) => s.id);
        const { groups, toWriter } = this.placement.targets(view, segments);
        const subs: SubRequest<R>[] = groups.map((t: GroupTarget) => ({
          set: { name: t.group, replicas: t.replicas },
          request: { ...base, segment_ids: t.segmentIds.map(String) },
        }));
        if (includeWriter || toWriter.length) {
          // The writer covers its growing rows, segments sealed after this view and the
          // sealed ones no reader holds yet.
          const covered = new Set(groups.flatMap((t) => t.segmentIds));
          subs.push({
            set: { name: WRITER_SET, replicas: [this.writerAddress] },
            request: {
              ...base,
              segment_ids: [],
              include_growing: true,
              covered_segment_ids: view.segments.filter((s) => covered.has(s.id)).map((s) => String(s.id)),
            },
          });
        }
        span.setAttribute('mishards.segments', segments.length);
        span.setAttribute('mishards.targets', subs.length);
        return subs;
      } finally {
        span.end();
      }
    });
  }

  /** Sends sub-requests in parallel under a `do_search` span, one `search_<target>` child each. */
  private async scatter<M extends SegmentMethod>(
    subs: SubRequest<SegmentRequest<M>>[],
    method: M,
    ctx: CallContext,
    headers: grpc.Metadata,
    trace: Context,
  ): Promise<DataNodeClientReply<M>[]> {
    this.metrics.fanoutWidth.observe(subs.length);
    const scope = childSpan(tracer, 'do_search', trace);
    try {
      return await Promise.all(subs.map((sub) => this.send(sub, method, ctx, headers, scope.context)));
    } catch (e) {
      fail(scope.span, e);
      throw e;
    } finally {
      scope.span.end();
    }
  }

  /** One sub-request under its `search_<target>` span; the nodes get the trace context only when it is sampled. */
  private async send<M extends SegmentMethod>(
    sub: SubRequest<SegmentRequest<M>>,
    method: M,
    ctx: CallContext,
    headers: grpc.Metadata,
    trace: Context,
  ): Promise<DataNodeClientReply<M>> {
    const { span, context } = childSpan(tracer, `search_${sub.set.name}`, trace);
    const target = this.metrics.target(sub.set.name);
    const startedAt = performance.now();
    try {
      const res = await this.fanout.call(sub.set, method, sub.request, ctx, metadataWithTrace(context, headers), sub.cost);
      target.subRequestDone(startedAt, true);
      return res;
    } catch (e) {
      target.subRequestDone(startedAt, false);
      fail(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  /**
   * What a request's consistency level needs. The writer's share beyond sealed segments no
   * reader holds: Strong and Session always ask it (a row acknowledged a moment ago must be
   * seen); Bounded asks it when its last published view says it holds unsealed rows (staleness
   * of a change in flight is what Bounded allows); Eventually does not. Fresh deletes: Strong
   * and Session make readers read their segments' delete logs before answering, so a delete
   * acknowledged a moment ago is seen even where a reader's watch cannot report it.
   */
  private freshness(view: CollectionView, req: ScopeFields): Freshness {
    const level =
      req.use_default_consistency || req.consistency_level === undefined
        ? view.record.consistencyLevel
        : consistencyLevelNumber(req.consistency_level);
    return {
      includeWriter: level === ConsistencyLevel.Bounded ? view.unsealedRows : level !== ConsistencyLevel.Eventually,
      freshDeletes: level === ConsistencyLevel.Strong || level === ConsistencyLevel.Session,
    };
  }

  /** A Search under its own span, child of the caller's trace context. */
  search(req: SearchInput, ctx: CallContext): Promise<SearchReply> {
    return this.traced('Search', req, ctx, (trace) => this.doSearch(req, ctx, trace));
  }

  /** A HybridSearch under its own span: each sub-search scattered as a Search, then fused. */
  hybridSearch(req: HybridSearchInput, ctx: CallContext): Promise<SearchReply> {
    return this.traced('HybridSearch', req, ctx, (trace) => this.doHybridSearch(req, ctx, trace));
  }

  query(req: QueryInput, ctx: CallContext): Promise<QueryReply> {
    return this.traced('Query', req, ctx, (trace) => this.doQuery(req, ctx, trace));
  }

  /** Runs `run` under span `name`, child of the caller's trace context; `run` gets the span's context. */
  private async traced<T>(name: string, req: ScopeFields, ctx: CallContext, run: (trace: Context) => Promise<T>): Promise<T> {
    const { span, context } = childSpan(tracer, name, ctx.trace);
    if (span.isRecording()) span.setAttribute('milvus.collection', String(req.collection_name ?? ''));
    try {
      return await run(context);
    } catch (e) {
      fail(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  /**
   * The readers' and the writer's shares of one search (`s.p` prepared from the raw request,
   * each target asked for its best `s.k`), answered in parallel; decoded and merged by the
   * caller.
   */
  private scatterSearch(s: SearchScatter, ctx: CallContext, trace: Context): Promise<DataNodeClientReply<'SearchSegments'>[]> {
    const { view, p } = s;
    const subs = this.route<SegmentRequest<'SearchSegments'>>(
      view,
      s.partitions,
      s.freshness.includeWriter,
      {
        collection_name: view.record.name,
        placeholder_group: s.raw.placeholder_group,
        topk: String(s.k),
        metric_type: p.metric,
        params_json: JSON.stringify({
          ...p.params.engine,
          ...(p.params.range && { radius: p.params.range.radius, range_filter: p.params.range.rangeFilter }),
        }),
        filter: s.raw.dsl ?? '',
        template_values_json: templateValuesToJson(p.templateValues),
        output_fields: s.outputFields,
        // Always named: the writer's growing data spans every partition, loaded or not.
        partition_ids: [...s.partitions].map(String),
        fresh_deletes: s.freshness.freshDeletes,
        group_by_field: p.grouping?.field.name ?? '',
        group_size: String(p.grouping?.size ?? 0),
        strict_group_size: p.grouping?.strict ?? false,
        order_by_fields: p.params.orderBy,
        ...s.extra,
      },
      trace,
    );
    const dim = vectorField(view.record.schema).dim!;
    // FLAT segments are scanned whole: their rows count. (The writer's share is never hedged.)
    const rows = view.indexes[0]?.indexType === 'FLAT' ? new Map(view.segments.map((seg) => [String(seg.id), seg.rows])) : undefined;
    const hits = s.k * (p.grouping?.size ?? 1);
    for (const sub of subs) {
      const ids = sub.request.segment_ids ?? [];
      const scanned = rows ? ids.reduce<number>((n, id) => n + (rows.get(String(id)) ?? 0), 0) : 0;
      sub.cost = searchCostOf(s.nq, hits, ids.length, dim, scanned);
    }
    return this.scatter(subs, 'SearchSegments', ctx, this.headersFor(view), trace);
  }

  private async doSearch(req: SearchInput, ctx: CallContext, trace: Context): Promise<SearchReply> {
    const { view, partitions } = await this.target(req.collection_name, req.partition_names, ctx);
    const schema = view.record.schema;
    const index = view.indexes[0]!;
    const p = prepareSearch(schema, index, req, this.limits);
    this.quotas.charge(view.record.name, { search: p.nq });
    const { topk, offset, roundDecimal } = p.params;
    const scatter = {
      view,
      p,
      raw: req,
      nq: p.nq,
      outputFields: req.output_fields ?? [],
      partitions,
      freshness: this.freshness(view, req),
    };
    if (p.grouping) return this.groupedSearch({ ...scatter, k: p.grouping.groups }, p.grouping, ctx, trace);
    const responses = await this.whileExists(view, ctx, () => this.scatterSearch({ ...scatter, k: topk + offset }, ctx, trace));
    return inSpan(trace, 'do_merge', (span) => {
      const stop = this.metrics.mergeSeconds.startTimer();
      try {
        const intKeys = hasIntKeys(schema);
        const partials = decodePartials(responses, intKeys);
        let pages = mergeSearchResults(partials, p.nq, topk, offset, p.metric);
        if (p.orderBy.length) {
          const orderKeys = partialOrderKeys(partials);
          pages = pages.map((page) =>
            searchPage(page.length, { offset: 0, topk, order: p.orderBy, orderKeysAt: (i) => pickOrderKeys(orderKeys, page[i]!) }).map(
              (i) => page[i]!,
            ),
          );
        }
        const rows = pickedRows(
          partials,
          pages.flat(),
          pages.map((page) => page.length),
          intKeys,
        );
        return {
          collection_name: view.record.name,
          results: searchResultData({ schema, selection: p.selection, nq: p.nq, topK: topk, roundDecimal }, rows),
        };
      } finally {
        stop();
        span.end();
      }
    });
  }

  /**
   * A grouping search (docs/coordinator.md, "Range search, grouping search and ORDER BY"):
   * each node answers its own grouping, the coordinator merges (group-merge.ts); a strict
   * search whose merged groups may lack hits asks the nodes a second time for just those.
   */
  private async groupedSearch(s: SearchScatter, grouping: Grouping, ctx: CallContext, trace: Context): Promise<SearchReply> {
    const { view, p } = s;
    const schema = view.record.schema;
    const intKeys = hasIntKeys(schema);
    const first = decodePartials(await this.whileExists(view, ctx, () => this.scatterSearch(s, ctx, trace)), intKeys);
    const { perQuery, incomplete } = mergeGroupedResults(first, p.nq, grouping, p.metric);
    let partials = first;
    const short = incomplete.flatMap((keys, q) => (keys.length ? [q] : []));
    if (short.length) {
      const groups = [...new Set(short.flatMap((q) => incomplete[q]!))];
      const dim = p.queries.length / p.nq;
      const second = await this.whileExists(view, ctx, () =>
        this.scatterSearch(
          {
            ...s,
            raw: { ...s.raw, placeholder_group: encodeQueryVectors(short.map((q) => p.queries.subarray(q * dim, (q + 1) * dim))) },
            nq: short.length,
            k: groups.length,
            extra: { group_restriction_json: JSON.stringify(groups.map(keyToJson)), strict_group_size: true },
          },
          ctx,
          trace,
        ),
      );
      partials = [...first, ...decodePartials(second, intKeys)];
      completeGroups(perQuery, incomplete, short, partials.slice(first.length), first.length, grouping.size, p.metric);
    }
    return inSpan(trace, 'do_merge', (span) => {
      const stop = this.metrics.mergeSeconds.startTimer();
      try {
        const groupKeys = partialGroupKeys(partials);
        const orderKeys = p.orderBy.length ? partialOrderKeys(partials) : [];
        const { topk, offset, roundDecimal } = p.params;
        const pages = perQuery.map(({ members }) => {
          const picks = members.flat();
          return searchPage(picks.length, {
            offset,
            topk,
            groupKeyAt: (i) => groupKeys[picks[i]!.partial]![picks[i]!.row]!,
            order: p.orderBy,
            orderKeysAt: (i) => pickOrderKeys(orderKeys, picks[i]!),
          }).map((i) => picks[i]!);
        });
        const rows = pickedRows(
          partials,
          pages.flat(),
          pages.map((page) => page.length),
          intKeys,
          undefined,
          true,
        );
        return {
          collection_name: view.record.name,
          results: searchResultData({ schema, selection: p.selection, nq: p.nq, topK: topk, roundDecimal }, rows),
        };
      } finally {
        stop();
        span.end();
      }
    });
  }

  /**
   * A HybridSearch: every sub-search is scattered and merged exactly as a Search (its own
   * topk and filter, the request's output fields), then the merged lists are fused by the
   * ranker; each fused hit takes its output fields from the sub-search that found it first.
   */
  private async doHybridSearch(req: HybridSearchInput, ctx: CallContext, trace: Context): Promise<SearchReply> {
    const { view, partitions } = await this.target(req.collection_name, req.partition_names, ctx);
    const schema = view.record.schema;
    const h = prepareHybridSearch(schema, view.indexes[0]!, req, this.limits);
    this.quotas.charge(view.record.name, { search: h.nq * h.subs.length });
    const freshness = this.freshness(view, req);
    const outputFields = req.output_fields ?? [];
    const responses = await this.whileExists(view, ctx, () =>
      Promise.all(
        h.subs.map((p, i) =>
          this.scatterSearch(
            { view, p, raw: req.requests![i]!, nq: p.nq, outputFields, partitions, freshness, k: p.params.topk },
            ctx,
            trace,
          ),
        ),
      ),
    );
    return inSpan(trace, 'do_merge', (span) => {
      const stop = this.metrics.mergeSeconds.startTimer();
      try {
        const intKeys = hasIntKeys(schema);
        const runs = responses.map((r) => decodePartials(r, intKeys));
        // All partials of all sub-searches in one array, so picks can point into any of them.
        const all: PartialView[] = runs.flat();
        let base = 0;
        const perSub = runs.map((partials, i) => {
          const offset = base;
          base += partials.length;
          const pages = mergeSearchResults(partials, h.nq, h.subs[i]!.params.topk, 0, h.metric);
          return pages.map((page) => page.map((pick) => ({ partial: offset + pick.partial, row: pick.row })));
        });
        const fused = fuseQueries(perSub, h, (pick) => ({ key: pickKey(all, pick), score: pickScore(all, pick) }));
        return {
          collection_name: view.record.name,
          results: searchResultData(
            { schema, selection: h.selection, nq: h.nq, topK: h.limit, roundDecimal: h.roundDecimal },
            pickedRows(all, fused.hits, fused.topks, intKeys, fused.scores),
          ),
        };
      } finally {
        stop();
        span.end();
      }
    });
  }

  private async doQuery(req: QueryInput, ctx: CallContext, trace: Context): Promise<QueryReply> {
    const { view, partitions } = await this.target(req.collection_name, req.partition_names, ctx);
    const schema = view.record.schema;
    const q = prepareQuery(schema, req, this.limits);
    this.quotas.charge(view.record.name, { query: 1 });
    const freshness = this.freshness(view, req);
    const subs = this.route<SegmentRequest<'QuerySegments'>>(
      view,
      partitions,
      freshness.includeWriter,
      {
        collection_name: view.record.name,
        filter: req.expr ?? '',
        template_values_json: templateValuesToJson(q.templateValues),
        output_fields: q.countOnly ? [] : q.outputFields,
        partition_ids: [...partitions].map(String),
        // Without a limit, one row more than the size limit allows tells that the answer is too large.
        limit: String(q.limit === undefined ? q.maxRows + 1 : q.offset + q.limit),
        count_only: q.countOnly,
        fresh_deletes: freshness.freshDeletes,
        order_by_fields: q.orderByRaw,
      },
      trace,
    );
    const responses = await this.whileExists(view, ctx, () => this.scatter(subs, 'QuerySegments', ctx, this.headersFor(view), trace));
    const base = { collection_name: view.record.name, primary_field_name: primaryField(schema).name };
    if (q.countOnly) {
      const count = responses.reduce((n, r) => n + Number(r.count), 0);
      return { ...base, output_fields: ['count(*)'], fields_data: [countFieldData(count)] };
    }
    return inSpan(trace, 'do_merge', (span) => {
      try {
        const partials = decodePartials(responses, hasIntKeys(schema));
        const picks = mergeQueryRows(partials, q.orderBy);
        checkQueryRows(q, picks.length, this.limits);
        const page = picks.slice(q.offset, q.limit === undefined ? undefined : q.offset + q.limit);
        return {
          ...base,
          fields_data: gatherFieldsData(partials, page),
          output_fields: q.selection!.names,
        };
      } finally {
        span.end();
      }
    });
  }
}

/** Whether the collection's primary keys are Int64 (partials carry them as raw int64s). */
const hasIntKeys = (schema: CollectionSchema) => primaryField(schema).dataType === DataType.Int64;

/** Runs `fn` under span `name`, a child of `parent` (the shared unsampled span when not traced). */
const inSpan = <T>(parent: Context, name: string, fn: (span: Span) => T): T => fn(childSpan(tracer, name, parent).span);

function fail(span: Span, e: unknown): void {
  span.recordException(e as Error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
}

/** Why a request's signal aborts: the client went away (or the call ended). */
const CLIENT_GONE = new Error('the client cancelled the call or it ended');

/** Request context from an incoming gRPC call: its deadline, cancellation and metadata. */
export function callContext(call: grpc.ServerUnaryCall<unknown, unknown> | undefined, defaultTimeoutMs: number): CallContext {
  const controller = new AbortController();
  const deadline = deadlineOf(call, defaultTimeoutMs);
  if (call) {
    // grpc-js also emits 'cancelled' when the stream closes after the answer went out, so this
    // runs on every call: a prebuilt reason spares abort() a new DOMException each time.
    call.on('cancelled', () => controller.abort(CLIENT_GONE));
  }
  return { deadline, signal: controller.signal, trace: contextFromMetadata(call?.metadata) };
}

/** An incoming call's deadline (epoch ms), or `defaultTimeoutMs` from now when it has none. */
export function deadlineOf(call: grpc.ServerUnaryCall<unknown, unknown> | undefined, defaultTimeoutMs: number): number {
  return (call && callDeadline(call)) ?? Date.now() + defaultTimeoutMs;
}

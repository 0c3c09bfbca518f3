import { formatTimestamptzFields } from '../../milvus/timestamptz.js';
import * as grpc from '@grpc/grpc-js';
import { SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { DataType, primaryField, schemaVersion, vectorField, type CollectionSchema } from '../../core/schema.js';
import { rowWork } from '../../core/vector-types.js';
import { engineIndexType } from '../../milvus/vector-indexes.js';
import type { CompiledFilter } from '../../filter/index.js';
import type { CollectionView } from '../../meta/collection-view.js';
import { expireBefore } from '../../milvus/collection-properties.js';
import { ConsistencyLevel, consistencyLevelNumber } from '../../milvus/consistency.js';
import { prepareHybridSearch, type HybridSearchFields } from '../../milvus/hybrid-request.js';
import type { MilvusRequest } from '../../milvus/methods.js';
import { prunedScope, refuseNamedPartitions } from '../../milvus/partition-key.js';
import {
  iteratorPageMessage,
  queryIteratorOf,
  searchIteratorOf,
  searchIteratorReply,
  type SearchIteratorReply,
  type SearchIteratorRequest,
} from '../../milvus/search-iterator.js';
import {
  checkQueryRows,
  countFieldData,
  prepareQuery,
  prepareSearch,
  searchScope,
  type PreparedSearch,
  type QueryFields,
  type SearchFields,
  type SearchShapeCheck,
} from '../../milvus/search-request.js';
import { milvusEngineParams, type ParsedSearchParams } from '../../milvus/search-params.js';
import type { PartialView } from '../../milvus/partial-result.js';
import { encodeQuerySet } from '../../milvus/placeholder.js';
import { pickRows } from '../../engine/vectors.js';
import type { RequestLimits } from '../../milvus/request-limits.js';
import { RateQuotas, rateCollection, unlimitedRates } from '../../milvus/quotas.js';
import type { ResultFieldData } from '../../milvus/result-fields.js';
import { searchResultData } from '../../milvus/search-results.js';
import { Code, collectionNotFound, MilvusError } from '../../milvus/status.js';
import { bm25ParamsJson, queryTerms, weightedSearch } from '../../milvus/bm25-request.js';
import { addStatistics, emptyStatistics } from '../../text/bm25.js';
import { templateValuesToJson } from '../../milvus/template-values.js';
import type { DataNodeClientReply, DataNodeClientRequest } from '../../proto/data-node.js';
import type { QueryResults__Output } from '../../proto/generated/milvus/proto/milvus/QueryResults.js';
import type { SearchResults__Output } from '../../proto/generated/milvus/proto/milvus/SearchResults.js';
import type { SearchResultData__Output } from '../../proto/generated/milvus/proto/schema/SearchResultData.js';
import type { MetadataCache } from '../../cluster/metadata-cache.js';
import { COLLECTION_HEADER } from '../../cluster/front-contract.js';
import { namedView } from './named-view.js';
import type { GroupTarget, Placement } from './placement.js';
import { callDeadline } from '../../runtime/call-signal.js';
import { childSpan, contextFromMetadata, metadataWithTrace } from '../../runtime/tracing.js';
import { queryRowsVisited } from '../../search/cost.js';
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
import { queryCostOf, searchCostOf, WRITER_SET, type CallContext, type Fanout, type ReplicaSet } from './fanout.js';
import { checkGroupsResultMemory, segmentRows } from './result-memory.js';
import { vectorIndexOf } from '../../milvus/scalar-indexes.js';

const tracer = trace.getTracer('mishards-coordinator');
/** The longest a request waits for the metadata cache to catch up with the writer. */
const CATCH_UP_MS = 5000;

/**
 * Writer calls that change what a search covers or how it names or reads a collection. The
 * coordinator answers them (relayed over gRPC or REST) once its metadata has the change, so
 * that the caller's next search sees it.
 */
export const SEARCH_SCOPE_CHANGES = new Set([
  'LoadCollection',
  'ReleaseCollection',
  'LoadPartitions',
  'ReleasePartitions',
  'CreatePartition',
  'DropPartition',
  'DropCollection',
  'RenameCollection',
  'TruncateCollection',
  'CreateAlias',
  'AlterAlias',
  'DropAlias',
  'AlterCollection',
  'AddCollectionField',
  'AlterCollectionSchema',
  // A database created or dropped: a request naming it finds it, or is told it is gone.
  'CreateDatabase',
  'DropDatabase',
]);

/** The data-node methods a request scatters over its segments: searches, queries, and a BM25 search's statistics. */
type ScatterMethod = SegmentMethod | 'TermStatistics';

/** A sub-request of a scattered method, before routing says which segments it covers. */
type SegmentRequest<M extends ScatterMethod> = DataNodeClientRequest<M> & { collection_id: string };

/** What routing sets of each sub-request (the same fields in both methods). */
type SegmentScope = Pick<DataNodeClientRequest<SegmentMethod>, 'segment_ids' | 'include_growing' | 'covered_segment_ids'>;

/**
 * What a request asks of the data nodes besides its segments: its consistency level's (see
 * Coordinator.freshness) and its collection's as the request reads it (the TTL's expiry time
 * and the schema's version, taken once for the whole request).
 */
interface Freshness {
  includeWriter: boolean;
  freshDeletes: boolean;
  expireBefore: number;
  schemaVersion: number;
}

/** Where a request's segments are served: its reader groups, and the writer's share when it is asked. */
interface Located {
  groups: GroupTarget[];
  /** When the writer is asked: the sealed segments the reader groups cover (it searches the rest). */
  writerCovered?: string[];
}

/** A computation's value or what it threw, rethrown where the caller decides (unwrap). */
type Outcome<T> = { value: T } | { error: unknown };

function outcomeOf<T>(compute: () => T): Outcome<T> {
  try {
    return { value: compute() };
  } catch (error) {
    return { error };
  }
}

function unwrap<T>(outcome: Outcome<T>): T {
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

/** One search scattered over the nodes (scatterSearch). */
interface SearchScatter {
  view: CollectionView;
  p: PreparedSearch;
  /** The request's query vectors and filter as sent. */
  raw: Pick<SearchFields, 'placeholder_group' | 'dsl'>;
  nq: number;
  outputFields: string[];
  /** Where the whole scope is served (routed before the search was prepared; may throw, inside whileExists). */
  located: () => Located;
  /** The partitions the request covers; its filter may prune them (readPartitions). */
  scope: Set<number>;
  freshness: Freshness;
  /** What each node is asked for: hits per query, or groups in a grouping search. */
  k: number;
  /** How deep each node searches when it is more than `k` (an iterator's page), for the cost. */
  depth?: number;
  /** Fields of the sub-requests beyond the search's own (a second grouping round's, an iterator page's). */
  extra?: Partial<SegmentRequest<'SearchSegments'>>;
  /** The name the request used (an alias or not), which the answer carries. */
  requestName?: string;
}

interface SubRequest<R> {
  set: ReplicaSet;
  request: R & SegmentScope;
  /** Estimated cost of the sub-request (searchCostOf, queryCostOf): whether it may be hedged, and its replica's load. */
  cost?: number;
}

/**
 * What the coordinator reads of a request besides what search or query read (see
 * SearchFields): its collection, partitions and consistency.
 */
type ScopeFields = Pick<MilvusRequest<'Search'>, 'db_name' | 'collection_name'> &
  Partial<Pick<MilvusRequest<'Search'>, 'partition_names' | 'consistency_level' | 'use_default_consistency' | 'guarantee_timestamp'>>;

export type SearchInput = ScopeFields & SearchFields;
export type HybridSearchInput = ScopeFields & HybridSearchFields;
export type QueryInput = ScopeFields & QueryFields;

/**
 * A merged answer as the coordinator builds it: what it sets of the response (the REST layer
 * reads it as is); an iterator's page also sets `session_ts` and the iterator results.
 */
export type SearchReply = Pick<SearchResults__Output, 'collection_name'> &
  Partial<Pick<SearchResults__Output, 'session_ts'>> & {
    results: Pick<SearchResultData__Output, 'num_queries' | 'top_k' | 'scores' | 'ids' | 'topks' | 'output_fields' | 'primary_field_name'> &
      Partial<Pick<SearchIteratorReply, 'search_iterator_v2_results'>> & {
        fields_data: ResultFieldData[];
      };
  };
export type QueryReply = Pick<QueryResults__Output, 'collection_name' | 'primary_field_name' | 'output_fields'> &
  Partial<Pick<QueryResults__Output, 'session_ts'>> & {
    fields_data: ResultFieldData[];
  };

/** What the sub-requests of an iterator's page carry besides a search's or query's fields. */
type SnapshotFields = Pick<DataNodeClientRequest<SegmentMethod>, 'snapshot' | 'pin_snapshot'>;

/** The sub-requests' snapshot fields: read as of `snapshot`, or, without one, have the writer pin one. */
const snapshotFields = (snapshot: number | undefined): SnapshotFields =>
  snapshot === undefined ? { pin_snapshot: true } : { snapshot: { as_of: String(snapshot) } };

/** The snapshot the nodes read (the writer's, when it pinned one): the greatest they report. */
const snapshotRead = (responses: { snapshot_ts: string }[]): number => Math.max(0, ...responses.map((r) => Number(r.snapshot_ts)));

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
    /** The wall clock (unix ms) a collection TTL is applied at. */
    private readonly clock: () => number = Date.now,
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
   * The view of the collection the request names in its database (by name or alias: resolved
   * once, so the whole request reads one collection) and the partitions it covers (see
   * searchScope). When the cache cannot answer (no such database, collection, partition or
   * loaded partition), it may be behind a change made a moment ago: it catches up first, then
   * answers for good.
   */
  private async target(req: ScopeFields, ctx: CallContext): Promise<{ view: CollectionView; scope: Set<number> }> {
    const { collection_name: name, partition_names: partitionNames } = req;
    const resolve = () => {
      const view = namedView(this.cache, req.db_name, name);
      refuseNamedPartitions(view.record.schema, partitionNames);
      return { view, scope: searchScope(name, view.partitions, partitionNames) };
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
   * up, a collection gone (or dropped and created again; a renamed one is not gone) is the
   * answer, as for a request made after the drop.
   */
  private async whileExists<T>(view: CollectionView, ctx: CallContext, run: () => Promise<T>): Promise<T> {
    const [outcome] = await Promise.allSettled([run()]);
    if (outcome.status === 'fulfilled') return outcome.value;
    if (ctx.signal.aborted) throw outcome.reason;
    // The writer out of reach: the cache as it is decides.
    await this.catchUp(ctx.deadline).catch(() => undefined);
    if (!this.cache.has(view.record.id)) throw collectionNotFound(view.record.name);
    throw outcome.reason;
  }

  /**
   * The partitions of `scope` that can hold rows matching `filter` (see prunedScope): all a
   * search, query or hybrid sub-search reads, and what the metrics count of it.
   */
  private readPartitions(view: CollectionView, scope: Set<number>, filter: CompiledFilter): Set<number> {
    const partitions = prunedScope(view.partitions, scope, filter);
    this.metrics.searchPartitions.observe(partitions.size);
    return partitions;
  }

  /**
   * Where the sealed segments of the covered partitions are served (reader groups), and what
   * the writer covers when it is asked: its growing rows, segments sealed after this view and
   * the sealed ones no reader holds yet. Nowhere when no partition is covered (pruning left
   * none), as a data node reads an empty `partition_ids` as every partition.
   */
  private locate(view: CollectionView, partitions: Set<number>, includeWriter: boolean, trace: Context): Located {
    return inSpan(trace, 'get_routing', (span) => {
      try {
        if (partitions.size === 0) return { groups: [], writerCovered: undefined };
        const segments = view.segments.filter((s) => partitions.has(s.partitionId)).map((s) => s.id);
        const { groups, toWriter } = this.placement.targets(view, segments);
        let writerCovered: string[] | undefined;
        if (includeWriter || toWriter.length) {
          const covered = new Set(groups.flatMap((t) => t.segmentIds));
          writerCovered = view.segments.filter((s) => covered.has(s.id)).map((s) => String(s.id));
        }
        span.setAttribute('mishards.segments', segments.length);
        span.setAttribute('mishards.targets', groups.length + (writerCovered ? 1 : 0));
        return { groups, writerCovered };
      } finally {
        span.end();
      }
    });
  }

  /** One sub-request of `base` per reader group of `located`, plus the writer's share. */
  private subRequests<R extends { collection_id: string }>(located: Located, base: R): SubRequest<R>[] {
    const subs: SubRequest<R>[] = located.groups.map((t: GroupTarget) => ({
      set: { name: t.group, replicas: t.replicas },
      request: { ...base, segment_ids: t.segmentIds.map(String) },
    }));
    if (located.writerCovered) {
      subs.push({
        set: { name: WRITER_SET, replicas: [this.writerAddress] },
        request: { ...base, segment_ids: [], include_growing: true, covered_segment_ids: located.writerCovered },
      });
    }
    return subs;
  }

  /** Sends sub-requests in parallel under a `do_search` span, one `search_<target>` child each. */
  private async scatter<M extends ScatterMethod>(
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
  private async send<M extends ScatterMethod>(
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
   * What a request's consistency level needs (and the collection's TTL and schema version as
   * the request reads them). The writer's share beyond sealed segments no
   * reader holds: Strong and Session always ask it (a row acknowledged a moment ago must be
   * seen); Bounded asks it when its last published view says it holds unsealed rows (staleness
   * of a change in flight is what Bounded allows); Eventually does not. Fresh deletes: Strong
   * and Session make readers read their segments' delete logs before answering, so a delete
   * acknowledged a moment ago is seen even where a reader's watch cannot report it.
   */
  private freshness(view: CollectionView, req: ScopeFields, iterating = false): Freshness {
    const level =
      req.use_default_consistency || req.consistency_level === undefined
        ? view.record.consistencyLevel
        : consistencyLevelNumber(req.consistency_level);
    return {
      // An iterator's pages read the writer's rows of their snapshot whatever the level: a page
      // that skipped them would leave them out of their turn (docs/coordinator.md, "Iterators").
      includeWriter: iterating || (level === ConsistencyLevel.Bounded ? view.unsealedRows : level !== ConsistencyLevel.Eventually),
      freshDeletes: level === ConsistencyLevel.Strong || level === ConsistencyLevel.Session,
      expireBefore: expireBefore(view.record.properties, this.clock()),
      schemaVersion: schemaVersion(view.record.schema),
    };
  }

  /**
   * The schema of the collection a read names (by name or alias), as its searches see it: the
   * REST API reads the searched field's type from it to parse query vectors.
   */
  async schemaOf(req: ScopeFields, ctx: CallContext): Promise<CollectionSchema> {
    return (await this.target(req, ctx)).view.record.schema;
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
    // `located` covers the whole scope; a filter on the partition key may leave fewer partitions.
    const partitions = this.readPartitions(view, s.scope, p.filter);
    const where = partitions.size === s.scope.size ? s.located() : this.locate(view, partitions, s.freshness.includeWriter, trace);
    const subs = this.subRequests<SegmentRequest<'SearchSegments'>>(where, {
      collection_id: String(view.record.id),
      placeholder_group: s.raw.placeholder_group,
      topk: String(s.k),
      metric_type: p.metric,
      params_json: JSON.stringify({
        ...milvusEngineParams(p.params.engine),
        ...(p.params.range && { radius: p.params.range.radius, range_filter: p.params.range.rangeFilter }),
      }),
      filter: s.raw.dsl ?? '',
      template_values_json: templateValuesToJson(p.templateValues),
      timezone: p.timezone,
      output_fields: s.outputFields,
      // Always named: the writer's growing data spans every partition, loaded or not.
      partition_ids: [...partitions].map(String),
      fresh_deletes: s.freshness.freshDeletes,
      ignore_growing: p.params.ignoreGrowing,
      expire_before_ms: s.freshness.expireBefore,
      schema_version: String(s.freshness.schemaVersion),
      group_by_field: p.grouping?.field.name ?? '',
      group_size: String(p.grouping?.size ?? 0),
      strict_group_size: p.grouping?.strict ?? false,
      order_by_fields: p.params.orderBy,
      ...s.extra,
    });
    const vector = vectorField(view.record.schema);
    const work = rowWork(vector);
    // Segments searched exactly are scanned whole: their rows count. (The writer's share is never hedged.)
    const index = vectorIndexOf(view.indexes, view.record.schema);
    const rows = index && engineIndexType(index.indexType, vector) === 'FLAT' ? segmentRows(view) : undefined;
    // Hits each node looks at: an iterator's page as deep as the rows returned before it plus the page.
    const hits = (s.depth ?? s.k) * (p.grouping?.size ?? 1);
    for (const sub of subs) {
      const ids = sub.request.segment_ids ?? [];
      const scanned = rows ? ids.reduce<number>((n, id) => n + (rows.get(Number(id)) ?? 0), 0) : 0;
      sub.cost = searchCostOf(s.nq, hits, ids.length, work, scanned);
    }
    return this.scatter(subs, 'SearchSegments', ctx, this.headersFor(view), trace);
  }

  /**
   * Routes a search before it is prepared, so that the reader groups' result-memory limits
   * (result-memory.ts) are checked with the request limits, from the nq the request states; a
   * routing failure is not reported here but by the fan-out (`whileExists` then tells a dropped
   * collection from an unavailable group).
   */
  private routeSearch(
    view: CollectionView,
    partitions: Set<number>,
    freshness: Freshness,
    trace: Context,
    hitsAsked: (params: ParsedSearchParams) => number,
  ): { located: () => Located; checkShape: SearchShapeCheck } {
    const outcome = outcomeOf(() => this.locate(view, partitions, freshness.includeWriter, trace));
    return {
      located: () => unwrap(outcome),
      checkShape: (nq, params, selection) => {
        if ('value' in outcome) checkGroupsResultMemory(view, outcome.value.groups, nq, hitsAsked(params), selection);
      },
    };
  }

  private async doSearch(req: SearchInput, ctx: CallContext, trace: Context): Promise<SearchReply> {
    const { view, scope } = await this.target(req, ctx);
    const schema = view.record.schema;
    const index = vectorIndexOf(view.indexes, schema);
    const freshness = this.freshness(view, req);
    const route = this.routeSearch(view, scope, freshness, trace, (params) => params.topk + params.offset);
    const p = prepareSearch(schema, index, req, this.limits, view.record.properties, route.checkShape);
    this.quotas.charge(rateCollection(req.db_name, view.record.name), { search: p.nq });
    const { topk, offset, roundDecimal } = p.params;
    const iterator = searchIteratorOf(req, { nq: p.nq, offset }, { id: view.record.id, schema });
    if (iterator && p.bm25)
      throw new MilvusError(Code.ServiceUnimplemented, 'search iterators over a BM25 output field are not supported by Mishards yet');
    if (iterator) return this.searchPage(view, scope, p, req, iterator, ctx, trace);
    const text = p.bm25 && (await this.whileExists(view, ctx, () => this.weighBm25(view, scope, freshness, route.located, p, ctx, trace)));
    const scatter = {
      view,
      p,
      raw: text ? { ...req, placeholder_group: text.placeholder } : req,
      nq: p.nq,
      outputFields: req.output_fields ?? [],
      located: () => route.located(),
      scope,
      freshness,
      requestName: req.collection_name,
      ...(text ? { extra: text.extra } : {}),
    };
    if (p.grouping) return this.groupedSearch({ ...scatter, k: p.grouping.groups }, p.grouping, ctx, trace);
    const responses = await this.whileExists(view, ctx, async () => this.scatterSearch({ ...scatter, k: topk + offset }, ctx, trace));
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
          // As Milvus answers: the name the request used, an alias or not.
          collection_name: req.collection_name,
          results: searchResultData({ schema, selection: p.selection, nq: p.nq, topK: topk, roundDecimal, timezone: p.timezone }, rows),
        };
      } finally {
        stop();
        span.end();
      }
    });
  }

  /**
   * A search iterator's page: every node answers its next page after the request's cursor (as
   * of the iterator's snapshot, or on the first page as of the one the writer pins), the
   * pages are merged in the iterator's order (ties by primary key) and cut to the page size.
   */
  private async searchPage(
    view: CollectionView,
    scope: Set<number>,
    p: PreparedSearch,
    req: SearchInput,
    iterator: SearchIteratorRequest,
    ctx: CallContext,
    trace: Context,
  ): Promise<SearchReply> {
    const schema = view.record.schema;
    const { page } = iterator;
    const iterating = {
      fields: { ...snapshotFields(iterator.snapshot), iterator_page: iteratorPageMessage(page) },
      depth: page.returned + page.batch,
    };
    // Pages always read the writer's rows of their snapshot (see freshness).
    const freshness = this.freshness(view, req, true);
    const responses = await this.whileExists(view, ctx, async () =>
      this.scatterSearch(
        {
          view,
          p,
          raw: req,
          nq: p.nq,
          outputFields: req.output_fields ?? [],
          located: () => this.locate(view, scope, freshness.includeWriter, trace),
          scope,
          freshness,
          k: page.batch,
          depth: iterating.depth,
          extra: iterating.fields,
        },
        ctx,
        trace,
      ),
    );
    return inSpan(trace, 'do_merge', (span) => {
      const stop = this.metrics.mergeSeconds.startTimer();
      try {
        const intKeys = hasIntKeys(schema);
        const partials = decodePartials(responses, intKeys);
        const picks = mergeSearchResults(partials, 1, page.batch, 0, p.metric, true)[0]!;
        const last = picks.at(-1);
        const reply = searchIteratorReply(
          iterator,
          iterator.snapshot ?? snapshotRead(responses),
          { count: picks.length, last: last && { score: pickScore(partials, last), pk: pickKey(partials, last) } },
          p.metric,
        );
        const shape = {
          schema,
          selection: p.selection,
          nq: 1,
          topK: page.batch,
          roundDecimal: p.params.roundDecimal,
          timezone: p.timezone,
        };
        return {
          collection_name: req.collection_name,
          session_ts: reply.session_ts,
          results: {
            ...searchResultData(shape, pickedRows(partials, picks, [picks.length], intKeys)),
            search_iterator_v2_results: reply.search_iterator_v2_results,
          },
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
      const second = await this.whileExists(view, ctx, () =>
        this.scatterSearch(
          {
            ...s,
            raw: { ...s.raw, placeholder_group: encodeQuerySet(vectorField(schema), pickRows(p.queries, short)) },
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
          collection_name: s.requestName ?? view.record.name,
          results: searchResultData({ schema, selection: p.selection, nq: p.nq, topK: topk, roundDecimal, timezone: p.timezone }, rows),
        };
      } finally {
        stop();
        span.end();
      }
    });
  }

  /**
   * The first phase of a BM25 search (docs/full-text.md): every node holding rows of the
   * search's scope (its partitions, whatever its filter) reports the statistics of its rows
   * for the queries' terms; their sums weigh the queries as one node holding every row would.
   * Returns the weighted queries and what the second phase's sub-requests carry.
   */
  private async weighBm25(
    view: CollectionView,
    scope: Set<number>,
    freshness: Freshness,
    located: () => Located,
    p: PreparedSearch,
    ctx: CallContext,
    trace: Context,
  ): Promise<{ placeholder: Buffer; extra: Partial<SegmentRequest<'SearchSegments'>> }> {
    const q = p.bm25!;
    const terms = queryTerms(q);
    const subs = this.subRequests<SegmentRequest<'TermStatistics'>>(located(), {
      collection_id: String(view.record.id),
      field_name: q.field.name,
      terms,
      partition_ids: [...scope].map(String),
      fresh_deletes: freshness.freshDeletes,
      ignore_growing: p.params.ignoreGrowing,
      expire_before_ms: freshness.expireBefore,
      schema_version: String(freshness.schemaVersion),
    });
    const responses = await this.scatter(subs, 'TermStatistics', ctx, this.headersFor(view), trace);
    const stats = emptyStatistics();
    for (const r of responses) {
      addStatistics(stats, {
        rows: Number(r.rows),
        tokens: r.tokens,
        docFrequency: new Map(terms.map((t, i) => [t, Number(r.doc_frequencies[i] ?? 0)])),
      });
    }
    const { queries, params } = weightedSearch(q, stats);
    return {
      placeholder: encodeQuerySet(q.field, queries),
      extra: { anns_field: q.field.name, params_json: bm25ParamsJson(params, p.params.range) },
    };
  }

  /**
   * A HybridSearch: every sub-search is scattered and merged exactly as a Search (its own
   * topk and filter, the request's output fields), then the merged lists are fused by the
   * ranker; each fused hit takes its output fields from the sub-search that found it first.
   */
  private async doHybridSearch(req: HybridSearchInput, ctx: CallContext, trace: Context): Promise<SearchReply> {
    const { view, scope } = await this.target(req, ctx);
    const schema = view.record.schema;
    const freshness = this.freshness(view, req);
    // Each sub-search asks the nodes for its topk: paging applies to the fused list.
    const route = this.routeSearch(view, scope, freshness, trace, (params) => params.topk);
    const h = prepareHybridSearch(schema, vectorIndexOf(view.indexes, schema), req, this.limits, view.record.properties, route.checkShape);
    this.quotas.charge(rateCollection(req.db_name, view.record.name), { search: h.nq * h.subs.length });
    const outputFields = req.output_fields ?? [];
    const responses = await this.whileExists(view, ctx, async () => {
      const located = route.located();
      return Promise.all(
        h.subs.map(async (p, i) => {
          const raw = req.requests![i]!;
          const text = p.bm25 && (await this.weighBm25(view, scope, freshness, () => located, p, ctx, trace));
          return this.scatterSearch(
            {
              view,
              p,
              raw: text ? { ...raw, placeholder_group: text.placeholder } : raw,
              nq: p.nq,
              outputFields,
              located: () => located,
              scope,
              freshness,
              k: p.params.topk,
              ...(text ? { extra: text.extra } : {}),
            },
            ctx,
            trace,
          );
        }),
      );
    });
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
          const pages = mergeSearchResults(partials, h.nq, h.subs[i]!.params.topk, 0, h.subs[i]!.metric);
          return pages.map((page) => page.map((pick) => ({ partial: offset + pick.partial, row: pick.row })));
        });
        const fused = fuseQueries(perSub, h, (pick) => ({ key: pickKey(all, pick), score: pickScore(all, pick) }));
        return {
          collection_name: req.collection_name,
          results: searchResultData(
            { schema, selection: h.selection, nq: h.nq, topK: h.limit, roundDecimal: h.roundDecimal, timezone: h.timezone },
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
    const { view, scope } = await this.target(req, ctx);
    const schema = view.record.schema;
    const q = prepareQuery(schema, req, this.limits, view.record.properties);
    this.quotas.charge(rateCollection(req.db_name, view.record.name), { query: 1 });
    const iterator = queryIteratorOf(req, view.record.id);
    const freshness = this.freshness(view, req, iterator !== undefined);
    const partitions = this.readPartitions(view, scope, q.filter);
    const responses = await this.whileExists(view, ctx, async () => {
      const subs = this.subRequests<SegmentRequest<'QuerySegments'>>(this.locate(view, partitions, freshness.includeWriter, trace), {
        collection_id: String(view.record.id),
        filter: req.expr ?? '',
        template_values_json: templateValuesToJson(q.templateValues),
        timezone: q.timezone,
        output_fields: q.countOnly ? [] : q.outputFields,
        partition_ids: [...partitions].map(String),
        // Without a limit, one row more than the size limit allows tells that the answer is too large.
        limit: String(q.limit === undefined ? q.maxRows + 1 : q.offset + q.limit),
        count_only: q.countOnly,
        fresh_deletes: freshness.freshDeletes,
        ignore_growing: q.ignoreGrowing,
        expire_before_ms: freshness.expireBefore,
        schema_version: String(freshness.schemaVersion),
        order_by_fields: q.orderByRaw,
        // A query iterator's pages read as of its snapshot (the first, as of the one the writer pins).
        ...(iterator ? snapshotFields(iterator.snapshot) : {}),
      });
      const rows = segmentRows(view);
      for (const sub of subs) {
        sub.cost = queryCostOf(
          queryRowsVisited(
            (sub.request.segment_ids ?? []).map((id) => rows.get(Number(id)) ?? 0),
            q.filter,
          ),
        );
      }
      return this.scatter(subs, 'QuerySegments', ctx, this.headersFor(view), trace);
    });
    const base = {
      collection_name: req.collection_name,
      primary_field_name: primaryField(schema).name,
      ...(iterator ? { session_ts: String(iterator.snapshot ?? snapshotRead(responses)) } : {}),
    };
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
          fields_data: formatTimestamptzFields(gatherFieldsData(partials, page), q.timezone),
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

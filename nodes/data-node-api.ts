import { DEFAULT_TIMEZONE } from '../core/timestamptz.js';
import type * as grpc from '@grpc/grpc-js';
import { trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { DataType, primaryField, vectorField, type CollectionSchema, type FieldSchema } from '../core/schema.js';
import { rowWork } from '../core/vector-types.js';
import type { MetricType, VectorEngine } from '../engine/engine.js';
import { decodeQueryVectors } from '../milvus/placeholder.js';
import { parseQueryOrderBy, parseSearchOrderBy } from '../milvus/order-by.js';
import { encodePartial } from '../milvus/partial-result.js';
import { resultRowBytes } from '../milvus/request-limits.js';
import { resolveOutputFields } from '../milvus/results.js';
import { iteratorPagePlan } from '../milvus/search-iterator.js';
import { nodeSearchParams } from '../milvus/search-params.js';
import { compileFilterForRequest } from '../milvus/search-request.js';
import { Code, MilvusError } from '../milvus/status.js';
import { templateValuesFromJson } from '../milvus/template-values.js';
import type { DataNodeMethod, DataNodeRequest, DataNodeResponse } from '../proto/data-node.js';
import type { DataNodeHandlers } from '../proto/generated/mishards/data/DataNode.js';
import { queryCost, searchCost } from '../search/cost.js';
import { fieldKey, type FieldKey } from '../search/field-keys.js';
import { restrictToGroups, type Grouping } from '../search/grouping.js';
import { searchIteratorPage } from '../search/iterator-page.js';
import { sortRows } from '../search/row-order.js';
import { queryRowsInTurns, searchSegments, type SearchPlan } from '../search/segment-search.js';
import { searchBm25, termStatistics, type Bm25Plan } from '../search/bm25-search.js';
import type { SparseVectors } from '../engine/vectors.js';
import { nodeBm25Params } from '../milvus/bm25-request.js';
import type { Segment } from '../segment/segment.js';
import type { Admission } from '../runtime/admission.js';
import { callSignal } from '../runtime/call-signal.js';
import type { ResourceMeter } from '../runtime/node-resources.js';
import type { EngineSearchSeconds } from '../runtime/engine-metrics.js';
import type { RpcMetrics } from '../runtime/rpc-metrics.js';
import { childSpan, contextFromMetadata } from '../runtime/tracing.js';

const tracer = trace.getTracer('mishards-data-node');

/**
 * What a request asks of the writable node beyond the segments it names: nothing, the node's
 * sealed segments the caller did not cover, or those and its rows not sealed yet.
 */
export type WriterShare = 'none' | 'sealed' | 'all';

/** What a data node offers the internal API: its collections' schemas and loaded segments, collections by id. */
export interface SegmentSource {
  /**
   * The collection's schema, at least of `version` (see schemaVersion: the caller's): a node
   * whose copy is older reloads it, and gives the segments it holds the added fields.
   */
  schema(collection: number, version: number): Promise<CollectionSchema>;
  /**
   * The requested sealed segments (all must be loaded) plus the writer's `share`: its sealed
   * segments not in `covered` and, with 'all', its rows not sealed yet (writable node only).
   * With `freshDeletes`, every delete acknowledged before the call is applied to them (a
   * read-only node reads their delete logs first).
   */
  segments(collection: number, segmentIds: number[], share: WriterShare, covered: number[], freshDeletes: boolean): Promise<Segment[]>;
  load(collection: number, segmentIds: number[]): Promise<{ loaded: number[]; errors: { segment_id: string; reason: string }[] }>;
  /** The writable node's newest applied write (Writer.appliedLsn), an iterator's snapshot; read-only nodes have none. */
  appliedLsn?(): number;
  release(collection: number, segmentIds: number[]): Promise<void>;
  list(): { collection: number; segment: Segment; indexType: string; growing: boolean }[];
}

/** Where a coordinator placed one served segment, and the recorded group it placed it from (ReportPlacement). */
export interface ReportedPlacement {
  segmentId: number;
  group: string;
  /** The recorded group in the coordinator's metadata; undefined for none. */
  anchor: string | undefined;
}

/**
 * What the writable node does with a coordinator's ReportPlacement: records the placement and
 * drops the released retiring segments. Read-only nodes have none.
 */
export type PlacementReports = (placements: ReportedPlacement[], released: number[]) => Promise<{ recorded: number; stale: boolean }>;

/** Ids of the collections a node holds segments of. */
export const servedCollectionIds = (source: SegmentSource): string[] => [
  ...new Set(source.list().map((s) => String(s.segment.collectionId))),
];

/** Raised when a request names a segment this node has not loaded. */
export class SegmentNotLoadedError extends MilvusError {
  constructor(segmentIds: number[]) {
    super(Code.SegmentNotLoaded, `segments not loaded on this node: ${segmentIds.join(', ')}`);
  }
}

const ok = { code: 0, reason: '' };
const statusOf = (e: unknown) => ({
  code: e instanceof MilvusError ? e.code : Code.ServiceInternal,
  reason: e instanceof Error ? e.message : String(e),
});

/** A sub-request's filter, its ISO literals read in the request's time zone (UTC when it names none). */
const compile = (schema: CollectionSchema, req: { filter: string; template_values_json: string; timezone: string }) =>
  compileFilterForRequest(schema, req.filter, templateValuesFromJson(req.template_values_json), req.timezone || DEFAULT_TIMEZONE);

function inPartitions(segments: Segment[], partitionIds: string[]): Segment[] {
  if (!partitionIds.length) return segments;
  const wanted = new Set(partitionIds.map(Number));
  return segments.filter((s) => wanted.has(s.partitionId));
}

/**
 * A SearchSegments request's grouping (proto/mishards/data_node.proto), if any: `topk` groups,
 * or, restricted to some groups, every one of them.
 */
function requestGrouping(schema: CollectionSchema, req: DataNodeRequest<'SearchSegments'>, restriction: unknown): Grouping | undefined {
  if (!req.group_by_field) return undefined;
  const field = schema.fields.find((f) => f.name === req.group_by_field);
  if (!field) throw new MilvusError(Code.FieldNotFound, `field not found[field=${req.group_by_field}]`);
  const groups = Array.isArray(restriction) ? restriction.length : Number(req.topk);
  return { field, groups, size: Number(req.group_size) || 1, strict: req.strict_group_size };
}

/** The groups of a request's group_restriction_json, as keys of the group_by field. */
function restrictionKeys(field: FieldSchema, values: unknown): Set<FieldKey> {
  if (!Array.isArray(values)) throw new MilvusError(Code.ParameterInvalid, 'group_restriction_json must be a JSON array');
  return new Set(values.map((v) => fieldKey(field.dataType, v)));
}

/** The segments a SearchSegments, QuerySegments or TermStatistics request covers (the same scope fields in each). */
async function requestedSegments(
  source: SegmentSource,
  req: DataNodeRequest<'SearchSegments'> | DataNodeRequest<'QuerySegments'> | DataNodeRequest<'TermStatistics'>,
): Promise<Segment[]> {
  const ids = req.segment_ids.map(Number);
  const covered = req.covered_segment_ids.map(Number);
  const share: WriterShare = !req.include_growing ? 'none' : req.ignore_growing ? 'sealed' : 'all';
  return inPartitions(await source.segments(Number(req.collection_id), ids, share, covered, req.fresh_deletes), req.partition_ids);
}

/**
 * The snapshot a request reads (see ReadSnapshot in the proto): the one it names, or with
 * `pin_snapshot` the writable node's newest applied write, taken before its segments are
 * listed so that every row they hold up to it is seen. Undefined: no snapshot.
 */
function readSnapshot(
  source: SegmentSource,
  req: DataNodeRequest<'SearchSegments'> | DataNodeRequest<'QuerySegments'>,
): number | undefined {
  if (req.pin_snapshot && source.appliedLsn) return source.appliedLsn();
  return req.snapshot ? Number(req.snapshot.as_of) : undefined;
}

/** The BM25 output field a request names. */
function bm25Field(schema: CollectionSchema, name: string): FieldSchema {
  const field = schema.fields.find((f) => f.name === name);
  if (!field?.isFunctionOutput) throw new MilvusError(Code.FieldNotFound, `field not found[field=${name}]: no BM25 output of that name`);
  return field;
}

/** A method's answer without its status, which is added as the call settles. */
type Answer<M extends DataNodeMethod> = Omit<DataNodeResponse<M>, 'status'>;

/** What a data node records of the requests it serves. */
export interface DataNodeMetrics {
  rpc: RpcMetrics;
  engineSearchSeconds: EngineSearchSeconds;
}

/**
 * grpc-js implementation of mishards.data.DataNode over a segment source. Searches and queries
 * run under `admission` and stop when their call is cancelled or its deadline passes.
 * ReportPlacement goes to `reports` (the writable node's); without, it is unimplemented.
 */
export function dataNodeImplementation(
  source: SegmentSource,
  engine: VectorEngine,
  meter: ResourceMeter,
  log: Logger,
  admission: Admission,
  metrics?: DataNodeMetrics,
  reports?: PlacementReports,
): DataNodeHandlers {
  const unary = <M extends DataNodeMethod>(
    name: M,
    fn: (req: DataNodeRequest<M>, signal: AbortSignal) => Promise<Answer<M>>,
  ): grpc.handleUnaryCall<DataNodeRequest<M>, DataNodeResponse<M>> => {
    const spanName = `data_node.${name}`;
    const method = metrics?.rpc.method('DataNode', name);
    return (call, cb) => {
      const startedAt = performance.now();
      // A span per request, child of the coordinator's `search_<target>` span when it is traced.
      const { span } = childSpan(tracer, spanName, contextFromMetadata(call.metadata));
      const { signal, done } = callSignal(call);
      fn(call.request, signal).then(
        (res) => {
          done();
          span.end();
          method?.done(startedAt, 0);
          // The answer is this call's own object: the status is added in place, not by a copy.
          (res as DataNodeResponse<M>).status = ok;
          cb(null, res as DataNodeResponse<M>);
        },
        (e) => {
          done();
          span.end();
          if (!(e instanceof MilvusError)) log.error({ err: e, method: name }, 'internal request failed');
          const status = statusOf(e);
          method?.done(startedAt, status.code);
          cb(null, { status });
        },
      );
    };
  };
  /** Phase two of a BM25 search (docs/full-text.md): the queries come weighted, with the parameters to score with. */
  const searchText = async (
    schema: CollectionSchema,
    req: DataNodeRequest<'SearchSegments'>,
    signal: AbortSignal,
  ): Promise<Answer<'SearchSegments'>> => {
    const field = bm25Field(schema, req.anns_field);
    const segments = await requestedSegments(source, req);
    // The output field is sparse: its queries decode as a sparse set.
    const { queries, nq } = decodeQueryVectors(req.placeholder_group, field) as { queries: SparseVectors; nq: number };
    const filter = compile(schema, req);
    const plan: Bm25Plan = {
      field: field.name,
      queries,
      nq,
      k: Number(req.topk),
      params: nodeBm25Params(req.params_json),
      range: nodeSearchParams(req.params_json).range,
      filter,
      expireBefore: req.expire_before_ms,
      signal,
    };
    const order = parseSearchOrderBy(schema, req.order_by_fields).map((key) => key.field);
    const answerRowBytes = resultRowBytes(resolveOutputFields(schema, req.output_fields, true), true);
    const cost = searchCost(segments, { nq, k: plan.k, rowWork: rowWork(field), metric: 'BM25', params: {}, filter, answerRowBytes });
    return admission.run(cost, signal, async () => {
      const perQuery = await searchBm25(segments, plan);
      return { partial: encodePartial(schema, req.output_fields, perQuery, { order }), snapshot_ts: '0' };
    });
  };
  return {
    LoadSegments: unary('LoadSegments', async (req) => {
      const r = await source.load(Number(req.collection_id), req.segment_ids.map(Number));
      return { loaded: r.loaded.map(String), errors: r.errors };
    }),
    ReleaseSegments: unary('ReleaseSegments', async (req) => {
      await source.release(Number(req.collection_id), req.segment_ids.map(Number));
      return {};
    }),
    ListSegments: unary('ListSegments', async () => ({
      segments: source.list().map((s) => ({
        collection_id: String(s.collection),
        segment_id: String(s.segment.id),
        partition_id: String(s.segment.partitionId),
        rows: String(s.segment.length),
        live_rows: String(s.segment.liveRows),
        index_type: s.indexType,
        growing: s.growing,
      })),
      result_memory_limit_bytes: String(admission.refusesAbove),
    })),
    SearchSegments: unary('SearchSegments', async (req, signal) => {
      const schema = await source.schema(Number(req.collection_id), Number(req.schema_version));
      if (req.anns_field) return searchText(schema, req, signal);
      const vector = vectorField(schema);
      const asOf = readSnapshot(source, req);
      const segments = await requestedSegments(source, req);
      const { queries, nq } = decodeQueryVectors(req.placeholder_group, vector);
      const topk = Number(req.topk);
      const params = nodeSearchParams(req.params_json);
      const restriction = req.group_restriction_json ? JSON.parse(req.group_restriction_json) : undefined;
      const grouping = requestGrouping(schema, req, restriction);
      let filter = compile(schema, req);
      if (grouping && restriction) filter = restrictToGroups(filter, grouping.field, restrictionKeys(grouping.field, restriction));
      const plan: SearchPlan = {
        queries,
        nq,
        // A grouping search's cost is that of its first round (search/deepening.ts).
        k: grouping ? grouping.groups * grouping.size : topk,
        metric: req.metric_type as MetricType,
        params: params.engine,
        filter,
        expireBefore: req.expire_before_ms,
        signal,
        range: params.range,
        grouping,
        ...(asOf !== undefined ? { asOf } : {}),
      };
      const page = req.iterator_page && iteratorPagePlan(req.iterator_page, topk, primaryField(schema).dataType === DataType.Int64);
      const order = parseSearchOrderBy(schema, req.order_by_fields).map((key) => key.field);
      const answerRowBytes = resultRowBytes(resolveOutputFields(schema, req.output_fields, true), true);
      // An iterator page searches the rows returned before it too (see searchIteratorPage).
      const k = page ? page.returned + page.batch : plan.k;
      return admission.run(searchCost(segments, { ...plan, k, rowWork: rowWork(vector), answerRowBytes }), signal, async () => {
        const { perQuery, engineSeconds } = page
          ? await searchIteratorPage(segments, plan, page, engine).then((r) => ({ perQuery: [r.hits], engineSeconds: r.engineSeconds }))
          : await searchSegments(segments, plan, engine);
        metrics?.engineSearchSeconds.observe(engineSeconds);
        return {
          partial: encodePartial(schema, req.output_fields, perQuery, { group: grouping?.field, order }),
          snapshot_ts: String(asOf ?? 0),
        };
      });
    }),
    QuerySegments: unary('QuerySegments', async (req, signal) => {
      const schema = await source.schema(Number(req.collection_id), Number(req.schema_version));
      const asOf = readSnapshot(source, req);
      const segments = await requestedSegments(source, req);
      const filter = compile(schema, req);
      const order = parseQueryOrderBy(schema, req.order_by_fields);
      const answer = {
        rowBytes: req.count_only ? 0 : resultRowBytes(resolveOutputFields(schema, req.output_fields, true), false),
        maxRows: Number(req.limit) > 0 ? Number(req.limit) : Number.MAX_SAFE_INTEGER,
      };
      return admission.run(queryCost(segments, filter, answer), signal, async () => {
        const rows = await queryRowsInTurns(segments, { filter, expireBefore: req.expire_before_ms, asOf }, signal);
        const snapshot_ts = String(asOf ?? 0);
        if (req.count_only) return { count: String(rows.length), snapshot_ts };
        const sorted = sortRows(rows, order);
        const limit = Number(req.limit);
        const page = limit > 0 ? sorted.slice(0, limit) : sorted;
        const keys = { order: order.map((key) => key.field) };
        return { partial: encodePartial(schema, req.output_fields, [page], keys), count: String(rows.length), snapshot_ts };
      });
    }),
    TermStatistics: unary('TermStatistics', async (req, signal) => {
      const schema = await source.schema(Number(req.collection_id), Number(req.schema_version));
      const field = bm25Field(schema, req.field_name);
      const segments = await requestedSegments(source, req);
      const rows = segments.reduce((n, seg) => n + seg.length, 0);
      // A pass over the rows at most (their lengths, where a segment has deletes); the answer is a count per term.
      return admission.run({ work: rows, bytes: req.terms.length * 16 }, signal, async () => {
        const stats = termStatistics(segments, field.name, req.terms, { expireBefore: req.expire_before_ms });
        return {
          rows: String(stats.rows),
          tokens: stats.tokens,
          doc_frequencies: req.terms.map((t) => String(stats.docFrequency.get(t) ?? 0)),
        };
      });
    }),
    DescribeNode: unary('DescribeNode', async () => {
      const r = await meter.read();
      return {
        cpu_cores: r.cpuCores,
        cpu_usage: r.cpuUsage,
        memory_bytes: String(r.memoryBytes),
        memory_used_bytes: String(r.memoryUsedBytes),
        disk_bytes: String(r.diskBytes),
        disk_used_bytes: String(r.diskUsedBytes),
        started_at: r.startedAt.toISOString(),
        collection_ids: servedCollectionIds(source),
      };
    }),
    ReportPlacement: unary('ReportPlacement', async (req) => {
      if (!reports) throw new MilvusError(Code.ServiceUnimplemented, 'ReportPlacement: only the writable node records placement');
      const placements = req.placements.map((p) => ({
        segmentId: Number(p.segment_id),
        group: p.group,
        anchor: p.anchor === '' ? undefined : p.anchor,
      }));
      return reports(placements, req.released_segment_ids.map(Number));
    }),
  };
}

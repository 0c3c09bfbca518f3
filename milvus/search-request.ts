import { DataType, vectorField, type CollectionSchema } from '../core/schema.js';
import { largerIsBetter, vectorType } from '../core/vector-types.js';
import type { MetricType, VectorSet } from '../engine/engine.js';
import { compileFilter, FilterError, type CompiledFilter } from '../filter/index.js';
import { anyLoaded, loadedPartitionIds } from '../meta/load-state.js';
import type { IndexRecord, PartitionRecord } from '../meta/store.js';
import type { FieldData__Output } from '../proto/generated/milvus/proto/schema/FieldData.js';
import type { TemplateValue__Output } from '../proto/generated/milvus/proto/schema/TemplateValue.js';
import type { MilvusRequest } from './methods.js';
import { boolParam, isGoTrue, keyValueMap } from './key-values.js';
import { prepareBm25Query, termFrequencyQueries, type Bm25Query } from './bm25-request.js';
import { decodeQueryVectors } from './placeholder.js';
import { resolveOutputFields, type OutputSelection } from './results.js';
import {
  checkNq,
  checkQueryResultSize,
  checkQueryWindow,
  checkSearchResultSize,
  maxQueryRows,
  type RequestLimits,
} from './request-limits.js';
import type { FieldOrder } from '../search/field-keys.js';
import type { Grouping } from '../search/grouping.js';
import type { RangeWindow } from '../search/range-window.js';
import { parseQueryOrderBy, parseSearchOrderBy } from './order-by.js';
import { parseSearchParams, type GroupingParams, type ParsedSearchParams } from './search-params.js';
import {
  Code,
  collectionNotLoaded,
  indexNotFound,
  invalidParameter,
  MilvusError,
  partitionNotFound,
  partitionNotLoaded,
} from './status.js';
import { decodeTemplateValues } from './template-values.js';
import { checkTimezone, DEFAULT_TIMEZONE, TIMEZONE_KEY } from '../core/timestamptz.js';
import { timestamptzParameter } from './timestamptz.js';
import { collectionTimezone } from './collection-properties.js';

/**
 * Validation and parsing of Milvus Search and Query requests, shared by every node that
 * answers them (the writable node on its own, the coordinator over the cluster).
 */

/**
 * What search and query read of their requests. grpc-js decodes every field; the REST layer
 * builds requests with just the fields it sets, so each may be absent.
 */
export type SearchFields = Partial<
  Pick<MilvusRequest<'Search'>, 'placeholder_group' | 'search_params' | 'nq' | 'output_fields' | 'dsl' | 'expr_template_values'>
>;
export type QueryFields = Partial<Pick<MilvusRequest<'Query'>, 'query_params' | 'output_fields' | 'expr' | 'expr_template_values'>>;

/** Characters of an expression quoted in an error: a filter may be megabytes long (a list of keys). */
const QUOTED_EXPRESSION_CHARS = 256;

/**
 * The time zone a query or search works in, as Milvus's proxy settles it: its `timezone`
 * parameter (an IANA name, checked), else the collection's. Its filter reads ISO literals
 * without an offset in it, and its Timestamptz output is written in it.
 */
export function requestTimezone(params: Map<string, string>, properties: Record<string, string>): string {
  const tz = params.get(TIMEZONE_KEY);
  if (tz === undefined || tz === '') return collectionTimezone(properties);
  timestamptzParameter(() => checkTimezone(tz));
  return tz;
}

/** Compiles a filter, turning its errors into Milvus invalid-parameter statuses; `timezone` reads ISO literals without an offset. */
export function compileFilterForRequest(
  schema: CollectionSchema,
  expr: string | undefined,
  templateValues: Record<string, unknown> | undefined,
  timezone = DEFAULT_TIMEZONE,
): CompiledFilter {
  try {
    return compileFilter(expr ?? '', schema, { templateValues, timezone });
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    const text = expr ?? '';
    const quoted =
      text.length > QUOTED_EXPRESSION_CHARS ? `${text.slice(0, QUOTED_EXPRESSION_CHARS)}... (${text.length} characters)` : text;
    throw invalidParameter(`cannot parse expression: ${quoted}, error: ${e.message}`);
  }
}

/** Compiles a request's filter with its `expr_template_values`. */
export function compileRequestFilter(
  schema: CollectionSchema,
  expr: string | undefined,
  templates: Record<string, TemplateValue__Output> | undefined,
  timezone: string,
): { filter: CompiledFilter; templateValues: Record<string, unknown> | undefined } {
  const templateValues = decodeTemplateValues(templates);
  return { filter: compileFilterForRequest(schema, expr, templateValues, timezone), templateValues };
}

export interface PreparedSearch {
  params: ParsedSearchParams;
  metric: MetricType;
  /** The query vectors; in a BM25 search, the texts' term frequencies (weighted later: `bm25`). */
  queries: VectorSet;
  /** A search of a BM25 output field by text (metric BM25). */
  bm25?: Bm25Query;
  nq: number;
  filter: CompiledFilter;
  templateValues: Record<string, unknown> | undefined;
  selection: OutputSelection;
  /** A grouping search: `params.offset + params.topk` groups of up to `size` hits. */
  grouping: Grouping | undefined;
  /** The page's order (search order_by_fields); empty: by score. */
  orderBy: FieldOrder[];
  /** The time zone of its filter's ISO literals and its Timestamptz output (requestTimezone). */
  timezone: string;
}

/** Checks a range search's window against the metric, as Milvus's proxy does (checkRangeSearchParams). */
function checkRangeWindow(w: RangeWindow, metric: MetricType): void {
  if (w.rangeFilter === undefined) return;
  const values = `range_filter:${w.rangeFilter.toFixed(6)}, radius:${w.radius.toFixed(6)}`;
  if (!largerIsBetter(metric)) {
    if (w.radius <= w.rangeFilter) throw invalidParameter(`range_filter must be less than radius for L2/HAMMING/JACCARD, ${values}`);
  } else if (w.radius >= w.rangeFilter) {
    throw invalidParameter(`range_filter must be greater than radius for IP/COSINE, ${values}`);
  }
}

/** Types a grouping search may group by (Milvus segcore's group-by operator). */
const GROUPABLE = new Set([DataType.Bool, DataType.Int8, DataType.Int16, DataType.Int32, DataType.Int64, DataType.VarChar]);

/** segcore's names of the scalar types it cannot group by, which its refusal names (vector types name their own). */
const SEGCORE_TYPE_NAMES: Partial<Record<DataType, string>> = {
  [DataType.Float]: 'FLOAT',
  [DataType.Double]: 'DOUBLE',
  [DataType.JSON]: 'JSON',
  [DataType.Array]: 'ARRAY',
  [DataType.Timestamptz]: 'TIMESTAMPTZ',
  [DataType.Geometry]: 'GEOMETRY',
};

/** A grouping search's field resolved against the schema (Milvus's messages and codes). */
function resolveGrouping(schema: CollectionSchema, g: GroupingParams, groups: number): Grouping {
  const field = schema.fields.find((f) => f.name === g.field);
  if (!field) throw new MilvusError(Code.FieldNotFound, `groupBy field not found in schema: field not found[field=${g.field}]`);
  if (!GROUPABLE.has(field.dataType))
    throw invalidParameter(
      `unsupported data type ${SEGCORE_TYPE_NAMES[field.dataType] ?? vectorType(field.dataType)?.segcoreName ?? field.dataType} for group by operator`,
    );
  return { field, groups, size: g.size, strict: g.strict };
}

/**
 * A further check of a search's shape, run with the request limits: `nq` queries with these
 * parameters and the output fields of `selection`. It throws to refuse the request.
 */
export type SearchShapeCheck = (nq: number, params: ParsedSearchParams, selection: OutputSelection) => void;

/**
 * Validates and parses a Search request: its parameters and query vectors within Milvus's
 * limits, and its answer (nq x topk hits with their output fields) within the size limit;
 * `checkShape` adds the caller's own limits to them. `properties` are the collection's.
 */
export function prepareSearch(
  schema: CollectionSchema,
  /** The engine index; none in a collection whose only vectors are BM25 outputs. */
  index: IndexRecord | undefined,
  req: SearchFields,
  limits: RequestLimits,
  properties: Record<string, string>,
  checkShape?: SearchShapeCheck,
): PreparedSearch {
  const vector = vectorField(schema);
  const params = parseSearchParams(req.search_params ?? []);
  const timezone = requestTimezone(keyValueMap(req.search_params), properties);
  // A search that names no field searches the vector field: by text when it is a BM25 output.
  const annsField = params.annsField || vector.name;
  const bm25Field = schema.fields.find((f) => f.name === annsField && f.isFunctionOutput);
  if (annsField !== vector.name && !bm25Field) {
    throw invalidParameter(`failed to get field schema by name: fieldName(${params.annsField}) not found`);
  }
  if (!bm25Field && !index) throw indexNotFound(schema.name);
  const metric = bm25Field ? bm25Metric(params) : ((params.metric ?? index!.metricType) as MetricType);
  if (!bm25Field && metric !== index!.metricType) {
    throw invalidParameter(`metric type not match: invalid parameter[expected=${index!.metricType}][actual=${metric}]`);
  }
  if (params.range) checkRangeWindow(params.range, metric);
  const grouping = params.grouping && resolveGrouping(schema, params.grouping, params.offset + params.topk);
  const orderBy = params.orderBy ? parseSearchOrderBy(schema, params.orderBy) : [];
  // A grouping search answers up to group_size hits per group.
  const hitsPerQuery = params.topk * (grouping?.size ?? 1);
  if (!req.placeholder_group || req.placeholder_group.length === 0)
    throw invalidParameter('search by primary keys is not supported: send query vectors');
  const selection = resolveOutputFields(schema, req.output_fields ?? [], true);
  const checkLimits = (nq: number) => {
    checkNq(nq);
    checkSearchResultSize(nq, hitsPerQuery, selection, limits);
    checkShape?.(nq, params, selection);
  };
  // A request over the limits by the nq it states is refused before its vectors are decoded
  // (10,000 of them take milliseconds): the refusal costs next to nothing.
  if (req.nq) checkLimits(Number(req.nq));
  const bm25 = bm25Field && prepareBm25Query(schema, bm25Field, req.placeholder_group, req.search_params ?? []);
  const { queries, nq } = bm25
    ? { queries: termFrequencyQueries(bm25), nq: bm25.termFrequencies.length }
    : decodeQueryVectors(req.placeholder_group, vector);
  if (!req.nq) checkLimits(nq);
  else if (Number(req.nq) !== nq) throw invalidParameter(`nq (${req.nq}) does not match the number of query vectors (${nq})`);
  const { filter, templateValues } = compileRequestFilter(schema, req.dsl, req.expr_template_values, timezone);
  return { params, metric, queries, nq, filter, templateValues, selection, grouping, orderBy, timezone, ...(bm25 ? { bm25 } : {}) };
}

/**
 * The metric of a search of a BM25 output, as Milvus's delegator requires it; what a BM25
 * search does not offer yet is refused (grouping searches).
 */
function bm25Metric(params: ParsedSearchParams): MetricType {
  if (params.metric && params.metric !== 'BM25')
    throw invalidParameter('must use BM25 metric type when searching against BM25 Function output field');
  if (params.grouping)
    throw new MilvusError(Code.ServiceUnimplemented, 'grouping searches of a BM25 output field are not supported by Mishards yet');
  return 'BM25';
}

export interface PreparedQuery {
  limit: number | undefined;
  /** Applies with a limit only (as in Milvus). */
  offset: number;
  countOnly: boolean;
  filter: CompiledFilter;
  templateValues: Record<string, unknown> | undefined;
  /** Requested output fields as sent (count(*) aside). */
  outputFields: string[];
  /** order_by_fields as sent (empty: primary key order), and as parsed. */
  orderByRaw: string;
  orderBy: FieldOrder[];
  selection: OutputSelection | undefined;
  /**
   * The most rows the answer may hold within the result-size limit: the limit itself, checked
   * up front, when there is one; without a limit, the rows found are checked against it
   * (checkQueryRows).
   */
  maxRows: number;
  /** Leave the rows not sealed yet out of the query (Milvus's `ignore_growing`). */
  ignoreGrowing: boolean;
  /** As in PreparedSearch. */
  timezone: string;
}

function integerParam(name: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n)) throw invalidParameter(`${name} [${raw}] is invalid`);
  return n;
}

/**
 * Validates and parses a Query request: its limit and offset within Milvus's window, its
 * filter and output fields, and, when it has a limit, its answer within the size limit.
 * `properties` are the collection's.
 */
export function prepareQuery(
  schema: CollectionSchema,
  req: QueryFields,
  limits: RequestLimits,
  properties: Record<string, string>,
): PreparedQuery {
  const kv = keyValueMap(req.query_params);
  const limit = kv.has('limit') ? integerParam('limit', kv.get('limit')!) : undefined;
  const offset = limit !== undefined && kv.has('offset') ? integerParam('offset', kv.get('offset')!) : 0;
  if (limit !== undefined) checkQueryWindow(limit, offset);
  const outputFields = (req.output_fields ?? []).map((s) => s.trim());
  const orderByRaw = (kv.get('order_by_fields') ?? '').trim();
  // Milvus checks these before it reads the filter and output fields.
  if (orderByRaw) {
    if (limit === undefined) throw invalidParameter('ORDER BY requires explicit limit');
    if (isGoTrue(kv.get('iterator'))) throw invalidParameter('ORDER BY with iterator is not supported');
  }
  const expr = String(req.expr ?? '');
  const timezone = requestTimezone(kv, properties);
  const { filter, templateValues } = compileRequestFilter(schema, expr, req.expr_template_values, timezone);
  const countOnly = outputFields.some((f) => f.toLowerCase() === 'count(*)');
  if (countOnly && outputFields.length > 1) throw invalidParameter('count entities with other output fields is not supported');
  if (countOnly && orderByRaw) {
    const first = orderByRaw.split(',')[0]!.split(':')[0]!.trim().toLowerCase();
    throw invalidParameter(
      `ORDER BY field '${first}' is not valid: when using GROUP BY or aggregates, ORDER BY can only reference GROUP BY columns. Valid targets are: []`,
    );
  }
  const orderBy = parseQueryOrderBy(schema, orderByRaw);
  if (!countOnly && !expr.trim() && limit === undefined) throw invalidParameter('empty expression should be used with limit');
  const selection = countOnly ? undefined : resolveOutputFields(schema, outputFields, true);
  if (selection && limit !== undefined) checkQueryResultSize(limit, selection, limits, 'limit');
  // count(*) answers one number, whatever it counts.
  const maxRows = selection === undefined ? Number.MAX_SAFE_INTEGER : (limit ?? maxQueryRows(selection, limits));
  return {
    limit,
    offset,
    countOnly,
    filter,
    templateValues,
    outputFields,
    orderByRaw,
    orderBy,
    selection,
    maxRows,
    ignoreGrowing: boolParam(kv, 'ignore_growing', invalidParameter),
    timezone,
  };
}

/**
 * Refuses a query without a limit whose matching rows (`rows`, or a lower bound of them) are
 * more than the size limit allows.
 */
export function checkQueryRows(q: PreparedQuery, rows: number, limits: RequestLimits): void {
  if (q.selection && q.limit === undefined && rows > q.maxRows) checkQueryResultSize(rows, q.selection, limits, 'found');
}

/** The response field of a `count(*)` query (in its decoded shape, which the REST layer reads). */
export function countFieldData(count: number): FieldData__Output {
  return {
    type: 'Int64',
    field_name: 'count(*)',
    field_id: '0',
    is_dynamic: false,
    scalars: { long_data: { data: [String(count)] } },
    valid_data: [],
  };
}

/** The named partitions, in the order named; an unknown name is an error. */
export function namedPartitions<P extends { name: string }>(partitions: Iterable<P>, names: string[]): P[] {
  const byName = new Map([...partitions].map((p) => [p.name, p] as const));
  return names.map((n) => {
    const p = byName.get(n);
    if (!p) throw partitionNotFound(n);
    return p;
  });
}

/** The ids of the named partitions (undefined: no restriction); an unknown name is an error. */
export function partitionScope(partitions: Iterable<{ name: string; id: number }>, names: string[] | undefined): Set<number> | undefined {
  if (!names?.length) return undefined;
  return new Set(namedPartitions(partitions, names).map((p) => p.id));
}

/**
 * The partitions a search or query covers. As in Milvus, only loaded data is searched: the
 * named partitions, each of which must exist and be loaded, or every loaded partition when
 * none is named. A collection without a loaded partition is not loaded.
 */
export function searchScope(collection: string, partitions: Iterable<PartitionRecord>, names: string[] | undefined): Set<number> {
  const all = [...partitions];
  if (!anyLoaded(all)) throw collectionNotLoaded(collection);
  if (!names?.length) return loadedPartitionIds(all);
  return new Set(loadedNamedPartitions(all, names).map((p) => p.id));
}

/** The named partitions, each of which must exist and be loaded. */
export function loadedNamedPartitions(partitions: Iterable<PartitionRecord>, names: string[]): PartitionRecord[] {
  return namedPartitions(partitions, names).map((p) => {
    if (!p.loaded) throw partitionNotLoaded(p.name);
    return p;
  });
}

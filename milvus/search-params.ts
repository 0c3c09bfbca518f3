import { isMetricType } from '../core/vector-types.js';
import type { MetricType, SearchParams } from '../engine/engine.js';
import type { RangeWindow } from '../search/range-window.js';
import { searchParam } from './index-params.js';
import { boolParam, isGoTrue, keyValueMap } from './key-values.js';
import { checkTopk } from './request-limits.js';
import { invalidParameter, metricNotSupported } from './status.js';

/** Whether Mishards searches and indexes with the metric (upper-case, as Milvus names it). */
export const isSupportedMetric = (metric: string): metric is MetricType => isMetricType(metric);

export interface ParsedSearchParams {
  annsField: string | undefined;
  topk: number;
  offset: number;
  /** The metric the client asked for, if any (empty means the index's). */
  metric: MetricType | undefined;
  engine: SearchParams;
  roundDecimal: number;
  /** Leave the rows not sealed yet out of the search (Milvus's `ignore_growing`). */
  ignoreGrowing: boolean;
  /** A range search (`radius` set), not yet checked against the metric (checkRangeWindow). */
  range: RangeWindow | undefined;
  /** A grouping search (`group_by_field` set), its field not yet resolved against the schema. */
  grouping: GroupingParams | undefined;
  /** `order_by_fields` as sent, e.g. `price:asc,rating:desc` (empty: none); see milvus/order-by.ts. */
  orderBy: string;
}

export interface GroupingParams {
  field: string;
  size: number;
  strict: boolean;
}

/** Most hits per group (Milvus `quotaAndLimits.limits.maxGroupSize`). */
export const MAX_GROUP_SIZE = 10;

function intParam(name: string, raw: unknown): number {
  const n = Number(raw);
  if (raw === '' || !Number.isInteger(n)) throw invalidParameter(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** The `params` JSON of a search (or of a sub-request), an object. */
export function paramsObject(raw: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  let nested: unknown;
  try {
    nested = JSON.parse(raw);
  } catch {
    throw invalidParameter(`search params is not valid JSON: ${raw}`);
  }
  if (typeof nested !== 'object' || nested === null || Array.isArray(nested)) throw invalidParameter('search params must be a JSON object');
  return nested as Record<string, unknown>;
}

/**
 * The index's search parameters, from the `params` JSON or pairs of their own: `ef` (HNSW; DISKANN's
 * `search_list_size` is its beam too, and sets it when `ef` is absent), `nprobe` (IVF) and
 * `drop_ratio_search` (sparse lists).
 */
function engineParams(nested: Record<string, unknown>, kv: Map<string, string>): SearchParams {
  const engine: SearchParams = {};
  const read = (name: string) => nested[name] ?? kv.get(name);
  const ef = read('ef') ?? read('search_list_size');
  if (ef !== undefined && ef !== '') {
    const n = intParam('ef', ef);
    if (n < 1 || n > 32768) throw invalidParameter(`ef [${n}] is invalid, it should be in range [1, 32768]`);
    engine.ef = n;
  }
  const nprobe = searchParam('IVF', 'nprobe', read('nprobe'));
  if (nprobe !== undefined) engine.nprobe = nprobe;
  const dropRatioSearch = searchParam('SPARSE', 'drop_ratio_search', read('drop_ratio_search'));
  if (dropRatioSearch !== undefined) engine.dropRatioSearch = dropRatioSearch;
  return engine;
}

/** The index's search parameters under Milvus's names, as a sub-request's `params_json` carries them to the data nodes. */
export function milvusEngineParams(engine: SearchParams): Record<string, number> {
  const out: Record<string, number> = {};
  if (engine.ef !== undefined) out.ef = engine.ef;
  if (engine.nprobe !== undefined) out.nprobe = engine.nprobe;
  if (engine.dropRatioSearch !== undefined) out.drop_ratio_search = engine.dropRatioSearch;
  return out;
}

/**
 * What a data node reads of a sub-request's `params_json` (the coordinator checked the
 * client's request): the index's parameters and a range search's window.
 */
export function nodeSearchParams(paramsJson: string): { engine: SearchParams; range: RangeWindow | undefined } {
  const nested = paramsObject(paramsJson);
  const none = new Map<string, string>();
  return { engine: engineParams(nested, none), range: rangeWindow(nested, none) };
}

/**
 * Reads Milvus search parameters: the string pairs `anns_field`, `topk`, `offset`,
 * `metric_type`, `round_decimal` and `params` (JSON, e.g. `{"ef": 64}`). Clients also spread
 * index parameters such as `ef` as top-level pairs.
 */
export function parseSearchParams(pairs: { key: string; value: string }[]): ParsedSearchParams {
  const kv = keyValueMap(pairs);
  if (!kv.has('topk') && !kv.has('limit')) throw invalidParameter('topk (limit) is not set in the search parameters');
  const topk = intParam('topk', kv.get('topk') ?? kv.get('limit'));
  const offset = kv.has('offset') && kv.get('offset') !== '' ? intParam('offset', kv.get('offset')) : 0;
  checkTopk(topk, offset);
  const rawParams = kv.get('params');
  const nested = paramsObject(rawParams);
  const metricRaw = (kv.get('metric_type') || (nested.metric_type as string | undefined) || '').toUpperCase();
  if (metricRaw && !isSupportedMetric(metricRaw)) throw metricNotSupported(metricRaw);
  const engine = engineParams(nested, kv);
  if (engine.ef !== undefined && engine.ef < topk) throw invalidParameter(`ef(${engine.ef}) should be larger than k(${topk})`);
  const rd = kv.get('round_decimal');
  const roundDecimal = rd === undefined || rd === '' ? -1 : Number(rd);
  if (!Number.isInteger(roundDecimal) || roundDecimal < -1 || roundDecimal > 6)
    throw invalidParameter(`round_decimal [${rd}] is invalid, should be -1 or an integer in range [0, 6]`);
  const grouping = groupingParams(kv);
  const range = rangeWindow(nested, kv);
  // Milvus: a radius among the search params makes a range search, refused with grouping.
  if (grouping && (range || (rawParams ?? '').includes('radius')))
    throw invalidParameter('Not allowed to do range-search when doing search-group-by');
  const orderBy = (kv.get('order_by_fields') ?? '').trim();
  if (isGoTrue(kv.get('iterator'))) {
    if (grouping) throw invalidParameter('Not allowed to do groupBy when doing iteration');
    if (orderBy) throw invalidParameter('order_by is not supported when using search iterator');
  }
  return {
    annsField: kv.get('anns_field') || undefined,
    topk,
    offset,
    metric: (metricRaw || undefined) as MetricType | undefined,
    engine,
    roundDecimal,
    ignoreGrowing: boolParam(kv, 'ignore_growing', invalidParameter),
    range,
    grouping,
    orderBy,
  };
}

/**
 * `radius` and `range_filter`, read as Milvus's proxy reads them (checkRangeSearchParams) from
 * the `params` JSON, where they must be JSON numbers; a pair outside it (the SDK spreads
 * `params` into the pairs) is read when the JSON has none. A range filter without a radius
 * makes no range search, as in Milvus.
 */
function rangeWindow(nested: Record<string, unknown>, kv: Map<string, string>): RangeWindow | undefined {
  const read = (name: string): number | undefined => {
    const raw = name in nested ? nested[name] : kv.get(name);
    if (raw === undefined || raw === '') return undefined;
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (!Number.isFinite(n)) throw invalidParameter(`must pass numpy type for ${name}`);
    return n;
  };
  const radius = read('radius');
  if (radius === undefined) return undefined;
  return { radius, rangeFilter: read('range_filter') };
}

/**
 * `group_by_field`, `group_size` (default 1, at most MAX_GROUP_SIZE) and
 * `strict_group_size` (a Go bool; anything else is false), as Milvus's proxy parses them
 * (parseGroupByInfo, same messages). The sizes are read, as there, even without a field.
 */
function groupingParams(kv: Map<string, string>): GroupingParams | undefined {
  const sizeRaw = kv.get('group_size');
  let size = 1;
  if (sizeRaw !== undefined) {
    size = Number(sizeRaw);
    if (sizeRaw.trim() === '' || !Number.isInteger(size)) throw invalidParameter(`failed to parse input group size:${sizeRaw}`);
    if (size <= 0) throw invalidParameter(`input group size:${size} is negative, failed to do search_groupby`);
  }
  if (size > MAX_GROUP_SIZE) throw invalidParameter(`input group size:${size} exceeds configured max group size:${MAX_GROUP_SIZE}`);
  const field = kv.get('group_by_field') ?? '';
  return field ? { field, size, strict: isGoTrue(kv.get('strict_group_size')) } : undefined;
}

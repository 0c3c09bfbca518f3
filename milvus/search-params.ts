import type { MetricType, SearchParams } from '../engine/engine.js';
import { boolParam, keyValueMap } from './key-values.js';
import { checkTopk } from './request-limits.js';
import { invalidParameter, metricNotSupported } from './status.js';

const METRICS = new Set<string>(['L2', 'IP', 'COSINE'] satisfies MetricType[]);

/** Whether Mishards searches and indexes with the metric (upper-case, as Milvus names it). */
export const isSupportedMetric = (metric: string): metric is MetricType => METRICS.has(metric);

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
}

function intParam(name: string, raw: unknown): number {
  const n = Number(raw);
  if (raw === '' || !Number.isInteger(n)) throw invalidParameter(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return n;
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
  let nested: Record<string, unknown> = {};
  const rawParams = kv.get('params');
  if (rawParams) {
    try {
      nested = JSON.parse(rawParams);
    } catch {
      throw invalidParameter(`search params is not valid JSON: ${rawParams}`);
    }
    if (typeof nested !== 'object' || nested === null || Array.isArray(nested))
      throw invalidParameter('search params must be a JSON object');
  }
  for (const unsupported of ['radius', 'range_filter', 'group_by_field']) {
    if ((kv.get(unsupported) ?? '') !== '' || nested[unsupported] !== undefined) {
      throw invalidParameter(
        `${unsupported === 'group_by_field' ? 'grouping search' : 'range search'} (${unsupported}) is not supported by Mishards`,
      );
    }
  }
  const metricRaw = (kv.get('metric_type') || (nested.metric_type as string | undefined) || '').toUpperCase();
  if (metricRaw && !isSupportedMetric(metricRaw)) throw metricNotSupported(metricRaw);
  const engine: SearchParams = {};
  const ef = nested.ef ?? kv.get('ef');
  if (ef !== undefined && ef !== '') {
    const n = intParam('ef', ef);
    if (n < 1 || n > 32768) throw invalidParameter(`ef [${n}] is invalid, it should be in range [1, 32768]`);
    if (n < topk) throw invalidParameter(`ef(${n}) should be larger than k(${topk})`);
    engine.ef = n;
  }
  const rd = kv.get('round_decimal');
  const roundDecimal = rd === undefined || rd === '' ? -1 : Number(rd);
  if (!Number.isInteger(roundDecimal) || roundDecimal < -1 || roundDecimal > 6)
    throw invalidParameter(`round_decimal [${rd}] is invalid, should be -1 or an integer in range [0, 6]`);
  return {
    annsField: kv.get('anns_field') || undefined,
    topk,
    offset,
    metric: (metricRaw || undefined) as MetricType | undefined,
    engine,
    roundDecimal,
    ignoreGrowing: boolParam(kv, 'ignore_growing', invalidParameter),
  };
}

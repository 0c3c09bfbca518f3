import { largerIsBetter } from '../core/vector-types.js';
import type { CollectionSchema } from '../core/schema.js';
import type { MetricType } from '../engine/engine.js';
import type { IndexRecord } from '../meta/store.js';
import type { Ranker } from '../search/hybrid-rank.js';
import type { MilvusRequest } from './methods.js';
import type { OutputSelection } from './results.js';
import { prepareSearch, type PreparedSearch, type SearchFields, type SearchShapeCheck } from './search-request.js';
import { checkQueryWindow, checkSearchResultSize, type RequestLimits } from './request-limits.js';
import { invalidParameter, MilvusError } from './status.js';

/**
 * Validation and parsing of a Milvus HybridSearchRequest: its `requests` (each a
 * SearchRequest, prepared as Search prepares one), the ranker and paging of `rank_params`
 * (`strategy`, `params` as JSON, `limit`, `offset`, `round_decimal`), and the request-level
 * `output_fields`. Shared by the writable node and the coordinator.
 *
 * Each sub-search returns its own `topk` best hits; a sub-request's `offset` is not applied
 * (the SDK copies the top-level offset into every sub-request): paging applies to the fused
 * list, with the `limit` and `offset` of `rank_params`. A sub-search may be a range search;
 * grouping and order_by, in a sub-search or in rank_params, are refused.
 */

/** Milvus caps the number of sub-searches of one hybrid search. */
export const MAX_SUB_SEARCHES = 1024;
const DEFAULT_RRF_K = 60;

export interface PreparedHybridSearch {
  /** One prepared search per sub-request, in request order. */
  subs: PreparedSearch[];
  ranker: Ranker;
  limit: number;
  offset: number;
  roundDecimal: number;
  nq: number;
  /** Each sub-search's metric, in request order. */
  metrics: MetricType[];
  selection: OutputSelection;
  /** The time zone of the fused answer's Timestamptz output: the first sub-search's. */
  timezone: string;
}

/** What hybrid search reads of its request (see SearchFields); sub-searches take the request's output fields. */
export type HybridSearchFields = Partial<Pick<MilvusRequest<'HybridSearch'>, 'rank_params' | 'output_fields'>> & {
  requests?: Omit<SearchFields, 'output_fields'>[];
};

/** An integer of rank_params, in [lo, hi] when a range is given. */
function intParam(name: string, raw: string, range?: [lo: number, hi: number]): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n)) throw invalidParameter(`rank_params ${name} [${raw}] is invalid`);
  if (range && (n < range[0] || n > range[1]))
    throw invalidParameter(`rank_params ${name} [${raw}] is invalid, it should be an integer in range [${range[0]}, ${range[1]}]`);
  return n;
}

export function parseRanker(strategyRaw: string | undefined, paramsRaw: string | undefined, subSearches: number): Ranker {
  const strategy = (strategyRaw ?? '').trim().toLowerCase() || 'rrf';
  let params: Record<string, unknown> = {};
  if (paramsRaw !== undefined && paramsRaw.trim() !== '') {
    try {
      params = JSON.parse(paramsRaw);
    } catch {
      throw invalidParameter(`rank_params params is not valid JSON: ${paramsRaw}`);
    }
    if (typeof params !== 'object' || params === null || Array.isArray(params))
      throw invalidParameter('rank_params params must be a JSON object');
  }
  if (strategy === 'rrf') {
    const k = params.k === undefined ? DEFAULT_RRF_K : Number(params.k);
    if (typeof params.k === 'boolean' || !Number.isFinite(k) || k <= 0 || k >= 16384)
      throw invalidParameter(`the k of the rrf ranker must be a number in range (0, 16384), got ${JSON.stringify(params.k)}`);
    return { strategy: 'rrf', k };
  }
  if (strategy === 'weighted') {
    const weights = params.weights;
    if (!Array.isArray(weights) || !weights.every((w) => typeof w === 'number' && Number.isFinite(w))) {
      throw invalidParameter('the weighted ranker needs params.weights, an array of numbers');
    }
    if (weights.length !== subSearches)
      throw invalidParameter(
        `the weighted ranker has ${weights.length} weights for ${subSearches} search requests: give one weight per request`,
      );
    if (weights.some((w) => w < 0 || w > 1))
      throw invalidParameter(`the weights of the weighted ranker must be in range [0, 1], got ${JSON.stringify(weights)}`);
    const norm = params.norm_score;
    if (norm !== undefined && typeof norm !== 'boolean')
      throw invalidParameter(`norm_score of the weighted ranker must be a boolean, got ${JSON.stringify(norm)}`);
    return { strategy: 'weighted', weights: weights as number[], normScore: norm ?? true };
  }
  throw invalidParameter(`unknown rank strategy ${JSON.stringify(strategyRaw)}: use rrf or weighted`);
}

/**
 * Validates and parses a HybridSearch request: each sub-search as a Search (`checkShape` too),
 * the ranker, and the fused page within Milvus's window and the result-size limit.
 */
export function prepareHybridSearch(
  schema: CollectionSchema,
  index: IndexRecord | undefined,
  req: HybridSearchFields,
  limits: RequestLimits,
  properties: Record<string, string>,
  checkShape?: SearchShapeCheck,
): PreparedHybridSearch {
  const requests = req.requests ?? [];
  if (requests.length === 0) throw invalidParameter('hybrid search needs at least one search request in requests');
  if (requests.length > MAX_SUB_SEARCHES)
    throw invalidParameter(`hybrid search takes at most ${MAX_SUB_SEARCHES} search requests, got ${requests.length}`);
  const outputFields = req.output_fields ?? [];
  const subs = requests.map((sub, i) => {
    try {
      return prepareSearch(schema, index, { ...sub, output_fields: outputFields }, limits, properties, checkShape);
    } catch (e) {
      if (e instanceof MilvusError) throw new MilvusError(e.code, `requests[${i}]: ${e.message}`, e.retriable);
      throw e;
    }
  });
  const kv = new Map((req.rank_params ?? []).map((p) => [p.key, String(p.value)] as const));
  for (const name of ['group_by_field', 'order_by_fields']) {
    if (kv.get(name) || subs.some((p) => (name === 'group_by_field' ? p.grouping : p.orderBy.length)))
      throw invalidParameter(`${name} in a hybrid search is not supported by Mishards: use it in a Search`);
  }
  const nq = subs[0]!.nq;
  const odd = subs.findIndex((s) => s.nq !== nq);
  if (odd >= 0)
    throw invalidParameter(
      `every search request of a hybrid search must have the same nq: requests[0] has ${nq}, requests[${odd}] has ${subs[odd]!.nq}`,
    );
  const ranker = parseRanker(kv.get('strategy'), kv.get('params'), subs.length);
  const metrics = subs.map((s) => s.metric);
  const distance = metrics.find((m) => !largerIsBetter(m));
  if (ranker.strategy === 'weighted' && !ranker.normScore && distance) {
    throw invalidParameter(
      `norm_score false is not supported with the ${distance} metric by Mishards: distances cannot be summed with similarities; use norm_score true`,
    );
  }
  if (!kv.has('limit')) throw invalidParameter('limit is not set in rank_params');
  const limit = intParam('limit', kv.get('limit')!);
  const offset = kv.has('offset') && kv.get('offset') !== '' ? intParam('offset', kv.get('offset')!) : 0;
  checkQueryWindow(limit, offset);
  checkSearchResultSize(nq, limit, subs[0]!.selection, limits);
  const roundDecimal =
    kv.has('round_decimal') && kv.get('round_decimal') !== '' ? intParam('round_decimal', kv.get('round_decimal')!, [-1, 6]) : -1;
  return { subs, ranker, limit, offset, roundDecimal, nq, metrics, selection: subs[0]!.selection, timezone: subs[0]!.timezone };
}

import type { FieldSchema, CollectionSchema } from '../core/schema.js';
import type { SparseVectors } from '../engine/vectors.js';
import type { PlaceholderGroup__Output } from '../proto/generated/milvus/proto/common/PlaceholderGroup.js';
import { analyzerFor } from '../text/analyzer.js';
import { averageLength, DEFAULT_B, DEFAULT_K1, queryWeights, termFrequencies, type Bm25Params, type TermStatistics } from '../text/bm25.js';
import { searchBm25, termStatistics, type TextScope } from '../search/bm25-search.js';
import type { Hit } from '../search/hits.js';
import type { RangeWindow } from '../search/range-window.js';
import type { Segment } from '../segment/segment.js';
import { keyValueMap } from './key-values.js';
import { PlaceholderGroupMessage } from './proto.js';
import { paramsObject } from './search-params.js';
import { invalidParameter } from './status.js';

/**
 * A search of a BM25 output field by text (docs/full-text.md): the query texts analyzed as
 * the input field's text is, into term frequencies; the IDF weights and the average length
 * come later, from the statistics of the rows searched (the coordinator's first phase).
 */
export interface Bm25Query {
  /** The BM25 output field searched. */
  field: FieldSchema;
  k1: number;
  b: number;
  /** Each query text's term frequencies, by term hash. */
  termFrequencies: Map<number, number>[];
}

/** The texts of a search's VarChar placeholder (the SDK sends text for a function output field). */
function decodeQueryTexts(bytes: Uint8Array, field: string): string[] {
  let group: PlaceholderGroup__Output;
  try {
    group = PlaceholderGroupMessage.decode(bytes);
  } catch (e) {
    throw invalidParameter(`placeholder group is not valid: ${(e as Error).message}`);
  }
  const ph = group.placeholders?.[0];
  if (!ph) throw invalidParameter('search request carries no query texts');
  if (String(ph.type) !== 'VarChar')
    throw invalidParameter(`search of the BM25 output field ${field} takes text (a VarChar placeholder), got ${String(ph.type)}`);
  return ph.values.map((v) => Buffer.from(v).toString('utf8'));
}

/** A BM25 parameter in [lo, hi] from the search's `params` JSON or its pairs; the default when absent. */
function rangeParam(name: string, raw: unknown, fallback: number, hi: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(n) || n < 0 || n > hi)
    throw invalidParameter(`param '${name}' (${String(raw)}) should be in range [0.000000, ${hi.toFixed(6)}]`);
  return n;
}

/** The BM25 query of a search of `field`, a BM25 output: its texts and its k1 and b (knowhere's ranges, Milvus's defaults). */
export function prepareBm25Query(
  schema: CollectionSchema,
  field: FieldSchema,
  placeholder: Uint8Array,
  searchParams: { key: string; value: string }[],
): Bm25Query {
  const fn = schema.functions!.find((f) => f.outputField === field.name)!;
  const input = schema.fields.find((f) => f.name === fn.inputField)!;
  const analyzer = analyzerFor(input.analyzerParams);
  const kv = keyValueMap(searchParams);
  const nested = paramsObject(kv.get('params'));
  return {
    field,
    k1: rangeParam('bm25_k1', nested.bm25_k1 ?? kv.get('bm25_k1'), DEFAULT_K1, 3),
    b: rangeParam('bm25_b', nested.bm25_b ?? kv.get('bm25_b'), DEFAULT_B, 1),
    termFrequencies: decodeQueryTexts(placeholder, field.name).map((text) => termFrequencies(analyzer.terms(text))),
  };
}

/** Every term of the queries, once: what the statistics are gathered for. */
export const queryTerms = (q: Bm25Query): number[] => [...new Set(q.termFrequencies.flatMap((tf) => [...tf.keys()]))];

/** The queries as a sparse set whose weights are `weigh`'s of each query's term frequencies, terms ascending. */
function sparseQueries(q: Bm25Query, weigh: (tf: Map<number, number>) => Map<number, number>): SparseVectors {
  const rows = q.termFrequencies.map((tf) => [...weigh(tf)].sort((a, b) => a[0] - b[0]));
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => {
    offsets[i + 1] = offsets[i]! + r.length;
  });
  const ids = new Uint32Array(offsets[rows.length]!);
  const weights = new Float32Array(ids.length);
  rows.forEach((r, i) => {
    r.forEach(([term, w], j) => {
      ids[offsets[i]! + j] = term;
      weights[offsets[i]! + j] = w;
    });
  });
  return { element: 'sparse', offsets, ids, weights };
}

/** The queries' raw term frequencies as a sparse set (before any statistics). */
export const termFrequencyQueries = (q: Bm25Query): SparseVectors => sparseQueries(q, (tf) => tf);

/** Phase two's queries and parameters, from the statistics of every row the search covers. */
export function weightedSearch(q: Bm25Query, stats: TermStatistics): { queries: SparseVectors; params: Bm25Params } {
  return {
    queries: sparseQueries(q, (tf) => queryWeights(tf, stats)),
    params: { k1: q.k1, b: q.b, avgdl: averageLength(stats) },
  };
}

/** The parameters as a data node's sub-request carries them (its params_json), with a range search's window. */
export const bm25ParamsJson = (p: Bm25Params, range?: RangeWindow): string =>
  JSON.stringify({
    bm25_k1: p.k1,
    bm25_b: p.b,
    bm25_avgdl: p.avgdl,
    ...(range ? { radius: range.radius, ...(range.rangeFilter === undefined ? {} : { range_filter: range.rangeFilter }) } : {}),
  });

/** The parameters of a sub-request's params_json (the coordinator computed them). */
export function nodeBm25Params(paramsJson: string): Bm25Params {
  const p = paramsObject(paramsJson);
  const num = (name: string) => {
    const v = p[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidParameter(`BM25 sub-request without a numeric ${name}`);
    return v;
  };
  return { k1: num('bm25_k1'), b: num('bm25_b'), avgdl: num('bm25_avgdl') };
}

/**
 * A BM25 search answered by one node over rows it holds all of (the writable node on its
 * own): the statistics of `statSegments` (the search's partitions, whatever its filter), then
 * the scores over `segments` (those its filter leaves).
 */
export function searchBm25Locally(
  statSegments: Segment[],
  segments: Segment[],
  q: Bm25Query,
  k: number,
  scope: TextScope & { signal?: AbortSignal; range?: RangeWindow },
): Promise<Hit[][]> {
  const stats = termStatistics(statSegments, q.field.name, queryTerms(q), scope);
  const { queries, params } = weightedSearch(q, stats);
  return searchBm25(segments, { ...scope, field: q.field.name, queries, nq: q.termFrequencies.length, k, params });
}

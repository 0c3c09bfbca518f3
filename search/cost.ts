/**
 * What a search or query is expected to cost a data node, estimated before it runs from the
 * segments it covers and its shape: the CPU it takes and the memory its results hold. A data
 * node admits requests by this estimate (runtime/admission.ts, docs/limits.md).
 */
import type { CompiledFilter } from '../filter/index.js';
import type { MetricType, SearchParams } from '../engine/engine.js';
import type { Segment } from '../segment/segment.js';

export interface RequestCost {
  /** Multiply-adds of the vector search (a query's rows visited count as QUERY_ROW_WORK each). */
  work: number;
  /** Bytes of results held at the peak: per-segment hit lists, merged hits, the encoded answer. */
  bytes: number;
}

/** A hit in one segment's answer: its row offset (Int32) and score (Float32). */
const SEGMENT_HIT_BYTES = 8;

/**
 * A hit of the merged answer, from the merge to the reply, in resident memory, besides its
 * output fields: its Hit object, its share of the per-query arrays and views, its key, score
 * and stamp encoded, the reply message, and the heap the collector has not returned yet.
 * `npm run bench:overload` measured 250-300 bytes of RSS growth per merged hit with keys only
 * (nq 10,000 x limit 20); see docs/limits.md.
 */
export const MERGED_HIT_BYTES = 320;

/**
 * Copies of a hit's output fields held at once: read into the encoded answer, the reply
 * message, its gRPC frames. With a 32-d vector among them (148 bytes a hit as the result-size
 * limit counts it) the bench measured 550-800 bytes per merged hit: 320 + 3 x 148 = 764.
 */
const OUTPUT_COPIES = 3;

/** A row a query visits (filter evaluation, key comparison) in multiply-add equivalents. */
export const QUERY_ROW_WORK = 64;

/** The shape of a search as the data node receives it. */
export interface SearchCostInput {
  nq: number;
  /** Hits per query (topk + offset). */
  k: number;
  /** Work of scoring one row against one query (core/vector-types.ts rowWork). */
  rowWork: number;
  metric: MetricType;
  params: SearchParams;
  filter: CompiledFilter | undefined;
  /** Bytes of one hit of the answer (key, score, output fields: `resultRowBytes`). */
  answerRowBytes: number;
}

/** Bytes a merged hit or query row holds whose answer row is `answerRowBytes`. */
const mergedBytes = (answerRowBytes: number) => MERGED_HIT_BYTES + OUTPUT_COPIES * answerRowBytes;

/**
 * The cost of one search over `segments`: each segment's own estimate from its index (an exact
 * scan where it has none for the metric), and up to k hits per query from each segment plus
 * the merged k per query.
 */
export function searchCost(segments: readonly Segment[], s: SearchCostInput): RequestCost {
  const filtered = s.filter !== undefined && !s.filter.matchesAll;
  let work = 0;
  for (const seg of segments) {
    const index = seg.index();
    work +=
      index && index.metric === s.metric
        ? index.estimateWork({ nq: s.nq, k: s.k, params: s.params, filtered })
        : s.nq * seg.length * s.rowWork;
  }
  return {
    work,
    bytes: searchResultBytes(
      s.nq,
      s.k,
      segments.map((seg) => seg.length),
      s.answerRowBytes,
    ),
  };
}

/**
 * The result bytes a node holds at the peak of a search of nq queries for k hits each over
 * segments of `segmentRows` rows: up to k hits per query from each segment, and the merged k
 * per query. A coordinator computes it from its metadata for each sub-request, exactly as the
 * node that receives it will.
 */
export function searchResultBytes(nq: number, k: number, segmentRows: readonly number[], answerRowBytes: number): number {
  let segmentHits = 0;
  let rows = 0;
  for (const n of segmentRows) {
    segmentHits += Math.min(k, n);
    rows += n;
  }
  return nq * (segmentHits * SEGMENT_HIT_BYTES + Math.min(k, rows) * mergedBytes(answerRowBytes));
}

/**
 * The cost of a query over `segments`: every row visited (only the keys' rows for a `pk in
 * [...]` filter), and at most every visited row a match held until the page is cut; the answer
 * holds at most `maxRows` of them (its limit, or all) with their output fields.
 */
export function queryCost(
  segments: readonly Segment[],
  filter: CompiledFilter | undefined,
  answer: { rowBytes: number; maxRows: number },
): RequestCost {
  const rows = queryRowsVisited(
    segments.map((seg) => seg.length),
    filter,
  );
  const answered = Math.min(rows, answer.maxRows);
  return { work: rows * QUERY_ROW_WORK, bytes: rows * MERGED_HIT_BYTES + answered * OUTPUT_COPIES * answer.rowBytes };
}

/** Costs of requests run as one (a hybrid search's sub-searches), added up. */
export const totalCost = (costs: readonly RequestCost[]): RequestCost => ({
  work: costs.reduce((n, c) => n + c.work, 0),
  bytes: costs.reduce((n, c) => n + c.bytes, 0),
});

/**
 * The rows a query with `filter` visits in segments of `segmentRows` rows: every row, or only
 * the keys' rows (one per key and segment at most) for a `pk in [...]` filter.
 */
export function queryRowsVisited(segmentRows: readonly number[], filter: CompiledFilter | undefined): number {
  const keys = filter?.primaryKeys();
  return keys ? keys.length * segmentRows.length : segmentRows.reduce((n, rows) => n + rows, 0);
}

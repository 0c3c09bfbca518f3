import type { CompiledFilter } from '../filter/index.js';
import type { MetricType, SearchParams, SearchTime, VectorEngine, VectorIndex } from '../engine/engine.js';
import type { Segment } from '../segment/segment.js';
import { mergeHits, type Hit } from './hits.js';

export interface SearchPlan {
  /** nq query vectors, row-major. */
  queries: Float32Array;
  nq: number;
  /** Hits wanted per query before the offset is applied (topk + offset). */
  k: number;
  metric: MetricType;
  params: SearchParams;
  filter: CompiledFilter | undefined;
}

/** Per query, up to k hits best first; and the seconds the engine spent computing them. */
export interface SearchHits {
  perQuery: Hit[][];
  engineSeconds: number;
}

/**
 * Rows of a segment that may match: live, and passing the filter when there is one.
 * `mask` is undefined when every row may match (no filter, no deletes): the common search
 * then costs nothing per row here.
 */
export function candidateMask(seg: Segment, filter: CompiledFilter | undefined): { mask: Uint8Array | undefined; count: number } {
  const filtering = filter !== undefined && !filter.matchesAll;
  if (!filtering && !seg.hasDeletes) return { mask: undefined, count: seg.length };
  const live = seg.hasDeletes ? seg.liveMask() : undefined;
  const mask = filtering ? filter.evaluate(seg, live) : live!;
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i]!;
  return { mask, count };
}

/**
 * Searches one segment: through its vector index when it has one built for the requested
 * metric, exactly otherwise. Returns, per query, up to k hits best first; the engine's time
 * is added to `time` when given.
 */
export async function searchSegment(seg: Segment, plan: SearchPlan, engine: VectorEngine, time?: SearchTime): Promise<Hit[][]> {
  const empty = () => Array.from({ length: plan.nq }, () => [] as Hit[]);
  if (seg.length === 0) return empty();
  const { mask, count } = candidateMask(seg, plan.filter);
  if (count === 0) return empty();
  const request = {
    queries: plan.queries,
    nq: plan.nq,
    k: plan.k,
    params: plan.params,
    time,
    ...(mask && count < seg.length ? { allowed: mask, allowedCount: count } : {}),
  };
  const index = seg.index();
  const result = await (index && index.metric === plan.metric ? index : await exactIndex(seg, plan.metric, engine)).search(request);
  const ts = seg.timestamps();
  return result.offsets.map((offsets, q) =>
    Array.from(offsets, (row, j) => ({ segment: seg, row, pk: seg.pk(row), score: result.scores[q]![j]!, ts: ts[row]! })),
  );
}

/**
 * Exact indexes of segments searched without a graph (growing segments, or a metric the graph
 * was not built for), kept until the segment grows: building one prepares the vectors
 * (norms for COSINE), which is not work to repeat on every search. A FLAT index holds no
 * native state, so a replaced one needs no closing.
 */
const exactIndexes = new WeakMap<Segment, { metric: MetricType; rows: number; index: Promise<VectorIndex> }>();

function exactIndex(seg: Segment, metric: MetricType, engine: VectorEngine): Promise<VectorIndex> {
  const cached = exactIndexes.get(seg);
  if (cached && cached.metric === metric && cached.rows === seg.length) return cached.index;
  const index = engine.build(seg.vectors(), seg.vectors().length / seg.length, metric, 'FLAT');
  const entry = { metric, rows: seg.length, index };
  exactIndexes.set(seg, entry);
  index.catch(() => {
    if (exactIndexes.get(seg) === entry) exactIndexes.delete(seg);
  });
  return index;
}

/**
 * Searches segments concurrently and merges per query (duplicates resolved, best k); the
 * engine time is the sum over the segments (work done, whatever ran in parallel).
 */
export async function searchSegments(segments: Segment[], plan: SearchPlan, engine: VectorEngine): Promise<SearchHits> {
  const time: SearchTime = { seconds: 0 };
  const perSegment = await Promise.all(segments.map((s) => searchSegment(s, plan, engine, time)));
  return {
    perQuery: Array.from({ length: plan.nq }, (_, q) =>
      mergeHits(
        perSegment.map((r) => r[q]!),
        plan.k,
        plan.metric,
      ),
    ),
    engineSeconds: time.seconds,
  };
}

/** Rows matching a filter across segments, one per primary key (the newest write). */
export function queryRows(segments: Segment[], filter: CompiledFilter | undefined): Hit[] {
  const chosen = new Map<Hit['pk'], Hit>();
  for (const seg of segments) {
    if (seg.length === 0) continue;
    const keys = filter?.primaryKeys();
    const ts = seg.timestamps();
    const consider = (row: number) => {
      const pk = seg.pk(row);
      const prev = chosen.get(pk);
      if (!prev || ts[row]! > prev.ts) chosen.set(pk, { segment: seg, row, pk, score: 0, ts: ts[row]! });
    };
    if (keys) {
      // `pk in [...]`: look the keys up instead of scanning the segment.
      for (const k of keys) for (const row of seg.rowsOf(k)) if (!seg.isDeleted(row)) consider(row);
      continue;
    }
    const { mask } = candidateMask(seg, filter);
    for (let row = 0; row < seg.length; row++) if (!mask || mask[row]) consider(row);
  }
  return [...chosen.values()];
}

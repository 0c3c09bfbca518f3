import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CompiledFilter } from '../filter/index.js';
import type { MetricType, SearchParams, SearchTime, VectorEngine, VectorIndex, VectorSearchRequest, VectorSet } from '../engine/engine.js';
import { pickRows } from '../engine/vectors.js';
import type { Segment } from '../segment/segment.js';
import { groupDeepening, rangeDeepening, type Deepening } from './deepening.js';
import type { Grouping } from './grouping.js';
import { mergeSegmentHits, type Hit, type SegmentHits } from './hits.js';
import type { RangeWindow } from './range-window.js';

/**
 * Rows a request handles on the calling thread (filter evaluation, small inline searches,
 * query rows) before it lets the event loop turn: a few milliseconds, so a request over many
 * segments never holds health checks, metrics, lease keep-alives or other requests for long.
 */
const ROWS_PER_TURN = 1 << 16;

/** Segments searched inline in one turn of the event loop: each inline search is under ~0.2 ms. */
const SEGMENTS_PER_TURN = 32;

/** Merge candidates (segments x k per query) handled in one turn of the event loop. */
const MERGE_CANDIDATES_PER_TURN = 1 << 16;

export interface SearchPlan {
  /** nq query vectors, of the collection's vector type. */
  queries: VectorSet;
  nq: number;
  /** Hits wanted per query before the offset is applied (topk + offset); with grouping, see `grouping`. */
  k: number;
  metric: MetricType;
  params: SearchParams;
  filter: CompiledFilter | undefined;
  /** Collection TTL: rows inserted before this time (unix ms) have expired (see Segment.visibleRows); 0 or absent, none. */
  expireBefore?: number;
  /** A range search: only hits inside the window, up to k per query. */
  range?: RangeWindow;
  /** A grouping search: per query, the selected groups' hits, group after group (search/grouping.ts). */
  grouping?: Grouping;
  /** Stops the search between segments, inside the engine and between merge chunks; it then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Leaves out rows written after this LSN: an iterator's snapshot (see writtenBy). */
  asOf?: number;
}

/** Per query, up to k hits best first (or grouped); and the seconds the engine spent computing them. */
export interface SearchHits {
  perQuery: Hit[][];
  engineSeconds: number;
}

/**
/**
 * The rows of `seg` written at or before `asOf`, as a 0/1 mask that also leaves out the rows
 * `live` (when given) does; undefined when that is every row `live` allows. Rows of a
 * snapshot are those stamped at or before it: the writer applies writes in LSN order.
 */
function writtenBy(seg: Segment, asOf: number, live: Uint8Array | undefined): Uint8Array | undefined {
  const ts = seg.timestamps();
  const n = seg.length;
  let first = 0;
  while (first < n && ts[first]! <= asOf) first++;
  if (first === n) return live;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = ts[i]! <= asOf && (!live || live[i]) ? 1 : 0;
  return out;
}

/**
 * Rows of a segment that may match: visible (live, not expired; see Segment.visibleRows),
 * written by `asOf` when there is a snapshot (an iterator's), and passing the filter when
 * there is one. `mask` is undefined when every row may match (no filter, no deletes, nothing
 * expired, no snapshot): the common search then costs nothing per row here.
 */
export function candidateMask(
  seg: Segment,
  filter: CompiledFilter | undefined,
  expireBefore = 0,
  asOf?: number,
): { mask: Uint8Array | undefined; count: number } {
  const filtering = filter !== undefined && !filter.matchesAll;
  const visible = asOf === undefined ? seg.visibleRows(expireBefore) : writtenBy(seg, asOf, seg.visibleRows(expireBefore));
  if (!filtering && !visible) return { mask: undefined, count: seg.length };
  const mask = filtering ? filter.evaluate(seg, visible) : visible!;
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i]!;
  return { mask, count };
}

/**
 * The engine request for one segment, or undefined when no row of it can match. Segments
 * without deletes or filter share `base`; the others get their allowed rows.
 */
function segmentRequest(seg: Segment, plan: SearchPlan, base: VectorSearchRequest): VectorSearchRequest | undefined {
  if (seg.length === 0) return undefined;
  const { mask, count } = candidateMask(seg, plan.filter, plan.expireBefore, plan.asOf);
  if (count === 0) return undefined;
  return mask && count < seg.length ? { ...base, allowed: mask, allowedCount: count } : base;
}

/** The segment's index for the metric, if it is at hand: its graph, or an exact index already built. */
function readyIndex(seg: Segment, metric: MetricType): VectorIndex | undefined {
  const index = seg.index();
  if (index && index.metric === metric) return index;
  const cached = exactIndexes.get(seg);
  return cached && cached.metric === metric && cached.rows === seg.length ? cached.ready : undefined;
}

/**
 * Exact indexes of segments searched without a graph (growing segments, or a metric the graph
 * was not built for), kept until the segment grows: building one prepares the vectors
 * (norms for COSINE), which is not work to repeat on every search. A FLAT index holds no
 * native state, so a replaced one needs no closing.
 */
const exactIndexes = new WeakMap<Segment, ExactEntry>();

interface ExactEntry {
  metric: MetricType;
  rows: number;
  index: Promise<VectorIndex>;
  /** The index once built, for searches that run without waiting. */
  ready?: VectorIndex;
}

function exactIndex(seg: Segment, metric: MetricType, engine: VectorEngine): Promise<VectorIndex> {
  const cached = exactIndexes.get(seg);
  if (cached && cached.metric === metric && cached.rows === seg.length) return cached.index;
  const index = engine.build(seg.vectorSet(), metric, 'FLAT');
  const entry: ExactEntry = { metric, rows: seg.length, index };
  exactIndexes.set(seg, entry);
  index.then(
    (built) => (entry.ready = built),
    () => {
      if (exactIndexes.get(seg) === entry) exactIndexes.delete(seg);
    },
  );
  return index;
}

/** One segment's search: the segment and its engine request (undefined: no row of it can match). */
interface SearchJob {
  segment: Segment;
  request: VectorSearchRequest | undefined;
}

/**
 * The end of the run of segments starting at `from` handled in one turn of the event loop:
 * at least one segment, then up to ROWS_PER_TURN rows and SEGMENTS_PER_TURN segments.
 */
function runEnd(segments: readonly { length: number }[], from: number): number {
  let rows = 0;
  let to = from;
  while (to < segments.length && to - from < SEGMENTS_PER_TURN && (to === from || rows + segments[to]!.length <= ROWS_PER_TURN)) {
    rows += segments[to]!.length;
    to++;
  }
  return to;
}

/**
 * Runs segment searches: those small enough for the calling thread (see
 * VectorIndex.searchInline) in synchronous runs of a bounded number of rows, the event loop
 * turning between runs; the others (big or filtered beams, an exact index still to build) on
 * the engine's workers concurrently. Returns one list per job that has a request, in job
 * order; the engine time is added to `time`.
 */
async function searchJobs(jobs: readonly SearchJob[], plan: SearchPlan, engine: VectorEngine, time: SearchTime): Promise<SegmentHits[]> {
  const { signal } = plan;
  const found: SegmentHits[] = [];
  const pending: Promise<void>[] = [];
  const segments = jobs.map((j) => j.segment);
  for (let from = 0; from < jobs.length; ) {
    const to = runEnd(segments, from);
    // The inline searches' engine time is the CPU this loop takes, read once around it (a
    // clock read per segment costs more than it measures): the loop does nothing else but
    // hand the other searches to the workers, which report their own time.
    const started = process.cpuUsage();
    for (let j = from; j < to; j++) {
      const { segment: seg, request: inline } = jobs[j]!;
      if (!inline) continue;
      // Kept in the jobs' order whenever they finish: ties between segments rank by it.
      const slot: SegmentHits = { segment: seg, offsets: [], scores: [] };
      found.push(slot);
      const index = readyIndex(seg, plan.metric);
      const result = index?.searchInline(inline);
      if (result) {
        slot.offsets = result.offsets;
        slot.scores = result.scores;
        continue;
      }
      const request = { ...inline, time };
      const searched = index ? index.search(request) : exactIndex(seg, plan.metric, engine).then((built) => built.search(request));
      const settled = searched.then((r) => {
        slot.offsets = r.offsets;
        slot.scores = r.scores;
      });
      // Awaited with the others after the last run; handled now, as it may fail during a turn.
      settled.catch(() => undefined);
      pending.push(settled);
    }
    const used = process.cpuUsage(started);
    time.seconds += (used.user + used.system) / 1e6;
    from = to;
    if (from < jobs.length) {
      await nextTurn();
      signal?.throwIfAborted();
    }
  }
  if (pending.length) await Promise.all(pending);
  return found;
}

/**
 * Searches segments and merges per query (duplicates resolved, best k); the engine time is the
 * sum over the segments (work done, whatever ran in parallel). The merge runs in chunks of
 * queries with turns between them. With `plan.signal`, an aborted search stops at the next
 * run, chunk or engine check and rejects with the signal's reason. A range or grouping search
 * (plan.range, plan.grouping) goes deeper into segments as its answer needs (deepSearch).
 */
export async function searchSegments(segments: Segment[], plan: SearchPlan, engine: VectorEngine): Promise<SearchHits> {
  plan.signal?.throwIfAborted();
  const time: SearchTime = { seconds: 0 };
  const deepening = plan.range ? rangeDeepening(plan, plan.range) : plan.grouping ? groupDeepening(plan, plan.grouping) : undefined;
  const base: VectorSearchRequest = {
    queries: plan.queries,
    nq: plan.nq,
    k: deepening?.firstK ?? plan.k,
    params: plan.params,
    signal: plan.signal,
  };
  const jobs = segments.map((seg) => ({ segment: seg, request: segmentRequest(seg, plan, base) }));
  const found = await searchJobs(jobs, plan, engine, time);
  const perQuery = deepening
    ? await deepSearch(jobs, found, plan, engine, time, deepening)
    : await inTurns(plan, found.length * plan.k, (q) => mergeSegmentHits(found, q, plan.k, plan.metric));
  return { perQuery, engineSeconds: time.seconds };
}

/** Each query's result by `perQuery`, in chunks of queries (about `cost` work each) with a turn of the event loop between them. */
async function inTurns<T>(plan: Pick<SearchPlan, 'nq' | 'signal'>, cost: number, perQuery: (q: number) => T): Promise<T[]> {
  const perChunk = Math.max(1, Math.floor(MERGE_CANDIDATES_PER_TURN / Math.max(1, cost)));
  const out: T[] = [];
  for (let q = 0; q < plan.nq; ) {
    const end = Math.min(plan.nq, q + perChunk);
    for (; q < end; q++) out.push(perQuery(q));
    if (q < plan.nq) {
      await nextTurn();
      plan.signal?.throwIfAborted();
    }
  }
  return out;
}

/** How much deeper than the last round the next round of a deep search asks each segment. */
const DEEPENING_FACTOR = 4;

/**
 * The rounds of a range or grouping search after the first: while a query's answer is not
 * settled, the segments whose lists were cut off at k are searched again for that query with
 * k times DEEPENING_FACTOR, until every query settles (at worst once each list holds every
 * candidate row of its segment).
 */
async function deepSearch(
  jobs: readonly SearchJob[],
  found: SegmentHits[],
  plan: SearchPlan,
  engine: VectorEngine,
  time: SearchTime,
  deepening: Deepening,
): Promise<Hit[][]> {
  const withRequest = jobs.filter((j) => j.request !== undefined);
  const perQuery: Hit[][] = new Array(plan.nq);
  let open = Array.from({ length: plan.nq }, (_, q) => q);
  let k = deepening.firstK;
  for (;;) {
    // Per list to search again, the queries it is searched again for.
    const again = new Map<number, number[]>();
    const settled = await inTurns({ nq: open.length, signal: plan.signal }, found.length * k, (i) => {
      const q = open[i]!;
      const outcome = deepening.settle(found, q, k);
      if ('hits' in outcome) perQuery[q] = outcome.hits;
      else
        for (const l of outcome.deepen) {
          const qs = again.get(l);
          if (qs) qs.push(q);
          else again.set(l, [q]);
        }
      return 'hits' in outcome;
    });
    open = open.filter((_, i) => !settled[i]);
    if (open.length === 0) return perQuery;
    k *= DEEPENING_FACTOR;
    const lists = [...again.keys()];
    const deeper = lists.map((l) => {
      const qs = again.get(l)!;
      const request = withRequest[l]!.request!;
      return {
        segment: found[l]!.segment,
        request: { ...request, queries: pickRows(plan.queries, qs), nq: qs.length, k },
      };
    });
    const results = await searchJobs(deeper, plan, engine, time);
    results.forEach((r, j) => {
      const l = lists[j]!;
      again.get(l)!.forEach((q, i) => {
        found[l]!.offsets[q] = r.offsets[i]!;
        found[l]!.scores[q] = r.scores[i]!;
      });
    });
  }
}

/**
 * What a query reads: the filter, the collection TTL's expiry time (see SearchPlan) and, for
 * an iterator's pages, the snapshot (rows written after that LSN are left out).
 */
export interface QueryScope {
  filter: CompiledFilter | undefined;
  expireBefore?: number;
  asOf?: number;
}

/** The rows of `seg` matching the query into `chosen`, keeping per primary key the newest write. */
function chooseRows(seg: Segment, { filter, expireBefore = 0, asOf }: QueryScope, chosen: Map<Hit['pk'], Hit>): void {
  if (seg.length === 0) return;
  const keys = filter?.primaryKeys();
  const ts = seg.timestamps();
  const consider = (row: number) => {
    const pk = seg.pk(row);
    const prev = chosen.get(pk);
    if (!prev || ts[row]! > prev.ts) chosen.set(pk, { segment: seg, row, pk, score: 0, ts: ts[row]! });
  };
  if (keys) {
    // `pk in [...]`: look the keys up instead of scanning the segment.
    for (const k of keys)
      for (const row of seg.rowsOf(k))
        if (!seg.isDeleted(row) && !seg.isExpired(row, expireBefore) && (asOf === undefined || ts[row]! <= asOf)) consider(row);
    return;
  }
  const { mask } = candidateMask(seg, filter, expireBefore, asOf);
  for (let row = 0; row < seg.length; row++) if (!mask || mask[row]) consider(row);
}

/** Rows matching a filter across segments, one per primary key (the newest write), in one synchronous pass. */
export function queryRows(segments: Segment[], filter: CompiledFilter | undefined): Hit[] {
  const chosen = new Map<Hit['pk'], Hit>();
  for (const seg of segments) chooseRows(seg, { filter }, chosen);
  return [...chosen.values()];
}

/**
/**
 * queryRows for a request (its filter, TTL and snapshot): runs of segments of a bounded number
 * of rows, with a turn of the event loop between runs; an aborted `signal` stops it between
 * runs with its reason.
 */
export async function queryRowsInTurns(segments: Segment[], scope: QueryScope, signal?: AbortSignal): Promise<Hit[]> {
  signal?.throwIfAborted();
  const chosen = new Map<Hit['pk'], Hit>();
  for (let from = 0; from < segments.length; ) {
    const to = runEnd(segments, from);
    for (let i = from; i < to; i++) chooseRows(segments[i]!, scope, chosen);
    from = to;
    if (from < segments.length) {
      await nextTurn();
      signal?.throwIfAborted();
    }
  }
  return [...chosen.values()];
}

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { SparseVectors } from '../engine/vectors.js';
import type { CompiledFilter } from '../filter/index.js';
import type { Segment } from '../segment/segment.js';
import { emptyStatistics, termScore, type Bm25Params, type TermStatistics } from '../text/bm25.js';
import { mergeSegmentHits, type Hit, type SegmentHits } from './hits.js';
import { windowPlacer, type RangeWindow } from './range-window.js';
import { candidateMask } from './segment-search.js';

/**
 * BM25 search over segments (docs/full-text.md). A BM25 output column holds each row's term
 * frequencies; per segment and field an inverted index of it (term -> rows and frequencies,
 * and each row's length) is built once and extended as a growing segment grows. Over it a
 * node answers the two phases of a search: the term statistics of its rows (phase one, which
 * the coordinator sums over every node), and the rows' scores for queries already weighted
 * by the collection's statistics (phase two).
 */

interface Postings {
  rows: number[];
  tfs: number[];
}

interface TextIndex {
  /** Rows indexed (a growing segment's later rows are added on the next use). */
  rows: number;
  /** Each row's length: the sum of its term frequencies. */
  lengths: number[];
  /** Sum of every indexed row's length. */
  tokens: number;
  postings: Map<number, Postings>;
}

const indexes = new WeakMap<Segment, Map<string, TextIndex>>();

/** The segment's index of a BM25 output column, brought up to the segment's rows. */
function textIndex(seg: Segment, field: string): TextIndex {
  let byField = indexes.get(seg);
  if (!byField) {
    byField = new Map();
    indexes.set(seg, byField);
  }
  let index = byField.get(field);
  if (!index) {
    index = { rows: 0, lengths: [], tokens: 0, postings: new Map() };
    byField.set(field, index);
  }
  if (index.rows < seg.length) {
    const rows = (seg.column(field)?.values ?? []) as Uint8Array[];
    for (let r = index.rows; r < seg.length; r++) {
      const row = rows[r] ?? new Uint8Array(0);
      const view = new DataView(row.buffer, row.byteOffset, row.byteLength);
      let length = 0;
      for (let at = 0; at + 8 <= row.length; at += 8) {
        const term = view.getUint32(at, true);
        const tf = view.getFloat32(at + 4, true);
        length += tf;
        const p = index.postings.get(term);
        if (p) {
          p.rows.push(r);
          p.tfs.push(tf);
        } else index.postings.set(term, { rows: [r], tfs: [tf] });
      }
      index.lengths.push(length);
      index.tokens += length;
    }
    index.rows = seg.length;
  }
  return index;
}

/** Which rows a search reads: its filter, the collection TTL's expiry time, an iterator's snapshot. */
export interface TextScope {
  filter: CompiledFilter | undefined;
  expireBefore?: number;
  asOf?: number;
}

/**
 * The statistics of a BM25 output field over the segments' visible rows (not deleted, not
 * expired, within the snapshot), for the terms given: phase one of a search. The filter does
 * not narrow them: scores do not depend on what a request filters.
 */
export function termStatistics(
  segments: Segment[],
  field: string,
  terms: readonly number[],
  scope: Omit<TextScope, 'filter'>,
): TermStatistics {
  const out = emptyStatistics();
  for (const t of terms) out.docFrequency.set(t, 0);
  for (const seg of segments) {
    if (seg.length === 0) continue;
    const index = textIndex(seg, field);
    const { mask, count } = candidateMask(seg, undefined, scope.expireBefore, scope.asOf);
    out.rows += count;
    if (mask) for (let r = 0; r < seg.length; r++) out.tokens += mask[r] ? index.lengths[r]! : 0;
    else out.tokens += index.tokens;
    for (const t of terms) {
      const p = index.postings.get(t);
      if (!p) continue;
      let df = 0;
      if (mask) for (const r of p.rows) df += mask[r]!;
      else df = p.rows.length;
      out.docFrequency.set(t, out.docFrequency.get(t)! + df);
    }
  }
  return out;
}

export interface Bm25Plan extends TextScope {
  field: string;
  /** nq queries, each entry a term hash with its weight (term frequency x IDF). */
  queries: SparseVectors;
  nq: number;
  k: number;
  params: Bm25Params;
  /** A range search: only the hits inside the window, up to k per query. */
  range?: RangeWindow;
  signal?: AbortSignal;
}

/** One segment's best k rows per query, best first (ties by row), as float32 scores. */
function searchSegment(seg: Segment, plan: Bm25Plan): SegmentHits | undefined {
  if (seg.length === 0) return undefined;
  const { mask, count } = candidateMask(seg, plan.filter, plan.expireBefore, plan.asOf);
  if (count === 0) return undefined;
  const index = textIndex(seg, plan.field);
  const scores = new Float64Array(seg.length);
  const out: SegmentHits = { segment: seg, offsets: [], scores: [] };
  // Every row holding a query term is scored, so a range search just keeps those in its window.
  const place = plan.range && windowPlacer(plan.range, 'BM25');
  for (let q = 0; q < plan.nq; q++) {
    const touched: number[] = [];
    for (let j = plan.queries.offsets[q]!; j < plan.queries.offsets[q + 1]!; j++) {
      const p = index.postings.get(plan.queries.ids[j]!);
      if (!p) continue;
      const weight = plan.queries.weights[j]!;
      for (let i = 0; i < p.rows.length; i++) {
        const r = p.rows[i]!;
        if (mask && !mask[r]) continue;
        if (scores[r] === 0) touched.push(r);
        scores[r] = scores[r]! + weight * termScore(p.tfs[i]!, index.lengths[r]!, plan.params);
      }
    }
    let ranked = touched.map((r) => ({ r, s: Math.fround(scores[r]!) }));
    if (place) ranked = ranked.filter((h) => place(h.s) === 'inside');
    for (const r of touched) scores[r] = 0;
    ranked.sort((a, b) => b.s - a.s || a.r - b.r);
    const best = ranked.slice(0, plan.k);
    out.offsets.push(Int32Array.from(best, (h) => h.r));
    out.scores.push(Float32Array.from(best, (h) => h.s));
  }
  return out;
}

/**
 * Phase two: each query's best k hits over the segments (one per primary key, the newest
 * write), larger scores first. The event loop turns between segments; an aborted `signal`
 * stops the search there with its reason.
 */
export async function searchBm25(segments: Segment[], plan: Bm25Plan): Promise<Hit[][]> {
  plan.signal?.throwIfAborted();
  const found: SegmentHits[] = [];
  for (const seg of segments) {
    const hits = searchSegment(seg, plan);
    if (hits) found.push(hits);
    await nextTurn();
    plan.signal?.throwIfAborted();
  }
  return Array.from({ length: plan.nq }, (_, q) => mergeSegmentHits(found, q, plan.k, 'BM25'));
}

import type { MetricType } from '../engine/engine.js';
import { hitKeyReader } from './field-keys.js';
import { selectGroups, type Grouping } from './grouping.js';
import { largerIsBetter, mergeSegmentHits, type Hit, type SegmentHits } from './hits.js';
import { windowPlacer, type RangeWindow } from './range-window.js';

/**
 * Range and grouping searches need per-segment hit lists of a depth no k known in advance
 * gives: a range search skips the hits better than its range filter, a grouping search skips
 * the hits of full groups. Both ask each segment for a first k, then settle each query from
 * the lists or name the lists, cut off at k, that must go deeper (segment-search.ts runs the
 * rounds).
 */
export interface Deepening {
  /** Hits asked of each segment in the first round. */
  firstK: number;
  /**
   * Query q's answer from the lists (each asked for `k` hits in the last round it was
   * searched: one holding fewer has no more), or the lists to search deeper first.
   */
  settle(lists: SegmentHits[], q: number, k: number): { hits: Hit[] } | { deepen: number[] };
}

/**
 * A range search: each query's best `k` hits inside the window. A list is deep enough once
 * it ends past the radius, holds `k` hits inside the window or has no more rows.
 */
export function rangeDeepening(plan: { k: number; metric: MetricType }, window: RangeWindow): Deepening {
  const place = windowPlacer(window, plan.metric);
  return {
    firstK: plan.k,
    settle(lists, q, k) {
      const deepen: number[] = [];
      const inside = lists.map((l, i) => {
        const offsets = l.offsets[q]!;
        const scores = l.scores[q]!;
        const keep: number[] = [];
        for (let j = 0; j < scores.length; j++) if (place(scores[j]!) === 'inside') keep.push(j);
        const cut = scores.length === k && place(scores[scores.length - 1]!) !== 'past';
        if (cut && keep.length < plan.k) deepen.push(i);
        return {
          segment: l.segment,
          offsets: [Int32Array.from(keep, (j) => offsets[j]!)],
          scores: [Float32Array.from(keep, (j) => scores[j]!)],
        };
      });
      return deepen.length ? { deepen } : { hits: mergeSegmentHits(inside, 0, plan.k, plan.metric) };
    },
  };
}

/**
 * A grouping search: the lists merged into one ranked stream, grouped (selectGroups). The
 * stream is exact up to the best score at which a list was cut off (rows of that segment
 * may follow there); the answer stands once it is settled within that part.
 */
export function groupDeepening(plan: { metric: MetricType }, grouping: Grouping): Deepening {
  const keyOf = hitKeyReader(grouping.field);
  const larger = largerIsBetter(plan.metric);
  return {
    firstK: grouping.groups * grouping.size,
    settle(lists, q, k) {
      const stream = mergeSegmentHits(lists, q, Number.POSITIVE_INFINITY, plan.metric);
      const cut: number[] = [];
      let bound = larger ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      lists.forEach((l, i) => {
        const scores = l.scores[q]!;
        if (scores.length < k) return;
        cut.push(i);
        const last = scores[scores.length - 1]!;
        if (larger ? last > bound : last < bound) bound = last;
      });
      let exact = stream.length;
      if (cut.length) {
        exact = 0;
        while (exact < stream.length && (larger ? stream[exact]!.score > bound : stream[exact]!.score < bound)) exact++;
      }
      const picked = selectGroups(stream.length, (i) => keyOf(stream[i]!), grouping, exact);
      if (!picked.settled) return { deepen: cut };
      // In rank order, as every answer is merged: the page groups them (search/row-order.ts).
      return {
        hits: picked.members
          .flat()
          .sort((a, b) => a - b)
          .map((i) => stream[i]!),
      };
    },
  };
}

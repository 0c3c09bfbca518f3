/** The placement properties, measured for any router on one instance (tests and balance-report.ts). */
import type { Assignment, RouterFactory, SegmentRows } from '../../../cluster/routing/router.js';
import { balance, movedShare, moves } from './measure.js';
import type { Instance } from './random-segments.js';

/** The bound on the largest group, over the mean rows. */
export const BALANCE_BOUND = 1.25;
/** The bound on rows moved by one group joining or leaving, times N (the group count after the join, before the leave). */
export const MOVEMENT_BOUND = 1.5;

/** The segments anchored on their owners in `placement`, as recording it and reading it back gives them. */
export function anchoredTo(segments: readonly SegmentRows[], placement: Assignment): SegmentRows[] {
  return segments.map(({ id, rows }) => {
    const anchor = placement.owner(id);
    return anchor === undefined ? { id, rows } : { id, rows, anchor };
  });
}

/**
 * How a placement came about before a change is measured: `cold` places every segment at
 * once without anchors; `grown` seals them one at a time in id order, each placement anchored
 * on the one before (as a cluster that records every placement gets there).
 */
export type Prior = 'cold' | 'grown';

/** The placement of `segments` on `groups` reached the `prior` way. */
export function placed(make: RouterFactory, groups: readonly string[], segments: readonly SegmentRows[], prior: Prior): Assignment {
  const router = make(groups);
  if (prior === 'cold') return router.assign(segments);
  const sealed = [...segments].sort((a, b) => a.id - b.id);
  let placement = router.assign([]);
  for (let k = 1; k <= sealed.length; k++) placement = router.assign(anchoredTo(sealed.slice(0, k), placement));
  return placement;
}

/** The largest group's rows over the mean. */
export function maxOverMean(make: RouterFactory, { groups, segments }: Instance, prior: Prior = 'cold'): number {
  return balance(placed(make, groups, segments, prior)).maxOverMean;
}

/**
 * Rows moved, over the total, times N, when one group joins (the group set grows to the
 * instance's N groups) and when one leaves (it shrinks from them); the groups are picked by
 * `random`. The placement after the change is anchored on the one before. Undefined for a
 * single group, which has nothing to compare with.
 */
export function joinAndLeave(make: RouterFactory, { groups, segments }: Instance, random: () => number, prior: Prior = 'cold') {
  const n = groups.length;
  if (n < 2) return undefined;
  const joining = groups[Math.floor(random() * n)]!;
  const leaving = groups[Math.floor(random() * n)]!;
  const change = (from: readonly string[], to: readonly string[]) => {
    const before = placed(make, from, segments, prior);
    return movedShare(before, make(to).assign(anchoredTo(segments, before)), segments) * n;
  };
  return {
    joining,
    leaving,
    join: change(
      groups.filter((g) => g !== joining),
      groups,
    ),
    leave: change(
      groups,
      groups.filter((g) => g !== leaving),
    ),
  };
}

/** Whether an assignment of the segments, recorded as their anchors, gives itself back. */
export function givesItselfBack(make: RouterFactory, groups: readonly string[], segments: readonly SegmentRows[], placement: Assignment) {
  const again = make(groups).assign(anchoredTo(segments, placement));
  return moves(placement, again, segments).length === 0;
}

/** What sealing one more segment does to a placement: the others' rows that move, times N. */
export function sealChurn(
  make: RouterFactory,
  groups: readonly string[],
  before: Assignment,
  segments: readonly SegmentRows[],
  added: SegmentRows,
) {
  const after = make(groups).assign([...anchoredTo(segments, before), added]);
  return { after, churn: movedShare(before, after, segments) * groups.length };
}

/** The two placement properties, measured for any router on one instance (tests and balance-report.ts). */
import type { RouterFactory } from '../../../cluster/routing/router.js';
import { balance, movedShare } from './measure.js';
import type { Instance } from './random-segments.js';

/** The bound on the largest group, over the mean rows. */
export const BALANCE_BOUND = 1.25;
/** The bound on rows moved by one group joining or leaving, times N (the group count after the join, before the leave). */
export const MOVEMENT_BOUND = 1.5;

/** The largest group's rows over the mean. */
export function maxOverMean(make: RouterFactory, { groups, segments }: Instance): number {
  return balance(make(groups).assign(segments)).maxOverMean;
}

/**
 * Rows moved, over the total, times N, when one group joins (the group set grows to the
 * instance's N groups) and when one leaves (it shrinks from them); the groups are picked by
 * `random`. Undefined for a single group, which has nothing to compare with.
 */
export function joinAndLeave(make: RouterFactory, { groups, segments }: Instance, random: () => number) {
  const n = groups.length;
  if (n < 2) return undefined;
  const without = (g: string) => make(groups.filter((x) => x !== g)).assign(segments);
  const all = make(groups).assign(segments);
  const joining = groups[Math.floor(random() * n)]!;
  const leaving = groups[Math.floor(random() * n)]!;
  return {
    joining,
    leaving,
    join: movedShare(without(joining), all, segments) * n,
    leave: movedShare(all, without(leaving), segments) * n,
  };
}

/** Balance and movement figures of a router, shared by the ring tests and balance-report.ts. */
import type { Router } from '../../../cluster/routing/router.js';

/** Segment ids as the metadata store hands them out: a counter from 1. */
export const sequentialIds = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Group names `prefix0`, `prefix1`, ... */
export const groupNames = (n: number, prefix = 'g') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

export interface Balance {
  /** Segments per group, every group of the router included. */
  counts: Map<string, number>;
  /** Largest and smallest count over the mean count. */
  maxOverMean: number;
  minOverMean: number;
}

export function balance(router: Router, ids: readonly number[]): Balance {
  const assigned = router.assign(ids);
  const counts = new Map(router.groups.map((g) => [g, assigned.get(g)?.length ?? 0]));
  const mean = ids.length / router.groups.length;
  return {
    counts,
    maxOverMean: Math.max(...counts.values()) / mean,
    minOverMean: Math.min(...counts.values()) / mean,
  };
}

export interface Move {
  id: number;
  from: string | undefined;
  to: string | undefined;
}

/** The segments whose owner differs between two routers. */
export function moves(before: Router, after: Router, ids: readonly number[]): Move[] {
  const out: Move[] = [];
  for (const id of ids) {
    const from = before.owner(id);
    const to = after.owner(id);
    if (from !== to) out.push({ id, from, to });
  }
  return out;
}

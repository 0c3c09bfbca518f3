/** Balance and movement figures of a router, shared by the routing tests and balance-report.ts. */
import type { Assignment, SegmentRows } from '../../../cluster/routing/router.js';

/** Segment ids as the metadata store hands them out: a counter from 1. */
export const sequentialIds = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Group names `prefix0`, `prefix1`, ... */
export const groupNames = (n: number, prefix = 'g') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** Segments of `rows` rows each, so that rows count segments. */
export const equalSegments = (ids: readonly number[], rows = 1): SegmentRows[] => ids.map((id) => ({ id, rows }));

export const totalRows = (segments: readonly SegmentRows[]) => segments.reduce((sum, s) => sum + s.rows, 0);

export interface Balance {
  /** Largest and smallest group's rows over the mean, every group of the assignment included. */
  maxOverMean: number;
  minOverMean: number;
}

export function balance(assignment: Assignment): Balance {
  const rows = [...assignment.rows.values()];
  const mean = rows.reduce((a, b) => a + b, 0) / rows.length;
  return { maxOverMean: Math.max(...rows) / mean, minOverMean: Math.min(...rows) / mean };
}

export interface Move {
  id: number;
  rows: number;
  from: string | undefined;
  to: string | undefined;
}

/** The segments whose owner differs between two assignments of the same list. */
export function moves(before: Assignment, after: Assignment, segments: readonly SegmentRows[]): Move[] {
  const out: Move[] = [];
  for (const { id, rows } of segments) {
    const from = before.owner(id);
    const to = after.owner(id);
    if (from !== to) out.push({ id, rows, from, to });
  }
  return out;
}

/** Rows that change owner when the group set goes from `before` to `after`, over the total. */
export function movedShare(before: Assignment, after: Assignment, segments: readonly SegmentRows[]): number {
  return totalRows(moves(before, after, segments)) / totalRows(segments);
}

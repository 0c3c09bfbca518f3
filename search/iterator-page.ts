import { comparePks, type PrimaryKey } from '../core/columns.js';
import type { MetricType, VectorEngine } from '../engine/engine.js';
import type { Segment } from '../segment/segment.js';
import { largerIsBetter, type Hit } from './hits.js';
import { searchSegments, type SearchPlan } from './segment-search.js';

/**
 * One page of a search iterator over a node's segments. A search iterator walks every
 * matching row of one query in a total order, the metric's order of scores and, among equal
 * scores, ascending primary keys; each page holds the next `batch` rows after the last row of
 * the page before (its cursor). Pages keep no state between requests: the cursor travels with
 * the client (docs/coordinator.md, "Iterators").
 */

/** Where a page ended: its last hit's score and, when known, primary key. */
export interface PageCursor {
  score: number;
  /** Without a key, only rows scoring strictly worse than `score` follow (Milvus's rule). */
  key?: PrimaryKey;
}

export interface IteratorPagePlan {
  /** Rows the page holds at most. */
  batch: number;
  /** Rows the iterator returned before this page (0 when not known): how deep to look first. */
  returned: number;
  /** The previous page's cursor; undefined on the first page. */
  after?: PageCursor;
}

/** Compares two hits in an iterator's order: by score in the metric's order, then by primary key. */
export function iteratorOrder(metric: MetricType): (a: { score: number; pk: PrimaryKey }, b: { score: number; pk: PrimaryKey }) => number {
  const sign = largerIsBetter(metric) ? -1 : 1;
  return (a, b) => (a.score !== b.score ? sign * (a.score - b.score) : comparePks(a.pk, b.pk));
}

/** Whether a hit (its score and key) comes after `cursor` in the iterator's order. */
export function isAfter(metric: MetricType, cursor: PageCursor | undefined): (score: number, pk: PrimaryKey) => boolean {
  if (!cursor) return () => true;
  const worse = largerIsBetter(metric) ? (s: number) => s < cursor.score : (s: number) => s > cursor.score;
  const { key } = cursor;
  return (score, pk) => worse(score) || (key !== undefined && score === cursor.score && comparePks(pk, key) > 0);
}

/**
 * The page's hits, in the iterator's order. The segments are searched for their best k rows
 * (the rows returned before plus a page, at first); of those, the rows after the cursor make
 * the page. A node's best k cut a run of equal scores at an arbitrary key, so when k rows
 * came back the run of the last score is left out; when that leaves less than a page, k
 * doubles and the search runs again. Fewer than k rows back means none were left out; k
 * never exceeds one more than the segments' rows, which returns them all.
 */
export async function searchIteratorPage(
  segments: Segment[],
  plan: Omit<SearchPlan, 'k' | 'nq'>,
  page: IteratorPagePlan,
  engine: VectorEngine,
): Promise<{ hits: Hit[]; engineSeconds: number }> {
  const order = iteratorOrder(plan.metric);
  const after = isAfter(plan.metric, page.after);
  // A k above every row: the search then returns them all.
  const everyRow = () => segments.reduce((n, seg) => n + seg.length, 0) + 1;
  let engineSeconds = 0;
  for (let k = Math.min(page.returned + page.batch, everyRow()); ; k = Math.min(k * 2, everyRow())) {
    const searched = await searchSegments(segments, { ...plan, nq: 1, k }, engine);
    engineSeconds += searched.engineSeconds;
    const found = searched.perQuery[0]!;
    const complete = found.length < k;
    const lastScore = found[found.length - 1]?.score;
    const known = complete ? found : found.filter((h) => h.score !== lastScore);
    const next = known.filter((h) => after(h.score, h.pk)).sort(order);
    if (complete || next.length >= page.batch) return { hits: next.slice(0, page.batch), engineSeconds };
  }
}

import type { PrimaryKey } from '../core/columns.js';
import type { MetricType } from '../engine/engine.js';
import type { Segment } from '../segment/segment.js';

/** One search or query result row: where it lives and how it ranks. */
export interface Hit {
  segment: Segment;
  row: number;
  pk: PrimaryKey;
  score: number;
  /** Write timestamp of the row, to resolve duplicate keys in favour of the newest write. */
  ts: number;
}

/** L2 is a distance (smaller first); IP and COSINE are similarities (larger first). */
export const largerIsBetter = (metric: MetricType) => metric !== 'L2';

/**
 * Merges per-source hit lists of one query into the best `k`, keeping one hit per primary
 * key: the newest write, or the better score between writes of the same time.
 */
export function mergeHits(lists: Hit[][], k: number, metric: MetricType): Hit[] {
  const all = lists.flat();
  const better = largerIsBetter(metric) ? (a: Hit, b: Hit) => b.score - a.score : (a: Hit, b: Hit) => a.score - b.score;
  all.sort(better);
  const chosen = new Map<PrimaryKey, Hit>();
  for (const h of all) {
    const prev = chosen.get(h.pk);
    if (!prev || h.ts > prev.ts) chosen.set(h.pk, h);
  }
  const out = [...chosen.values()];
  out.sort(better);
  return out.slice(0, k);
}

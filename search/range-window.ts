import type { MetricType } from '../engine/engine.js';
import { largerIsBetter } from './hits.js';

/**
 * The window of a Milvus range search. As knowhere's `distance_in_range` has it, for L2
 * (smaller is better) a hit is in when `range_filter <= d < radius`; for IP and COSINE
 * (larger is better) when `radius < s <= range_filter`: the radius is the outer bound and is
 * exclusive, the range filter the inner one and is inclusive. Without a range filter the
 * inner side is open. Bounds compare as float32, as the engine's scores are.
 */
export interface RangeWindow {
  radius: number;
  rangeFilter: number | undefined;
}

/**
 * Where a score lies relative to a window, in the metric's order (best first): `before` is
 * better than the range filter (left out, but the hits in the window come after it), `past`
 * at or beyond the radius (it and every worse hit are out).
 */
export type Placement = 'before' | 'inside' | 'past';

/** Places scores of `metric` against `w`. */
export function windowPlacer(w: RangeWindow, metric: MetricType): (score: number) => Placement {
  const radius = Math.fround(w.radius);
  const filter = w.rangeFilter === undefined ? undefined : Math.fround(w.rangeFilter);
  if (largerIsBetter(metric)) {
    return (s) => (s <= radius ? 'past' : filter !== undefined && s > filter ? 'before' : 'inside');
  }
  return (s) => (s >= radius ? 'past' : filter !== undefined && s < filter ? 'before' : 'inside');
}

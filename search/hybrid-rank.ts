import type { MetricType } from '../engine/engine.js';

/**
 * Fusion of the ranked hit lists of a Milvus HybridSearch (one list per sub-search, for one
 * query vector) into one ordering. Pure: no I/O, no knowledge of segments or partials.
 *
 * - RRF: score(key) = sum over the lists containing key of 1 / (k + rank), rank from 1.
 * - Weighted: score(key) = sum over the lists containing key of weight_i * norm(score_i),
 *   where norm maps the metric onto [0, 1] with larger better (IP: 0.5 + atan(s)/pi,
 *   COSINE: (1 + s)/2, L2: 1 - 2 atan(d)/pi); without normalization the raw similarity
 *   (IP, COSINE only) is weighted.
 *
 * The result is sorted by fused score, larger first, ties by primary key ascending, then
 * paged with [offset, offset + limit).
 */

export type Ranker =
  | { strategy: 'rrf'; k: number }
  | { strategy: 'weighted'; weights: number[]; normScore: boolean };

export interface RankedItem<K extends bigint | string> {
  key: K;
  /** The sub-search's own score (distance for L2, similarity otherwise). */
  score: number;
}

export interface FusedHit<K extends bigint | string> {
  key: K;
  score: number;
  /** Where the hit was first found: list index and position in it (for its output fields). */
  list: number;
  pos: number;
}

/** Maps a metric's score onto [0, 1], larger better. */
export function normalizeScore(metric: MetricType, s: number): number {
  switch (metric) {
    case 'IP': return 0.5 + Math.atan(s) / Math.PI;
    case 'COSINE': return (1 + s) / 2;
    case 'L2': return 1 - (2 * Math.atan(s)) / Math.PI;
    default: throw new Error(`no normalization for metric ${String(metric)}`);
  }
}

const compareKeys = (a: bigint | string, b: bigint | string) => (a < b ? -1 : a > b ? 1 : 0);

export function fuseRankings<K extends bigint | string>(
  lists: RankedItem<K>[][],
  ranker: Ranker,
  metric: MetricType,
  limit: number,
  offset: number,
): FusedHit<K>[] {
  if (ranker.strategy === 'weighted' && ranker.weights.length !== lists.length) {
    throw new Error(`weighted ranker: ${ranker.weights.length} weights for ${lists.length} lists`);
  }
  const fused = new Map<K, FusedHit<K>>();
  lists.forEach((list, i) => {
    const seen = new Set<K>();
    list.forEach((item, pos) => {
      // A key appears once per sub-search; should a list repeat one, its best rank counts.
      if (seen.has(item.key)) return;
      seen.add(item.key);
      const contribution = ranker.strategy === 'rrf'
        ? 1 / (ranker.k + pos + 1)
        : ranker.weights[i]! * (ranker.normScore ? normalizeScore(metric, item.score) : item.score);
      const prev = fused.get(item.key);
      if (prev) prev.score += contribution;
      else fused.set(item.key, { key: item.key, score: contribution, list: i, pos });
    });
  });
  const out = [...fused.values()];
  out.sort((a, b) => (a.score !== b.score ? b.score - a.score : compareKeys(a.key, b.key)));
  return out.slice(offset, offset + limit);
}

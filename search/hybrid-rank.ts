import type { MetricType } from '../engine/engine.js';

/**
 * Fusion of the ranked hit lists of a Milvus HybridSearch (one list per sub-search, for one
 * query vector) into one ordering. Pure: no I/O, no knowledge of segments or partials.
 *
 * - RRF: score(key) = sum over the lists containing key of 1 / (k + rank), rank from 1.
 * - Weighted: score(key) = sum over the lists containing key of weight_i * norm_i(score_i),
 *   where norm_i maps list i's metric onto [0, 1] with larger better (IP: 0.5 + atan(s)/pi,
 *   COSINE: (1 + s)/2, BM25: 2 atan(s)/pi, a distance (L2, HAMMING, JACCARD): 1 - 2 atan(d)/pi);
 *   without normalization the raw similarity (IP, COSINE, BM25 only) is weighted. Each list has
 *   its own metric: a BM25 search fuses with a dense one.
 *
 * The result is sorted by fused score, larger first, ties by primary key ascending, then
 * paged with [offset, offset + limit).
 */

export type Ranker = { strategy: 'rrf'; k: number } | { strategy: 'weighted'; weights: number[]; normScore: boolean };

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
    case 'IP':
      return 0.5 + Math.atan(s) / Math.PI;
    case 'COSINE':
      return (1 + s) / 2;
    case 'BM25':
      return (2 * Math.atan(s)) / Math.PI;
    case 'L2':
    case 'HAMMING':
    case 'JACCARD':
      return 1 - (2 * Math.atan(s)) / Math.PI;
    default:
      throw new Error(`no normalization for metric ${String(metric)}`);
  }
}

const compareKeys = (a: bigint | string, b: bigint | string) => (a < b ? -1 : a > b ? 1 : 0);

export function fuseRankings<K extends bigint | string>(
  lists: RankedItem<K>[][],
  ranker: Ranker,
  metrics: readonly MetricType[],
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
      const contribution =
        ranker.strategy === 'rrf'
          ? 1 / (ranker.k + pos + 1)
          : ranker.weights[i]! * (ranker.normScore ? normalizeScore(metrics[i]!, item.score) : item.score);
      const prev = fused.get(item.key);
      if (prev) prev.score += contribution;
      else fused.set(item.key, { key: item.key, score: contribution, list: i, pos });
    });
  });
  const out = [...fused.values()];
  out.sort((a, b) => (a.score !== b.score ? b.score - a.score : compareKeys(a.key, b.key)));
  return out.slice(offset, offset + limit);
}

/** What fusing a hybrid search's answers takes: the ranker, each sub-search's metric, the page and nq. */
export interface FusionPlan {
  ranker: Ranker;
  metrics: MetricType[];
  limit: number;
  offset: number;
  nq: number;
}

/** A fused hybrid answer: its hits query after query, their fused scores, each query's count. */
export interface FusedQueries<T> {
  hits: T[];
  scores: number[];
  topks: number[];
}

/**
 * Fuses a hybrid search query by query. `perSub[i][q]` is sub-search i's ranked hits for
 * query q, whatever a hit is to the caller; `rank` gives its key and its own score. Each fused
 * hit is the hit of the sub-search that found it first (its row gives the output fields).
 */
export function fuseQueries<T, K extends bigint | string>(
  perSub: T[][][],
  plan: FusionPlan,
  rank: (hit: T) => RankedItem<K>,
): FusedQueries<T> {
  const out: FusedQueries<T> = { hits: [], scores: [], topks: [] };
  for (let q = 0; q < plan.nq; q++) {
    const fused = fuseRankings(
      perSub.map((lists) => lists[q]!.map(rank)),
      plan.ranker,
      plan.metrics,
      plan.limit,
      plan.offset,
    );
    for (const f of fused) {
      out.hits.push(perSub[f.list]![q]![f.pos]!);
      out.scores.push(f.score);
    }
    out.topks.push(fused.length);
  }
  return out;
}

import type { VectorSearchResult } from '../../engine/engine.js';

/** Query q's hits as plain arrays, for toEqual; empty when the result has no query q. */
export function hitsOf(result: VectorSearchResult, q = 0): { offsets: number[]; scores: number[] } {
  return { offsets: Array.from(result.offsets[q] ?? []), scores: Array.from(result.scores[q] ?? []) };
}

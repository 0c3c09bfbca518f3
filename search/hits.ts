import type { PrimaryKey } from '../core/columns.js';
import { largerIsBetter } from '../core/vector-types.js';
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

/** L2, HAMMING and JACCARD are distances (smaller first); IP and COSINE are similarities (larger first). */
export { largerIsBetter } from '../core/vector-types.js';

/** One segment's answer to a search: per query, its rows and scores best first, as an index returns them. */
export interface SegmentHits {
  segment: Segment;
  offsets: Int32Array[];
  scores: Float32Array[];
}

/**
 * Merges the segments' hits of query `q` into the best `k`, keeping one hit per primary key:
 * the newest write, or the better score between writes of the same time. Candidates rank by
 * score, ties in the order of `lists` and then of each list (each list is best first); a key's
 * survivor ranks by its own score, ties by where its key first ranked. Candidates stay in
 * typed arrays: only the hits returned become objects.
 */
export function mergeSegmentHits(lists: SegmentHits[], q: number, k: number, metric: MetricType): Hit[] {
  const larger = largerIsBetter(metric);
  const sign = larger ? -1 : 1;
  const lens = Int32Array.from(lists, (l) => l.offsets[q]!.length);
  const n = lens.reduce((a, b) => a + b, 0);
  // Each list's next candidate, and its score as a badness (smaller is better).
  const heads = new Int32Array(lists.length);
  const headBad = Float64Array.from(lists, (l, i) => (lens[i]! ? sign * l.scores[q]![0]! : 0));
  // Candidates in rank order: a merge of the sorted lists, the first list winning ties.
  const from = new Int32Array(n);
  const rows = new Int32Array(n);
  const scores = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    let best = -1;
    for (let i = 0; i < lens.length; i++) {
      if (heads[i]! < lens[i]! && (best < 0 || headBad[i]! < headBad[best]!)) best = i;
    }
    const pos = heads[best]!++;
    from[c] = best;
    rows[c] = lists[best]!.offsets[q]![pos]!;
    scores[c] = lists[best]!.scores[q]![pos]!;
    if (pos + 1 < lens[best]!) headBad[best] = sign * lists[best]!.scores[q]![pos + 1]!;
  }
  // One survivor per key, in the slot where the key first ranked.
  const keys = lists.map((l) => l.segment.pkValues());
  const stamps = lists.map((l) => l.segment.timestamps());
  const slotOf = new Map<PrimaryKey, number>();
  let kept: number[] = [];
  let replaced = false;
  for (let c = 0; c < n; c++) {
    const pk = keys[from[c]!]![rows[c]!]!;
    const slot = slotOf.get(pk);
    if (slot === undefined) {
      slotOf.set(pk, kept.length);
      kept.push(c);
    } else if (stamps[from[c]!]![rows[c]!]! > stamps[from[kept[slot]!]!]![rows[kept[slot]!]!]!) {
      kept[slot] = c;
      replaced = true;
    }
  }
  // Survivors are in rank order unless a newer write, ranked lower, replaced one.
  if (replaced) {
    const slots = Array.from(kept.keys()).sort((a, b) => sign * (scores[kept[a]!]! - scores[kept[b]!]!) || a - b);
    kept = slots.map((slot) => kept[slot]!);
  }
  const out: Hit[] = [];
  for (let i = 0; i < kept.length && i < k; i++) {
    const c = kept[i]!;
    const list = lists[from[c]!]!;
    const row = rows[c]!;
    out.push({ segment: list.segment, row, pk: keys[from[c]!]![row]!, score: scores[c]!, ts: stamps[from[c]!]![row]! });
  }
  return out;
}

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

/** One segment's answer to a search: per query, its rows and scores best first, as an index returns them. */
export interface SegmentHits {
  segment: Segment;
  /** The segment's write timestamps (`Segment.timestamps()`), read once per search. */
  ts: Float64Array;
  offsets: Int32Array[];
  scores: Float32Array[];
}

/**
 * Merges the segments' hits of query `q` into the best `k`, keeping one hit per primary key:
 * the newest write, or the better score between writes of the same time. Candidates rank by
 * score, ties in the order of `lists` and then of each list; a key's survivor ranks by its own
 * score, ties by where its key first ranked. Candidates stay in typed arrays: only the hits
 * returned become objects.
 */
export function mergeSegmentHits(lists: SegmentHits[], q: number, k: number, metric: MetricType): Hit[] {
  let n = 0;
  for (const list of lists) n += list.offsets[q]!.length;
  const from = new Int32Array(n);
  const rows = new Int32Array(n);
  const scores = new Float64Array(n);
  const order = new Int32Array(n);
  let c = 0;
  for (let i = 0; i < lists.length; i++) {
    const offsets = lists[i]!.offsets[q]!;
    const listScores = lists[i]!.scores[q]!;
    for (let j = 0; j < offsets.length; j++, c++) {
      from[c] = i;
      rows[c] = offsets[j]!;
      scores[c] = listScores[j]!;
      order[c] = c;
    }
  }
  // Best first; equal scores keep the candidates' order (as a stable sort would).
  const sign = largerIsBetter(metric) ? -1 : 1;
  const better = (a: number, b: number) => sign * (scores[a]! - scores[b]!) || a - b;
  order.sort(better);
  const slotOf = new Map<PrimaryKey, number>();
  const kept: number[] = [];
  const tsOf = (cand: number) => lists[from[cand]!]!.ts[rows[cand]!]!;
  for (let i = 0; i < n; i++) {
    const cand = order[i]!;
    const pk = lists[from[cand]!]!.segment.pk(rows[cand]!);
    const slot = slotOf.get(pk);
    if (slot === undefined) {
      slotOf.set(pk, kept.length);
      kept.push(cand);
    } else if (tsOf(cand) > tsOf(kept[slot]!)) {
      kept[slot] = cand;
    }
  }
  const slots = Array.from(kept.keys()).sort((a, b) => sign * (scores[kept[a]!]! - scores[kept[b]!]!) || a - b);
  const out: Hit[] = [];
  for (let i = 0; i < slots.length && i < k; i++) {
    const cand = kept[slots[i]!]!;
    const list = lists[from[cand]!]!;
    const row = rows[cand]!;
    out.push({ segment: list.segment, row, pk: list.segment.pk(row), score: scores[cand]!, ts: list.ts[row]! });
  }
  return out;
}

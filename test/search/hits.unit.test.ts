import { expect, it } from 'vitest';
import type { MetricType } from '../../engine/engine.js';
import { largerIsBetter, mergeSegmentHits, type SegmentHits } from '../../search/hits.js';
import type { Segment } from '../../segment/segment.js';

/** A stand-in segment: keys and write stamps per row. */
function segment(keys: bigint[], stamps: number[]): Segment {
  const ts = Float64Array.from(stamps);
  return { pkValues: () => keys, timestamps: () => ts } as unknown as Segment;
}

/** The rules spelled out on plain objects: stable sort by score, newest write per key, re-sort. */
function reference(lists: SegmentHits[], k: number, metric: MetricType) {
  const all = lists.flatMap((l) =>
    Array.from(l.offsets[0]!, (row, j) => ({
      key: l.segment.pkValues()[row]!,
      score: l.scores[0]![j]!,
      ts: l.segment.timestamps()[row]!,
      seg: l.segment,
      row,
    })),
  );
  const better = largerIsBetter(metric)
    ? (a: { score: number }, b: { score: number }) => b.score - a.score
    : (a: { score: number }, b: { score: number }) => a.score - b.score;
  all.sort(better);
  const chosen = new Map<bigint | string, (typeof all)[number]>();
  for (const h of all) {
    const prev = chosen.get(h.key);
    if (!prev || h.ts > prev.ts) chosen.set(h.key, h);
  }
  return [...chosen.values()].sort(better).slice(0, k);
}

it('keeps the newest write per key, ranks ties in segment order, and a survivor by its own score', () => {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (const metric of ['L2', 'IP'] as const) {
    for (let trial = 0; trial < 300; trial++) {
      const lists: SegmentHits[] = Array.from({ length: 1 + rand(5) }, () => {
        // Few distinct keys, scores and stamps: duplicates and ties on every axis.
        const rows = 12;
        const seg = segment(
          Array.from({ length: rows }, () => BigInt(rand(8))),
          Array.from({ length: rows }, () => rand(3)),
        );
        const hits = 1 + rand(6);
        const offsets = Int32Array.from({ length: hits }, () => rand(rows));
        const scores = Float32Array.from({ length: hits }, () => rand(4));
        scores.sort();
        if (largerIsBetter(metric)) scores.reverse();
        return { segment: seg, offsets: [offsets], scores: [scores] };
      });
      const k = 1 + rand(8);
      const got = mergeSegmentHits(lists, 0, k, metric).map((h) => [h.segment, h.row, h.pk, h.score, h.ts]);
      const want = reference(lists, k, metric).map((h) => [h.seg, h.row, h.key, h.score, h.ts]);
      expect(got).toEqual(want);
    }
  }
});

/**
 * Random placement inputs for the routing property tests and balance-report.ts: group counts
 * 1 to 16 and segment lists of three size families, from a seeded generator so that every run
 * checks the same instances.
 */
import type { SegmentRows } from '../../../cluster/routing/router.js';
import { groupNames, totalRows } from './measure.js';

/** mulberry32: a small seeded generator of floats in [0, 1). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * - uniform: 1,000 to 100,000 rows;
 * - skewed: log-normal around 20,000 rows (sigma 0.8): many small segments and a long tail;
 * - few-large: 1,000 to 20,000 rows, and 1 to 3 segments of 3 to 6 times the average.
 * In every family the tail is cut at LARGEST_OVER_MEAN of a group's mean rows: a segment larger
 * than the bound's slack cannot always be placed within it (docs/routing.md).
 */
export const FAMILIES = ['uniform', 'skewed', 'few-large'] as const;
export type Family = (typeof FAMILIES)[number];

/** Where the generator cuts segment sizes, over the mean rows per group (before the cut). */
export const LARGEST_OVER_MEAN = 0.6;

export interface Instance {
  family: Family;
  groups: string[];
  segments: SegmentRows[];
}

const PREFIXES = ['g', 'reader-', 'group-'];

/** One instance: `groupCount` groups and about `perGroup` segments per group. */
export function randomInstance(random: () => number, family: Family, groupCount: number, perGroup: number): Instance {
  const count = Math.max(1, Math.round(groupCount * perGroup));
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  // Ids from a counter with gaps, as drops and compaction leave them.
  let id = between(1, 1_000_000);
  const segments: { id: number; rows: number }[] = [];
  for (let i = 0; i < count; i++) {
    const rows =
      family === 'uniform'
        ? between(1_000, 100_000)
        : family === 'skewed'
          ? Math.max(1, Math.round(20_000 * Math.exp(0.8 * normal())))
          : between(1_000, 20_000);
    segments.push({ id, rows });
    id += between(1, 4);
  }
  if (family === 'few-large') {
    const average = totalRows(segments) / count;
    for (let j = between(1, 3); j > 0; j--) segments[between(0, count - 1)]!.rows = Math.round((3 + 3 * random()) * average);
  }
  const cap = Math.floor((LARGEST_OVER_MEAN * totalRows(segments)) / groupCount);
  for (const s of segments) s.rows = Math.min(s.rows, cap);
  return { family, groups: groupNames(groupCount, PREFIXES[between(0, PREFIXES.length - 1)]), segments };
}

/** `perFamily` instances of each family: 1 to 16 groups, `perGroup` = [min, max] segments per group on average. */
export function randomInstances(seed: number, perFamily: number, perGroup: readonly [number, number]): Instance[] {
  const random = seeded(seed);
  return FAMILIES.flatMap((family) =>
    Array.from({ length: perFamily }, () =>
      randomInstance(random, family, 1 + Math.floor(random() * 16), perGroup[0] + random() * (perGroup[1] - perGroup[0])),
    ),
  );
}

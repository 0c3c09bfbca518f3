/**
 * Mix compaction planning, as Milvus's data coordinator plans it: per partition, small sealed
 * segments are merged into segments near the target size, and a segment whose deleted share
 * passes a threshold is rewritten without its deleted rows. Pure: it sees segment sizes only.
 */

/** The size compaction aims at: live rows, or MiB of segment data. */
export type SegmentSize = { unit: 'rows'; value: number } | { unit: 'MiB'; value: number };

/** What the planner knows of a sealed segment in service. */
export interface PlanCandidate {
  id: number;
  partitionId: number;
  /** Rows stored, deleted ones included. */
  rows: number;
  liveRows: number;
  /** Bytes of the segment's data file. */
  bytes: number;
}

export interface PlanOptions {
  target: SegmentSize;
  /** A segment whose deleted rows are more than this share of its rows is rewritten. */
  deletedRatio: number;
}

/** One compaction: its sources become one new segment (none, if no row is left). */
export interface CompactionPlan {
  partitionId: number;
  sources: number[];
}

const MIB = 1024 * 1024;

/** A candidate's live data in the target's unit. */
function liveSize(c: PlanCandidate, target: SegmentSize): number {
  if (target.unit === 'rows') return c.liveRows;
  return c.rows === 0 ? 0 : (c.bytes * (c.liveRows / c.rows)) / MIB;
}

const deletedShare = (c: PlanCandidate) => (c.rows === 0 ? 0 : (c.rows - c.liveRows) / c.rows);

/**
 * The plans for a collection's candidates. Within a partition, the segments smaller than the
 * target are packed first-fit, largest first, into groups of at most the target size (a
 * smaller segment topping up a larger one, as Milvus does); each group of two or more is a
 * merge. A segment left alone, or already at the target size, is rewritten only when its
 * deleted share passes the threshold. Ordered by partition, then by the first source.
 */
export function planCompactions(candidates: PlanCandidate[], o: PlanOptions): CompactionPlan[] {
  const byPartition = new Map<number, PlanCandidate[]>();
  for (const c of candidates) {
    const list = byPartition.get(c.partitionId);
    if (list) list.push(c);
    else byPartition.set(c.partitionId, [c]);
  }
  const plans: CompactionPlan[] = [];
  for (const [partitionId, segments] of [...byPartition].sort(([a], [b]) => a - b)) {
    const size = (c: PlanCandidate) => liveSize(c, o.target);
    const small = segments.filter((c) => size(c) < o.target.value).sort((a, b) => size(b) - size(a) || a.id - b.id);
    const groups: { members: PlanCandidate[]; size: number }[] = [];
    for (const c of small) {
      const fit = groups.find((g) => g.size + size(c) <= o.target.value);
      if (fit) {
        fit.members.push(c);
        fit.size += size(c);
      } else {
        groups.push({ members: [c], size: size(c) });
      }
    }
    const alone = [
      ...groups.filter((g) => g.members.length === 1).map((g) => g.members[0]!),
      ...segments.filter((c) => !small.includes(c)),
    ];
    const sets = [
      ...groups.filter((g) => g.members.length > 1).map((g) => g.members),
      ...alone.filter((c) => deletedShare(c) > o.deletedRatio).map((c) => [c]),
    ];
    for (const members of sets) plans.push({ partitionId, sources: members.map((c) => c.id).sort((a, b) => a - b) });
  }
  return plans.sort((a, b) => a.partitionId - b.partitionId || a.sources[0]! - b.sources[0]!);
}

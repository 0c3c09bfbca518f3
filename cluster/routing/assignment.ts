/** The Assignment every router returns, and the checks on the segment list they share. */
import { RoutingError, type Assignment, type SegmentRows } from './router.js';

/** An Assignment as a table: the owner of each segment as an index into the sorted groups. */
export class OwnerTable implements Assignment {
  readonly rows: ReadonlyMap<string, number>;
  readonly segmentCounts: ReadonlyMap<string, number>;

  /** `owners` maps each assigned segment id to its group's index in `groups`. */
  constructor(
    readonly groups: readonly string[],
    private readonly owners: ReadonlyMap<number, number>,
    segments: readonly SegmentRows[],
  ) {
    const rows = new Map(groups.map((g) => [g, 0]));
    const counts = new Map(groups.map((g) => [g, 0]));
    for (const s of segments) {
      const group = this.owner(s.id);
      if (group === undefined) continue;
      rows.set(group, rows.get(group)! + s.rows);
      counts.set(group, counts.get(group)! + 1);
    }
    this.rows = rows;
    this.segmentCounts = counts;
  }

  owner(segmentId: number): string | undefined {
    const index = this.owners.get(segmentId);
    return index === undefined ? undefined : this.groups[index];
  }

  partition(segmentIds: readonly number[]): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const id of segmentIds) {
      const group = this.owner(id);
      if (group === undefined) continue;
      const list = out.get(group);
      if (list) list.push(id);
      else out.set(group, [id]);
    }
    return out;
  }
}

/** Refuses a segment list a router cannot place deterministically: bad ids, rows or anchors, an id twice. */
export function checkSegments(segments: readonly SegmentRows[]): void {
  const seen = new Set<number>();
  for (const { id, rows, anchor } of segments) {
    if (!Number.isSafeInteger(id)) throw new RoutingError(`segment id ${id} is not an integer in the safe range`);
    if (!Number.isSafeInteger(rows) || rows < 0) throw new RoutingError(`segment ${id} has ${rows} rows; expected a non-negative integer`);
    if (anchor !== undefined && (typeof anchor !== 'string' || anchor === ''))
      throw new RoutingError(`segment ${id} has anchor ${JSON.stringify(anchor)}; expected a group name`);
    if (seen.has(id)) throw new RoutingError(`segment ${id} is listed twice`);
    seen.add(id);
  }
}

/**
 * The largest group's rows over the mean (1 is perfect balance), as `mishards ctl ring` and the
 * balance tests report it; undefined without groups or rows.
 */
export function imbalance(assignment: Assignment): number | undefined {
  const rows = [...assignment.rows.values()];
  const total = rows.reduce((a, b) => a + b, 0);
  if (rows.length === 0 || total === 0) return undefined;
  return Math.max(...rows) / (total / rows.length);
}

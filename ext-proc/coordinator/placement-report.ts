import type { Logger } from 'pino';
import type { Assignment } from '../../cluster/routing/router.js';
import { servedSegments, type CollectionView } from '../../meta/collection-view.js';
import type { DataNodeClientRequest } from '../../proto/data-node.js';
import type { SegmentPlacement } from '../../proto/generated/mishards/data/SegmentPlacement.js';
import type { NodeCaller } from './node-clients.js';

/**
 * How long a group that recorded placements name must have been out of this coordinator's
 * membership before it records segments moved off it: longer than memberships of different
 * coordinators take to agree, so one that has not seen a group join yet does not undo the
 * placement onto it.
 */
export const ORPHAN_GRACE_MS = 10_000;
const REPORT_DEADLINE_MS = 10_000;

/** What this coordinator knows of a group named by recorded placements but not in its membership. */
interface Absent {
  since: number;
  /** A placement moving segments off it was recorded already. */
  recorded: boolean;
}

/** What readers hold, as the last reconciliation pass found it. */
export interface ReaderHoldings {
  /** Segment ids some reader of the membership holds, per collection (readers that did not answer: as they last said). */
  held(collection: number): ReadonlySet<number>;
  /** Every reader of the membership answered the pass. */
  complete: boolean;
}

/**
 * Reports to the writable node, after a reconciliation pass, what it should record or drop
 * (ReportPlacement):
 *
 * - the placement, when the router puts a served segment elsewhere than its recorded group:
 *   the whole list with the recorded groups it was computed from, so the writer refuses it
 *   if its metadata moved on meanwhile. Segments moved off a group not in the membership are
 *   recorded only once that group has been absent for ORPHAN_GRACE_MS, and only once per
 *   absence: a coordinator whose membership lags does not keep undoing the placement of those
 *   that see the group.
 * - the retiring segments (compaction sources) that no reader holds, when every reader
 *   answered, so the writer drops them without waiting for its retention bound.
 */
export class PlacementReporter {
  private readonly absent = new Map<string, Absent>();

  constructor(
    private readonly writer: string,
    private readonly clients: NodeCaller,
    private readonly log: Logger,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Sends a report when there is anything to record or release; failures are logged, the next pass retries. */
  async send(views: readonly CollectionView[], assignment: Assignment, readers: ReaderHoldings): Promise<void> {
    const placements = this.placementToRecord(views, assignment);
    const released = readers.complete ? releasedSources(views, readers) : [];
    if (!placements.length && !released.length) return;
    const request: DataNodeClientRequest<'ReportPlacement'> = { placements, released_segment_ids: released.map(String) };
    try {
      const res = await this.clients.call(this.writer, 'ReportPlacement', request, Date.now() + REPORT_DEADLINE_MS);
      if (res.status.code !== 0) {
        this.log.warn({ reason: res.status.reason }, 'placement report refused');
      } else if (res.stale) {
        this.log.debug('placement report was computed from older metadata; reporting again from the newer');
      } else if (placements.length) {
        if (res.recorded > 0) this.log.info({ segments: res.recorded }, 'recorded segment placement');
        // The placement off these groups is recorded: not again while they stay away.
        const anchors = new Set(placements.map((p) => p.anchor));
        for (const [group, a] of this.absent) if (anchors.has(group)) a.recorded = true;
      }
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'placement report failed');
    }
  }

  /** Every served segment with its owner and recorded group, if any owner differs and may be recorded; else nothing. */
  private placementToRecord(views: readonly CollectionView[], assignment: Assignment): SegmentPlacement[] {
    const groups = new Set(assignment.groups);
    const served = views.flatMap(servedSegments);
    for (const name of this.absent.keys()) if (groups.has(name)) this.absent.delete(name);
    let orphansMayMove = true;
    for (const s of served) {
      if (s.placedGroup === undefined || groups.has(s.placedGroup)) continue;
      const a = this.absent.get(s.placedGroup) ?? { since: this.now(), recorded: false };
      this.absent.set(s.placedGroup, a);
      if (a.recorded || this.now() - a.since < ORPHAN_GRACE_MS) orphansMayMove = false;
    }
    if (!groups.size || !orphansMayMove || served.every((s) => assignment.owner(s.id) === s.placedGroup)) return [];
    return served.map((s) => ({ segment_id: String(s.id), group: assignment.owner(s.id)!, anchor: s.placedGroup ?? '' }));
  }
}

/** Retiring segments of the views that no reader holds. */
function releasedSources(views: readonly CollectionView[], readers: ReaderHoldings): number[] {
  return views.flatMap((v) => {
    const held = readers.held(v.record.id);
    return v.segments.filter((s) => s.compactedInto !== undefined && !held.has(s.id)).map((s) => s.id);
  });
}

import type { Assignment, Router, SegmentRows } from './routing/router.js';
import { servedSegments, type CollectionView, type SegmentInfo } from '../meta/collection-view.js';

/**
 * The placement of every served segment (sealed, in a loaded partition) of every collection on
 * one router: groups are balanced on their rows over all the collections they serve, and each
 * segment's recorded group is its anchor. Coordinators and readers compute it from the same
 * metadata feed, so they agree. The last result is kept and reused while the router and the
 * served segments (ids, rows and recorded groups) are unchanged, which is most metadata
 * changes (a growing segment's rows, an index build).
 */
export class ServedAssignment {
  private last: { router: Router; segments: SegmentInfo[]; assignment: Assignment } | undefined;

  of(router: Router, views: readonly CollectionView[]): Assignment {
    const segments = views.flatMap(servedSegments);
    const last = this.last;
    if (last && last.router === router && samePlacementInputs(last.segments, segments)) return last.assignment;
    const assignment = router.assign(segments.map(placementInput));
    this.last = { router, segments, assignment };
    return assignment;
  }
}

/** A served segment as the router takes it: its recorded group is its anchor. */
function placementInput(s: SegmentInfo): SegmentRows {
  return s.placedGroup === undefined ? { id: s.id, rows: s.rows } : { id: s.id, rows: s.rows, anchor: s.placedGroup };
}

function samePlacementInputs(a: readonly SegmentInfo[], b: readonly SegmentInfo[]): boolean {
  return a.length === b.length && a.every((s, i) => s.id === b[i]!.id && s.rows === b[i]!.rows && s.placedGroup === b[i]!.placedGroup);
}

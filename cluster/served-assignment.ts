import type { Assignment, Router } from './routing/router.js';
import { servedSegments, type CollectionView, type SegmentInfo } from '../meta/collection-view.js';

/**
 * The placement of every served segment (sealed, in a loaded partition) of every collection on
 * one router: groups are balanced on their rows over all the collections they serve. Coordinators
 * and readers compute it from the same metadata feed, so they agree. The last result is kept
 * and reused while the router and the served segments are unchanged, which is most metadata
 * changes (a growing segment's rows, an index build).
 */
export class ServedAssignment {
  private last: { router: Router; segments: SegmentInfo[]; assignment: Assignment } | undefined;

  of(router: Router, views: readonly CollectionView[]): Assignment {
    const segments = views.flatMap(servedSegments);
    const last = this.last;
    if (last && last.router === router && sameRows(last.segments, segments)) return last.assignment;
    const assignment = router.assign(segments);
    this.last = { router, segments, assignment };
    return assignment;
  }
}

function sameRows(a: readonly SegmentInfo[], b: readonly SegmentInfo[]): boolean {
  return a.length === b.length && a.every((s, i) => s.id === b[i]!.id && s.rows === b[i]!.rows);
}

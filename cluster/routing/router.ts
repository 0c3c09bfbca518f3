/**
 * The routing plug-in point of the coordinator. A Router places sealed segments on reader
 * groups; coordinators use the placement to split a search, readers to know which segments to
 * preload. Routers are immutable values built from a group set, and `assign` is a pure function
 * of the segment list it is given (ids, row counts and anchors, in any order): every process
 * that sees the same groups and the same segments computes the same Assignment. Routers are
 * built by kind through the registry in `registry.ts`.
 */
export interface Router {
  /** The routing scheme, for logs and `mishards ctl ring` (the default's is "bounded-load"). */
  readonly name: string;
  /** The group names, sorted (code-unit order), without duplicates. */
  readonly groups: readonly string[];
  /**
   * Places every segment of the list on one group. Segment ids must be distinct safe integers,
   * row counts non-negative safe integers and anchors non-empty strings; the order of the list
   * makes no difference.
   */
  assign(segments: readonly SegmentRows[]): Assignment;
}

/** A sealed segment as placement sees it. */
export interface SegmentRows {
  readonly id: number;
  readonly rows: number;
  /**
   * The group the segment was placed on in the last recorded placement; absent for a segment
   * never placed. A router may keep it there (the default does while the group exists and
   * the bounds hold) or ignore it (the plain ring does). An anchor naming a group not in the
   * router's set is the same as none.
   */
  readonly anchor?: string;
}

/** Where each segment of one `Router.assign` call lives. */
export interface Assignment {
  /** The router's groups, sorted. */
  readonly groups: readonly string[];
  /** The owner group of an assigned segment; undefined for any other id, or when there are no groups. */
  owner(segmentId: number): string | undefined;
  /**
   * Partitions `segmentIds` by owner: each assigned id lands in its owner's list, lists keep the
   * input order, ids that were not assigned are left out, groups that own none are absent.
   */
  partition(segmentIds: readonly number[]): Map<string, number[]>;
  /** Rows per group over the assigned segments, every group listed (0 when it owns none). */
  readonly rows: ReadonlyMap<string, number>;
  /** Assigned segments per group, every group listed. */
  readonly segmentCounts: ReadonlyMap<string, number>;
}

/** Builds a router over a group set; throws RoutingError for an invalid set. */
export type RouterFactory = (groups: readonly string[]) => Router;

/** A bad group set, segment list or router kind. */
export class RoutingError extends Error {
  override readonly name = 'RoutingError';
}

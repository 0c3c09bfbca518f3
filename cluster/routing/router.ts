/**
 * The routing plug-in point of the coordinator. A Router maps sealed segment ids to reader
 * groups; coordinators use it to split a search, readers to know which segments to preload.
 * Routers are immutable values built from a group set: when groups join or leave, build a new
 * one, so every process that sees the same group set computes the same assignment. Routers are
 * built by kind through the registry in `registry.ts`.
 */
export interface Router {
  /** The routing scheme, for logs and metrics (the default ring's is "consistent-hash"). */
  readonly name: string;
  /** The group names, sorted (code-unit order), without duplicates. */
  readonly groups: readonly string[];
  /** The group that owns a sealed segment, or undefined when there are no groups. */
  owner(segmentId: number): string | undefined;
  /**
   * Partitions `segmentIds` by owner: every input id lands in exactly one list, lists keep the
   * input order, groups that own none of them are absent. With no groups the map is empty.
   */
  assign(segmentIds: readonly number[]): Map<string, number[]>;
}

/** Builds a router over a group set; throws RoutingError for an invalid set. */
export type RouterFactory = (groups: readonly string[]) => Router;

/** A bad group set, segment id or router kind. */
export class RoutingError extends Error {
  override readonly name = 'RoutingError';
}

/**
 * The default router: consistent hashing with bounded loads, in rows. Every group may hold at
 * most `capacity = floor(loadFactor x total rows / groups)` rows. Segments are placed one by
 * one, largest first, each on the first group clockwise from its position on the ring that
 * still has room for it: its ring owner when that has room, else the next group round the ring.
 * A group joining or leaving changes the owners of its own segments and, through the loads,
 * of some others (figures in docs/routing.md).
 *
 * The bound: a segment finds no group with room only when it is larger than
 * (N x capacity - total) / (N - 1), about a quarter of the mean; then it goes to the least
 * loaded group (ties: first in name order), which can exceed the capacity. So when every
 * segment is at most a quarter of the mean, no group holds more than loadFactor x mean rows;
 * with larger segments the bound is what the property tests measure (test/cluster/routing).
 *
 * Deterministic: the result depends only on the group set and the set of (id, rows) pairs.
 * Segments are placed in one canonical order (rows descending, then id ascending, ids being
 * distinct), ring positions and ring ties are the ring's own (`consistent-hash-ring.ts`), and
 * loads are integers below 2^53, so input order, process and platform make no difference.
 */
import { checkSegments, OwnerTable } from './assignment.js';
import { ConsistentHashRing, segmentHash, type RingOptions } from './consistent-hash-ring.js';
import { RoutingError, type Assignment, type Router, type SegmentRows } from './router.js';

/** Largest group over the mean the walk allows (the bound the issue sets for placement). */
export const DEFAULT_LOAD_FACTOR = 1.25;

export interface BoundedLoadOptions extends RingOptions {
  /** A group's capacity over the mean, at least 1; DEFAULT_LOAD_FACTOR when omitted. */
  loadFactor?: number;
}

export class BoundedLoadRing implements Router {
  static readonly kind = 'bounded-load';
  readonly name = BoundedLoadRing.kind;
  readonly groups: readonly string[];
  readonly loadFactor: number;
  readonly ring: ConsistentHashRing;

  constructor(groups: readonly string[], options: BoundedLoadOptions = {}) {
    const loadFactor = options.loadFactor ?? DEFAULT_LOAD_FACTOR;
    if (!(loadFactor >= 1) || !Number.isFinite(loadFactor))
      throw new RoutingError(`loadFactor must be a finite number >= 1, got ${loadFactor}`);
    this.loadFactor = loadFactor;
    this.ring = new ConsistentHashRing(groups, options);
    this.groups = this.ring.groups;
  }

  /** The most rows the walk puts on one group for a list of `totalRows` rows. */
  capacity(totalRows: number): number {
    // loadFactor x total is exact for 1.25 (a power-of-two fraction) below 2^50 rows, and the
    // quotient's distance to the next integer (a multiple of 1/(4N)) dwarfs its rounding error.
    return this.groups.length === 0 ? 0 : Math.floor((this.loadFactor * totalRows) / this.groups.length);
  }

  assign(segments: readonly SegmentRows[]): Assignment {
    checkSegments(segments);
    const owners = new Map<number, number>();
    if (this.groups.length > 0) {
      const order = [...segments].sort((a, b) => b.rows - a.rows || a.id - b.id);
      const capacity = this.capacity(order.reduce((sum, s) => sum + s.rows, 0));
      const loads = new Array<number>(this.groups.length).fill(0);
      for (const { id, rows } of order) {
        let group = this.ring.firstClockwise(segmentHash(id), (g) => loads[g]! + rows <= capacity);
        if (group < 0) group = leastLoaded(loads);
        loads[group]! += rows;
        owners.set(id, group);
      }
    }
    return new OwnerTable(this.groups, owners, segments);
  }
}

/** Index of the smallest load; on a tie the lowest index, i.e. the group first in name order. */
function leastLoaded(loads: readonly number[]): number {
  let best = 0;
  for (let g = 1; g < loads.length; g++) if (loads[g]! < loads[best]!) best = g;
  return best;
}

/**
 * The consistent hash ring of virtual nodes that placement is built on. Each group owns
 * `vnodes` points on a 32-bit ring; a segment belongs to the first point at or clockwise after
 * the hash of its id. Many points per group even out the arcs, and a group joining or leaving
 * only takes or gives back the arcs next to its own points, so about 1/N of the segments move.
 *
 * As a router (kind "consistent-hash") it places by hash alone, ignoring row counts: with few
 * segments per group that is far from balanced in rows, which is why the default router is the
 * bounded-load walk over this ring (`bounded-load-ring.ts`). Tests use it as the baseline.
 *
 * Every placement is a pure function of the group set and the vnode count: points are hashed
 * with MurmurHash3 x86_32 over fixed byte layouts and ties are broken by group name, so the
 * order in which groups are listed, the process and the platform make no difference.
 */
import { checkSegments, OwnerTable } from './assignment.js';
import { murmur3x86_32 } from './hash.js';
import { RoutingError, type Assignment, type Router, type SegmentRows } from './router.js';

/**
 * Points per group. The imbalance of the arcs shrinks roughly like 1/sqrt(vnodes); at 256 no
 * group of 2 to 10 owns more than about 13% over the mean share of the ring, and a ring of 8
 * groups builds in under a millisecond (figures in docs/routing.md). More points buy little:
 * tens of segments per group scatter more than that anyway.
 */
export const DEFAULT_VNODES = 256;

export interface RingOptions {
  /** Virtual nodes per group, a positive integer; DEFAULT_VNODES when omitted. */
  vnodes?: number;
}

const utf8 = new TextEncoder();

/**
 * A group's points: for vnode index v, the hash of the name's UTF-8 bytes followed by v as 4
 * little-endian bytes. The suffix has a fixed size, so no two (name, index) pairs share a key.
 */
export function groupPoints(group: string, vnodes: number): Uint32Array {
  const name = utf8.encode(group);
  const key = new Uint8Array(name.length + 4);
  key.set(name);
  const view = new DataView(key.buffer);
  const points = new Uint32Array(vnodes);
  for (let v = 0; v < vnodes; v++) {
    view.setUint32(name.length, v, true);
    points[v] = murmur3x86_32(key);
  }
  return points;
}

const TWO_32 = 2 ** 32;
const idKey = new Uint8Array(8);
const idView = new DataView(idKey.buffer);

/** A segment's position: the hash of its id as an 8-byte little-endian int64 (the proto's int64, two's complement). */
export function segmentHash(segmentId: number): number {
  if (!Number.isSafeInteger(segmentId)) throw new RoutingError(`segment id ${segmentId} is not an integer in the safe range`);
  // Split without BigInt: floor division gives the high word (negative for negative ids), and
  // >>> 0 turns it into its two's complement bits.
  const high = Math.floor(segmentId / TWO_32);
  idView.setUint32(0, segmentId - high * TWO_32, true);
  idView.setUint32(4, high >>> 0, true);
  return murmur3x86_32(idKey);
}

export class ConsistentHashRing implements Router {
  static readonly kind = 'consistent-hash';
  readonly name = ConsistentHashRing.kind;
  readonly groups: readonly string[];
  readonly vnodes: number;
  /** Point positions, ascending. */
  private readonly points: Uint32Array;
  /** owners[i] indexes `groups` for points[i]. */
  private readonly owners: Uint32Array;
  /** Per group, the walk that last offered it (firstClockwise offers each group once per walk). */
  private readonly offeredIn: Uint32Array;
  private walkStamp = 0;

  constructor(groups: readonly string[], options: RingOptions = {}) {
    const vnodes = options.vnodes ?? DEFAULT_VNODES;
    if (!Number.isInteger(vnodes) || vnodes < 1) throw new RoutingError(`vnodes must be a positive integer, got ${vnodes}`);
    this.vnodes = vnodes;
    this.groups = checkedGroups(groups);

    const count = this.groups.length * vnodes;
    const positions = new Uint32Array(count);
    const order = new Uint32Array(count);
    for (const [g, group] of this.groups.entries()) positions.set(groupPoints(group, vnodes), g * vnodes);
    for (let i = 0; i < count; i++) order[i] = i;
    // Equal positions (rare with 32 bits, but possible) go to the group first in name order,
    // then the lower vnode index: `order` indexes group-major in sorted name order, so comparing
    // indexes is exactly that tie-break.
    order.sort((a, b) => positions[a]! - positions[b]! || a - b);
    this.points = new Uint32Array(count);
    this.owners = new Uint32Array(count);
    this.offeredIn = new Uint32Array(this.groups.length);
    order.forEach((p, i) => {
      this.points[i] = positions[p]!;
      this.owners[i] = Math.floor(p / vnodes);
    });
  }

  /** The group whose point is first at or clockwise after the segment's position. */
  owner(segmentId: number): string | undefined {
    const hash = segmentHash(segmentId);
    if (this.points.length === 0) return undefined;
    return this.groups[this.owners[this.firstPointAtOrAfter(hash)]!];
  }

  /** Places each segment on its owner by hash; row counts play no part. */
  assign(segments: readonly SegmentRows[]): Assignment {
    checkSegments(segments);
    const owners = new Map<number, number>();
    if (this.points.length > 0) {
      for (const s of segments) owners.set(s.id, this.owners[this.firstPointAtOrAfter(segmentHash(s.id))]!);
    }
    return new OwnerTable(this.groups, owners, segments);
  }

  /**
   * Walks the ring clockwise from `hash`, offering each group once, in the order of its first
   * point met, to `accept`; returns the index (into `groups`) of the first group accepted, or
   * -1 when every group was refused (or there are none). The first group offered is the owner.
   * `accept` must not start another walk on this ring.
   */
  firstClockwise(hash: number, accept: (group: number) => boolean): number {
    const n = this.points.length;
    if (n === 0) return -1;
    this.walkStamp = (this.walkStamp + 1) >>> 0;
    if (this.walkStamp === 0) {
      // 2^32 walks on one ring: clear the stamps rather than mistake an old walk for this one.
      this.offeredIn.fill(0);
      this.walkStamp = 1;
    }
    let offered = 0;
    for (let i = this.firstPointAtOrAfter(hash); offered < this.groups.length; i = i + 1 === n ? 0 : i + 1) {
      const group = this.owners[i]!;
      if (this.offeredIn[group] === this.walkStamp) continue;
      this.offeredIn[group] = this.walkStamp;
      offered++;
      if (accept(group)) return group;
    }
    return -1;
  }

  /** Binary search for the first point >= hash, wrapping past the last point to the first. */
  private firstPointAtOrAfter(hash: number): number {
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.points[mid]! < hash) lo = mid + 1;
      else hi = mid;
    }
    return lo === this.points.length ? 0 : lo;
  }
}

/** Sorted copy of the group names; empty and duplicate names are configuration mistakes. */
function checkedGroups(groups: readonly string[]): readonly string[] {
  const seen = new Set<string>();
  for (const g of groups) {
    if (typeof g !== 'string' || g === '') throw new RoutingError(`group names must be non-empty strings, got ${JSON.stringify(g)}`);
    if (seen.has(g)) throw new RoutingError(`group "${g}" is listed twice`);
    seen.add(g);
  }
  return Object.freeze([...seen].sort());
}

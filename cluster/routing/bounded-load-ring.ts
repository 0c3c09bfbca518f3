/**
 * The default router: bounded loads in rows, anchored on the last recorded placement.
 *
 * Every group should hold between `lower = ceil(floorFactor x mean)` and
 * `upper = floor(loadFactor x mean)` rows (0.8 and 1.25 by default).
 *
 * 1. Anchored segments stay on their anchor group while it exists.
 * 2. The others (new, or orphaned by a group that left) are placed one by one, largest first:
 *    on the least loaded group that stays within `upper` with it; when none does, on the group
 *    that makes room by evicting the fewest rows of smaller segments, which are placed again
 *    the same way. Among equal choices, the first group the ring walk from the segment offers.
 * 3. Repair: while the largest group is over `upper` or the smallest under `lower`, rows move
 *    from the one to the others (or from the others to the one): a single segment when one
 *    narrows the gap, else a swap of a larger segment for a smaller one; each step shifts fewer
 *    rows than the gap between its two groups, so the sum of the squared loads drops every
 *    time and the repair ends.
 *
 * A segment moves only when its group leaves or a bound is violated, so a placement fed back
 * as anchors gives itself back (idempotent), a new segment moves no other unless there is no
 * room for it or a bound breaks, and a group joining or leaving moves little more than its
 * own share (figures in docs/routing.md). Without anchors (a cold start) the same steps place
 * everything from scratch.
 *
 * Deterministic: the result depends only on the group set and the set of (id, rows, anchor)
 * triples. Every choice has a total order (rows, then id; load, then ring order or name order),
 * ring positions and ties are the ring's own (`consistent-hash-ring.ts`), loads are integers
 * below 2^53, and the bounds come from the same double operations in every process.
 */
import { checkSegments, OwnerTable } from './assignment.js';
import { ConsistentHashRing, segmentHash, type RingOptions } from './consistent-hash-ring.js';
import { RoutingError, type Assignment, type Router, type SegmentRows } from './router.js';

/** Largest group over the mean the repair allows (the bound the issue sets for placement). */
export const DEFAULT_LOAD_FACTOR = 1.25;
/** Smallest group over the mean the repair allows: a joining group is filled to it at once. */
export const DEFAULT_FLOOR_FACTOR = 0.8;

export interface BoundedLoadOptions extends RingOptions {
  /** A group's most rows over the mean, at least 1; DEFAULT_LOAD_FACTOR when omitted. */
  loadFactor?: number;
  /** A group's fewest rows over the mean, in [0, 1]; DEFAULT_FLOOR_FACTOR when omitted. */
  floorFactor?: number;
}

/** The rows a group should hold: the repair moves segments while a group is outside them. */
export interface LoadBounds {
  lower: number;
  upper: number;
}

interface Placed {
  id: number;
  rows: number;
}

export class BoundedLoadRing implements Router {
  static readonly kind = 'bounded-load';
  readonly name = BoundedLoadRing.kind;
  readonly groups: readonly string[];
  readonly loadFactor: number;
  readonly floorFactor: number;
  readonly ring: ConsistentHashRing;
  private readonly indexOf: ReadonlyMap<string, number>;

  constructor(groups: readonly string[], options: BoundedLoadOptions = {}) {
    const loadFactor = options.loadFactor ?? DEFAULT_LOAD_FACTOR;
    if (!(loadFactor >= 1) || !Number.isFinite(loadFactor))
      throw new RoutingError(`loadFactor must be a finite number >= 1, got ${loadFactor}`);
    const floorFactor = options.floorFactor ?? DEFAULT_FLOOR_FACTOR;
    if (!(floorFactor >= 0 && floorFactor <= 1)) throw new RoutingError(`floorFactor must be a number in [0, 1], got ${floorFactor}`);
    this.loadFactor = loadFactor;
    this.floorFactor = floorFactor;
    this.ring = new ConsistentHashRing(groups, options);
    this.groups = this.ring.groups;
    this.indexOf = new Map(this.groups.map((g, i) => [g, i]));
  }

  /** The fewest and most rows a group should hold for a list of `totalRows` rows. */
  bounds(totalRows: number): LoadBounds {
    const n = this.groups.length;
    if (n === 0) return { lower: 0, upper: 0 };
    // ceil and floor: a group within the bounds is within the factors of the mean exactly.
    // loadFactor x total is exact for 1.25 (a power-of-two fraction) below 2^50 rows, and the
    // quotient's distance to the next integer (a multiple of 1/(4N)) dwarfs its rounding error.
    return { lower: Math.ceil((this.floorFactor * totalRows) / n), upper: Math.floor((this.loadFactor * totalRows) / n) };
  }

  assign(segments: readonly SegmentRows[]): Assignment {
    checkSegments(segments);
    const owners = new Map<number, number>();
    if (this.groups.length === 0) return new OwnerTable(this.groups, owners, segments);
    const loads = new Loads(this.groups.length, owners);
    const unplaced: Placed[] = [];
    for (const s of segments) {
      const anchor = s.anchor === undefined ? undefined : this.indexOf.get(s.anchor);
      if (anchor === undefined) unplaced.push({ id: s.id, rows: s.rows });
      else loads.put({ id: s.id, rows: s.rows }, anchor);
    }
    const bounds = this.bounds(segments.reduce((sum, s) => sum + s.rows, 0));
    this.placeAll(unplaced, loads, bounds);
    repair(loads, bounds);
    return new OwnerTable(this.groups, owners, segments);
  }

  /**
   * Places segments without a live anchor, largest first. One that fits nowhere evicts the
   * cheapest set of smaller segments from one group, and they join the queue: the queue is
   * taken in one total order and only ever gains segments later in it than the one just
   * taken, so no segment is taken twice and the loop ends.
   */
  private placeAll(unplaced: Placed[], loads: Loads, bounds: LoadBounds): void {
    const { load, held } = loads;
    const queue = [...unplaced].sort(largestFirst);
    while (queue.length) {
      const s = queue.shift()!;
      const room = (g: number) => load[g]! + s.rows <= bounds.upper;
      if (load.some((_, g) => room(g))) {
        loads.put(s, this.firstInRing(s, leastLoadedAmong(load, room)));
        continue;
      }
      const evictions = held.map((segments, g) => cheapestEviction(segments, s, load[g]! + s.rows - bounds.upper));
      const cost = (g: number) => evictions[g]?.rows ?? Number.POSITIVE_INFINITY;
      const cheapest = Math.min(...load.map((_, g) => cost(g)));
      // No group can make room: the least loaded takes it, and the bound stays violated.
      const group = this.firstInRing(
        s,
        leastLoadedAmong(load, (g) => cost(g) === cheapest),
      );
      const evicted = evictions[group]?.segments ?? [];
      for (const out of evicted) loads.remove(out, group);
      loads.put(s, group);
      queue.push(...evicted);
      queue.sort(largestFirst);
    }
  }

  /** The first group marked in `among` that the ring walk from the segment's position offers; -1 if none is. */
  private firstInRing(s: Placed, among: readonly boolean[]): number {
    return this.ring.firstClockwise(segmentHash(s.id), (g) => among[g]!);
  }
}

/** Per group: its rows and its segments; `owners` is kept in step. */
class Loads {
  readonly load: number[];
  readonly held: Placed[][];

  constructor(
    groups: number,
    private readonly owners: Map<number, number>,
  ) {
    this.load = new Array<number>(groups).fill(0);
    this.held = Array.from({ length: groups }, () => []);
  }

  put(s: Placed, group: number): void {
    this.owners.set(s.id, group);
    this.load[group]! += s.rows;
    this.held[group]!.push(s);
  }

  remove(s: Placed, group: number): void {
    const list = this.held[group]!;
    list.splice(list.indexOf(s), 1);
    this.load[group]! -= s.rows;
    this.owners.delete(s.id);
  }

  transfer(s: Placed, from: number, to: number): void {
    this.remove(s, from);
    this.put(s, to);
  }
}

/** Rows descending, then id ascending: a total order, ids being distinct. */
const largestFirst = (a: Placed, b: Placed) => b.rows - a.rows || a.id - b.id;

/** Marks the groups accepted by `accept` whose load is the least among them. */
function leastLoadedAmong(load: readonly number[], accept: (g: number) => boolean): boolean[] {
  let least = Number.POSITIVE_INFINITY;
  for (let g = 0; g < load.length; g++) if (accept(g) && load[g]! < least) least = load[g]!;
  return load.map((l, g) => accept(g) && l === least);
}

/**
 * The segments of one group, each smaller than `s`, whose eviction frees at least `excess`
 * rows, with few rows in all: the smallest one large enough alone, or the largest first while
 * short of it (ending on the smallest that covers the rest), whichever sum is smaller.
 * Undefined when the smaller segments together do not cover the excess.
 */
function cheapestEviction(held: readonly Placed[], s: Placed, excess: number): { segments: Placed[]; rows: number } | undefined {
  const smaller = held.filter((h) => largestFirst(s, h) < 0).sort(largestFirst);
  let best: { segments: Placed[]; rows: number } | undefined;
  const taken: Placed[] = [];
  let rows = 0;
  for (const h of smaller) {
    if (rows + h.rows >= excess) {
      // h covers what is left: a candidate; keep looking for a smaller one that does too.
      if (!best || rows + h.rows < best.rows) best = { segments: [...taken, h], rows: rows + h.rows };
    } else {
      taken.push(h);
      rows += h.rows;
    }
  }
  return best;
}

/**
 * One repair step: `out` goes from group `from` to group `to`, and `back`, when set, the other
 * way (a swap). `delta` is the rows `from` sheds and `to` gains.
 */
interface Move {
  from: number;
  to: number;
  out: Placed;
  back: Placed | undefined;
  delta: number;
  moved: number;
  /** Leaves both groups within the bounds. */
  fits: boolean;
}

/**
 * Moves segments while a bound is violated: off the most loaded group when it is over the
 * upper bound, else onto the least loaded one when it is under the lower bound. Every step
 * shifts fewer rows than the gap between its two groups, so the sum of the squared loads
 * drops by at least 2 each time and the loop ends; the cap on steps is far above what any
 * placement takes and only guards against a mistake here. Without such a step the violation
 * stays (a segment too large for the bound).
 */
function repair(loads: Loads, bounds: LoadBounds): void {
  const { load } = loads;
  const cap = 64 * (loads.held.reduce((n, h) => n + h.length, 0) + load.length);
  for (let step = 0; step < cap; step++) {
    const hi = extreme(load, (a, b) => a > b);
    const lo = extreme(load, (a, b) => a < b);
    const others = (except: number) => load.map((_, g) => g).filter((g) => g !== except);
    const move =
      load[hi]! > bounds.upper
        ? bestMove(loads, bounds, load[hi]! - bounds.upper, [hi], others(hi))
        : load[lo]! < bounds.lower
          ? bestMove(loads, bounds, bounds.lower - load[lo]!, others(lo), [lo])
          : undefined;
    if (!move) return;
    loads.transfer(move.out, move.from, move.to);
    if (move.back) loads.transfer(move.back, move.to, move.from);
  }
}

/** Index of the first group whose load beats every other by `better`: the first in name order on a tie. */
function extreme(load: readonly number[], better: (a: number, b: number) => boolean): number {
  let best = 0;
  for (let g = 1; g < load.length; g++) if (better(load[g]!, load[best]!)) best = g;
  return best;
}

/**
 * The best step shifting rows from a group of `donors` to one of `receivers`, to cover `need`
 * rows. A single move, when one narrows the gap, goes to the least loaded receiver (the
 * largest gap, the most room); only without one, a swap with any receiver (it moves more
 * rows). Preferred: a step that covers `need` and fits, moving the fewest rows; else one that
 * fits, shifting the most rows below `need`; else any, the same way.
 */
function bestMove(
  loads: Loads,
  bounds: LoadBounds,
  need: number,
  donors: readonly number[],
  receivers: readonly number[],
): Move | undefined {
  const { load, held } = loads;
  let best: Move | undefined;
  // One scratch step, copied only when it beats the best: this loop runs over every segment.
  const step: Move = { from: 0, to: 0, out: { id: 0, rows: 0 }, back: undefined, delta: 0, moved: 0, fits: false };
  const consider = (from: number, to: number, out: Placed, back: Placed | undefined) => {
    const delta = out.rows - (back?.rows ?? 0);
    if (delta <= 0 || delta >= load[from]! - load[to]!) return;
    step.from = from;
    step.to = to;
    step.out = out;
    step.back = back;
    step.delta = delta;
    step.moved = out.rows + (back?.rows ?? 0);
    step.fits = load[to]! + delta <= bounds.upper && load[from]! - delta >= bounds.lower;
    if (!best || preference(step, best, need) < 0) best = { ...step };
  };
  const emptiest = receivers.reduce((a, b) => (load[b]! < load[a]! ? b : a));
  for (const from of donors) for (const out of held[from]!) consider(from, emptiest, out, undefined);
  if (best) return best;
  for (const from of donors) {
    for (const out of held[from]!) for (const to of receivers) for (const back of held[to]!) consider(from, to, out, back);
  }
  return best;
}

/** Orders two steps (negative: `a` first); total, so the choice is deterministic. */
function preference(a: Move, b: Move, need: number): number {
  const aCovers = covers(a, need);
  if (aCovers !== covers(b, need)) return aCovers ? -1 : 1;
  if (aCovers) return a.moved - b.moved || tieBreak(a, b);
  if (a.fits !== b.fits) return a.fits ? -1 : 1;
  const aShort = a.delta <= need;
  if (aShort !== b.delta <= need) return aShort ? -1 : 1;
  // Short of the need: the most progress; past it (not fitting): the least overshoot.
  return (aShort ? b.delta - a.delta : a.delta - b.delta) || a.moved - b.moved || tieBreak(a, b);
}

/** Ends the violation without starting another. */
const covers = (m: Move, need: number) => m.fits && m.delta >= need;

function tieBreak(a: Move, b: Move): number {
  return a.from - b.from || a.to - b.to || a.out.id - b.out.id || (a.back?.id ?? -1) - (b.back?.id ?? -1);
}

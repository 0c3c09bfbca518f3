/**
 * The default router, bounded loads anchored on the recorded placement: the placement
 * properties over random instances (and that they catch routers without them), determinism,
 * the bounds, and segments too large for them.
 */
import { describe, expect, it } from 'vitest';
import { OwnerTable } from '../../../cluster/routing/assignment.js';
import { BoundedLoadRing, DEFAULT_FLOOR_FACTOR, DEFAULT_LOAD_FACTOR } from '../../../cluster/routing/bounded-load-ring.js';
import { ConsistentHashRing, segmentHash } from '../../../cluster/routing/consistent-hash-ring.js';
import { RoutingError, type Assignment, type Router, type RouterFactory, type SegmentRows } from '../../../cluster/routing/router.js';
import { balance, equalSegments, groupNames, moves, sequentialIds, totalRows } from './measure.js';
import {
  anchoredTo,
  BALANCE_BOUND,
  givesItselfBack,
  joinAndLeave,
  maxOverMean,
  MOVEMENT_BOUND,
  placed,
  sealChurn,
  type Prior,
} from './properties.js';
import { randomInstances, seeded, type Instance } from './random-segments.js';

const bounded: RouterFactory = (groups) => new BoundedLoadRing(groups);
const plainRing: RouterFactory = (groups) => new ConsistentHashRing(groups);
/** The same router with every anchor dropped: a stateless placement, as consistent hashing with bounded loads is. */
const forgetful: RouterFactory = (groups) => {
  const router = new BoundedLoadRing(groups);
  return { name: 'forgetful', groups: router.groups, assign: (segments) => router.assign(segments.map(({ id, rows }) => ({ id, rows }))) };
};
/** Hash modulo the group count: balanced in counts, but nearly everything moves when N changes. */
const modulo: RouterFactory = (groups) => {
  const sorted = [...groups].sort();
  const router: Router = {
    name: 'modulo',
    groups: sorted,
    assign: (segments) => new OwnerTable(sorted, new Map(segments.map((s) => [s.id, segmentHash(s.id) % sorted.length])), segments),
  };
  return router;
};
/**
 * A sticky router that is not a fixed point of its own output: it keeps anchors, puts new
 * segments on the least loaded group, then evens out a little on every call, bounds or not:
 * the smallest segment of the most loaded group moves to the least loaded one.
 */
const stepwise: RouterFactory = (groups) => {
  const sorted = [...groups].sort();
  const assign = (segments: readonly SegmentRows[]): Assignment => {
    const loads = sorted.map(() => 0);
    const owners = new Map<number, number>();
    const put = (s: SegmentRows, g: number) => {
      owners.set(s.id, g);
      loads[g]! += s.rows;
    };
    const fresh = segments.filter((s) => !sorted.includes(s.anchor ?? ''));
    for (const s of segments) if (!fresh.includes(s)) put(s, sorted.indexOf(s.anchor!));
    for (const s of [...fresh].sort((a, b) => b.rows - a.rows || a.id - b.id)) put(s, loads.indexOf(Math.min(...loads)));
    if (sorted.length) {
      const hi = loads.indexOf(Math.max(...loads));
      const lo = loads.indexOf(Math.min(...loads));
      const smallest = segments.filter((s) => owners.get(s.id) === hi).sort((a, b) => a.rows - b.rows || a.id - b.id)[0];
      if (smallest && hi !== lo) owners.set(smallest.id, lo);
    }
    return new OwnerTable(sorted, owners, segments);
  };
  return { name: 'stepwise', groups: sorted, assign };
};

/** Few segments per group, where balance is hard: 3 to 12 on average, 300 instances. */
const FEW = randomInstances(1, 100, [3, 12]);
/** Many segments per group: 64 to 128 on average, 120 instances. */
const MANY = randomInstances(2, 40, [64, 128]);
const PRIORS: Prior[] = ['cold', 'grown'];

const describeInstance = (i: Instance) => `${i.family}, ${i.groups.length} groups (${i.groups[0]}..), ${i.segments.length} segments`;

/** Instances whose largest group holds more than the bound. */
function balanceViolations(make: RouterFactory, instances: Instance[], prior: Prior = 'cold'): string[] {
  return instances.flatMap((i) => {
    const ratio = maxOverMean(make, i, prior);
    return ratio > BALANCE_BOUND ? [`${describeInstance(i)}: max/mean ${ratio.toFixed(3)}`] : [];
  });
}

/** Joins and leaves that move more than the bound (groups picked by a fixed seed). */
function movementViolations(make: RouterFactory, instances: Instance[], prior: Prior = 'cold'): string[] {
  const random = seeded(99);
  return instances.flatMap((i) => {
    const m = joinAndLeave(make, i, random, prior);
    if (!m) return [];
    const out = [];
    if (m.join > MOVEMENT_BOUND) out.push(`${describeInstance(i)}: ${m.joining} joining moves ${m.join.toFixed(2)}/N`);
    if (m.leave > MOVEMENT_BOUND) out.push(`${describeInstance(i)}: ${m.leaving} leaving moves ${m.leave.toFixed(2)}/N`);
    return out;
  });
}

/** Instances whose placement, fed back as anchors, does not give itself back. */
function idempotenceViolations(make: RouterFactory, instances: Instance[], prior: Prior): string[] {
  return instances.flatMap((i) =>
    givesItselfBack(make, i.groups, i.segments, placed(make, i.groups, i.segments, prior)) ? [] : [describeInstance(i)],
  );
}

/**
 * Whether the default router may move other segments when `added` is sealed onto `before`: when
 * no group has room for it within the upper bound, or when a bound is violated with it on the
 * least loaded group that has room.
 */
function sealMayMove(groups: readonly string[], before: Assignment, segments: readonly SegmentRows[], added: SegmentRows): boolean {
  const router = new BoundedLoadRing(groups);
  const { lower, upper } = router.bounds(totalRows(segments) + added.rows);
  const loads = router.groups.map((g) => before.rows.get(g)!);
  const room = loads.filter((l) => l + added.rows <= upper);
  if (!room.length) return true;
  loads[loads.indexOf(Math.min(...room))]! += added.rows;
  return Math.max(...loads) > upper || Math.min(...loads) < lower;
}

/** Seals that move other segments although no bound forced it, over the instances (one random seal each). */
function sealViolations(make: RouterFactory, instances: Instance[], prior: Prior): string[] {
  const random = seeded(5);
  return instances.flatMap((i) => {
    const before = placed(make, i.groups, i.segments, prior);
    const added = { id: Math.max(...i.segments.map((s) => s.id)) + 1, rows: i.segments[Math.floor(random() * i.segments.length)]!.rows };
    const { churn } = sealChurn(make, i.groups, before, i.segments, added);
    return churn > 0 && !sealMayMove(i.groups, before, i.segments, added) ? [`${describeInstance(i)}: ${churn.toFixed(2)}/N moved`] : [];
  });
}

describe('property: balance in rows', () => {
  it.each(PRIORS)(
    'no group holds more than 1.25x the mean rows: 1 to 16 groups, 3 to 12 segments per group, three size families (%s)',
    (prior) => {
      expect(FEW.some((i) => i.groups.length === 16) && FEW.some((i) => i.groups.length === 1)).toBe(true);
      expect(balanceViolations(bounded, FEW, prior)).toEqual([]);
    },
  );

  it('holds with many segments per group too', () => {
    expect(balanceViolations(bounded, MANY)).toEqual([]);
  });

  it('catches a router without the bound: the plain ring breaks it in most of the same instances', () => {
    expect(balanceViolations(plainRing, FEW).length).toBeGreaterThan(FEW.length / 2);
  });
});

describe('property: movement when a group joins or leaves', () => {
  // N is the group count after the join, before the leave.
  it.each(PRIORS)('moves at most 1.5/N of the rows with 3 to 12 segments per group (%s)', (prior) => {
    expect(movementViolations(bounded, FEW, prior)).toEqual([]);
  });

  it('moves at most 1.5/N of the rows with 64 to 128 segments per group', () => {
    expect(movementViolations(bounded, MANY)).toEqual([]);
  });

  it('catches a stateless router: the same one without anchors moves more in many instances', () => {
    expect(movementViolations(forgetful, FEW).length).toBeGreaterThan(FEW.length / 4);
  });

  it('catches a router that reshuffles: hash modulo N moves far more', () => {
    expect(movementViolations(modulo, MANY).length).toBeGreaterThan(MANY.length / 2);
  });
});

describe('property: a recorded placement is a fixed point', () => {
  it.each(PRIORS)('gives itself back when its owners are fed back as anchors (%s)', (prior) => {
    expect(idempotenceViolations(bounded, FEW, prior)).toEqual([]);
  });

  it('catches a sticky router that is not a fixed point of its own output', () => {
    expect(idempotenceViolations(stepwise, FEW, 'cold').length).toBeGreaterThan(FEW.length / 4);
  });
});

describe('property: sealing a segment moves no other unless a bound forces it', () => {
  it.each(PRIORS)('over random instances (%s)', (prior) => {
    expect(sealViolations(bounded, FEW, prior)).toEqual([]);
  });

  it('catches a stateless balancer, which moves others as the totals change (the plain ring never moves them)', () => {
    expect(sealViolations(plainRing, FEW, 'cold')).toEqual([]);
    expect(sealViolations(forgetful, FEW, 'cold').length).toBeGreaterThan(FEW.length / 10);
  });
});

describe('placement', () => {
  /** The cluster benchmark's collection: 11 segments sealed full and a smaller last one. */
  const BENCH = sequentialIds(12).map((id) => ({ id, rows: id < 12 ? 8334 : 8326 }));
  const groups = ['g1', 'g2', 'g3'];

  it.each(PRIORS)("puts the cluster benchmark's 12 segments 4/4/4 on three groups, where the plain ring puts 7 on one (%s)", (prior) => {
    const owners = (a: Assignment) => BENCH.map((s) => a.owner(s.id)!.slice(1)).join('');
    expect(owners(new ConsistentHashRing(groups).assign(BENCH))).toBe('113111122212');
    const assignment = placed(bounded, groups, BENCH, prior);
    expect([...assignment.segmentCounts.values()]).toEqual([4, 4, 4]);
    const rows = [...assignment.rows.values()];
    expect(Math.max(...rows) / Math.min(...rows)).toBeLessThanOrEqual(1.25);
  });

  it('golden: the benchmark placement from scratch', () => {
    const assignment = bounded(groups).assign(BENCH);
    expect(BENCH.map((s) => assignment.owner(s.id)!.slice(1)).join('')).toBe('132123123213');
  });

  it('depends on the group set and the segments with their anchors only, not on the order either is listed in', () => {
    for (const i of [FEW[40]!, FEW[250]!]) {
      const half = placed(bounded, i.groups.slice(1), i.segments, 'cold');
      // Half the segments anchored (one group's anchors orphaned), half new.
      const segments = anchoredTo(i.segments, half).map((s, k) => (k % 2 ? { id: s.id, rows: s.rows } : s));
      const first = bounded(i.groups).assign(segments);
      const shuffled = [...segments].sort((a, b) => segmentHash(a.id) - segmentHash(b.id));
      const again = bounded([...i.groups].reverse()).assign(shuffled);
      expect(segments.map((s) => again.owner(s.id))).toEqual(segments.map((s) => first.owner(s.id)));
    }
  });

  it('keeps anchored segments where they are while the bounds hold, even off their ring owner', () => {
    const segments = equalSegments(sequentialIds(30), 10);
    const router = new BoundedLoadRing(groupNames(3));
    // Rotate a balanced placement: every segment anchored one group further along.
    const cold = router.assign(segments);
    const rotated = segments.map((s) => ({ ...s, anchor: `g${(Number(cold.owner(s.id)!.slice(1)) + 1) % 3}` }));
    const kept = router.assign(rotated);
    expect(rotated.every((s) => kept.owner(s.id) === s.anchor)).toBe(true);
  });

  it('treats an anchor on a group it does not have as no anchor', () => {
    const segments = randomInstances(3, 1, [5, 5])[0]!.segments.slice(0, 20);
    const router = new BoundedLoadRing(groupNames(4));
    const none = router.assign(segments);
    const gone = router.assign(segments.map((s) => ({ ...s, anchor: 'gone' })));
    expect(moves(none, gone, segments)).toEqual([]);
  });

  it('bounds a group between ceil(0.8 x mean) and floor(1.25 x mean) rows', () => {
    const router = new BoundedLoadRing(groupNames(3));
    expect([router.loadFactor, router.floorFactor]).toEqual([DEFAULT_LOAD_FACTOR, DEFAULT_FLOOR_FACTOR]);
    expect(router.bounds(100_000)).toEqual({ lower: 26_667, upper: 41_666 });
    expect(router.bounds(12)).toEqual({ lower: 4, upper: 5 });
    expect(new BoundedLoadRing([]).bounds(10)).toEqual({ lower: 0, upper: 0 });
  });

  it('fills a joining group to the lower bound from the most loaded groups, moving nothing else', () => {
    const segments = equalSegments(sequentialIds(40), 100);
    const before = new BoundedLoadRing(groupNames(4)).assign(segments);
    const after = new BoundedLoadRing(groupNames(5)).assign(anchoredTo(segments, before));
    const moved = moves(before, after, segments);
    expect(moved.every((m) => m.to === 'g4')).toBe(true);
    expect(after.rows.get('g4')).toBeGreaterThanOrEqual(new BoundedLoadRing(groupNames(5)).bounds(4000).lower);
    expect(balance(after).maxOverMean).toBeLessThanOrEqual(1.25);
  });

  it('is the plain ring when no segment has rows', () => {
    const segments = equalSegments(sequentialIds(200), 0);
    const assignment = new BoundedLoadRing(groupNames(4)).assign(segments);
    const ring = new ConsistentHashRing(groupNames(4));
    expect(segments.map((s) => assignment.owner(s.id))).toEqual(segments.map((s) => ring.owner(s.id)));
  });

  it('leaves a segment too large for the bound alone on its ring owner, the others on the rest', () => {
    const router = new BoundedLoadRing(['c', 'a', 'b']);
    // Upper bound floor(1.25 x 1020 / 3) = 425: segment 1 fits nowhere; its ring owner is b.
    expect(router.ring.owner(1)).toBe('b');
    const one = router.assign([
      { id: 1, rows: 1000 },
      { id: 2, rows: 10 },
      { id: 3, rows: 10 },
    ]);
    expect([one.owner(1), one.owner(2), one.owner(3)].sort()).toEqual(['a', 'b', 'c']);
    expect(one.owner(1)).toBe('b');
  });

  it('places nothing without groups, and everything on a single group', () => {
    const segments = equalSegments(sequentialIds(10), 5);
    expect(new BoundedLoadRing([]).assign(segments).owner(1)).toBeUndefined();
    expect(new BoundedLoadRing(['solo']).assign(segments.map((s) => ({ ...s, anchor: 'gone' }))).rows.get('solo')).toBe(50);
  });

  it.each([0.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses loadFactor %s', (loadFactor) => {
    expect(() => new BoundedLoadRing(['a'], { loadFactor })).toThrow(RoutingError);
    expect(() => new BoundedLoadRing(['a'], { loadFactor })).toThrow(`loadFactor must be a finite number >= 1, got ${loadFactor}`);
  });

  it.each([-0.1, 1.5, Number.NaN])('refuses floorFactor %s', (floorFactor) => {
    expect(() => new BoundedLoadRing(['a'], { floorFactor })).toThrow(`floorFactor must be a number in [0, 1], got ${floorFactor}`);
  });

  it('refuses a segment listed twice, and an empty anchor', () => {
    expect(() => new BoundedLoadRing(['a']).assign(equalSegments([4, 4]))).toThrow('segment 4 is listed twice');
    expect(() => new BoundedLoadRing(['a']).assign([{ id: 4, rows: 1, anchor: '' }])).toThrow(
      'segment 4 has anchor ""; expected a group name',
    );
  });
});

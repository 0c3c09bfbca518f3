/**
 * The consistent hash ring (the plain router, and the ring the default router walks):
 * determinism, balance of segment counts, movement on join and leave, exact partitions.
 */
import { describe, expect, it } from 'vitest';
import { ConsistentHashRing, DEFAULT_VNODES, groupPoints, segmentHash } from '../../../cluster/routing/consistent-hash-ring.js';
import { murmur3x86_32 } from '../../../cluster/routing/hash.js';
import { RoutingError } from '../../../cluster/routing/router.js';
import { balance, equalSegments, groupNames, moves, sequentialIds } from './measure.js';

const IDS = sequentialIds(10_000);
/** One row each: the ring ignores rows, so rows count segments. */
const SEGMENTS = equalSegments(IDS);

describe('placement keys', () => {
  it('hashes a segment id as its 8-byte little-endian int64', () => {
    const ids = [
      0,
      1,
      255,
      256,
      2 ** 31,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 40 + 12345,
      Number.MAX_SAFE_INTEGER,
      -1,
      -(2 ** 32),
      -(2 ** 40) - 7,
      Number.MIN_SAFE_INTEGER,
    ];
    for (const id of ids) {
      const key = new DataView(new ArrayBuffer(8));
      key.setBigInt64(0, BigInt(id), true);
      expect(segmentHash(id), `id ${id}`).toBe(murmur3x86_32(new Uint8Array(key.buffer)));
    }
  });

  it('hashes a vnode as the UTF-8 group name followed by its index as 4 little-endian bytes', () => {
    const name = new TextEncoder().encode('grüppe');
    const key = new Uint8Array([...name, 7, 1, 0, 0]);
    expect(groupPoints('grüppe', 264)[263]).toBe(murmur3x86_32(key));
  });

  it('refuses ids that are not safe integers', () => {
    const ring = new ConsistentHashRing(['a']);
    for (const bad of [1.5, NaN, Infinity, 2 ** 53]) {
      expect(() => ring.owner(bad)).toThrow(RoutingError);
    }
    expect(() => ring.owner(2 ** 53)).toThrow('segment id 9007199254740992 is not an integer in the safe range');
  });
});

describe('determinism', () => {
  it('matches the checked-in golden placement (a change to the hash or the key layout fails here)', () => {
    expect([0, 1, 255, 2 ** 32, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER].map(segmentHash)).toEqual([
      0x63852afc, 0x53075d44, 0xfcdb09b7, 0x3ad85688, 0x627564e8, 0xb59d8b9b, 0xfed73dd5,
    ]);
    expect([...groupPoints('east', 3)]).toEqual([0x11e23ab4, 0x590a87be, 0x1edd21ce]);
    const ring = new ConsistentHashRing(['east', 'west', 'north']);
    const owners = sequentialIds(48)
      .map((id) => ring.owner(id - 1)![0])
      .join('');
    expect(owners).toBe('wewnweennenewneewnwneeenwennewennwnnneewwwwennee');
  });

  it('depends on the group set only, not on the order it is listed in', () => {
    const a = new ConsistentHashRing(['g2', 'g0', 'g1', 'g3']);
    const b = new ConsistentHashRing(['g3', 'g1', 'g0', 'g2']);
    expect(a.groups).toEqual(['g0', 'g1', 'g2', 'g3']);
    expect(IDS.map((id) => a.owner(id))).toEqual(IDS.map((id) => b.owner(id)));
  });

  it('gives the same assignment on every build, whatever the order of the segment list', () => {
    const ring = new ConsistentHashRing(groupNames(5));
    const first = ring.assign(SEGMENTS);
    const again = new ConsistentHashRing(groupNames(5)).assign([...SEGMENTS].reverse());
    expect(IDS.map((id) => again.owner(id))).toEqual(IDS.map((id) => first.owner(id)));
    expect(IDS.map((id) => first.owner(id))).toEqual(IDS.map((id) => ring.owner(id)));
  });

  it('is immutable: its group list cannot be changed', () => {
    const ring = new ConsistentHashRing(['a', 'b']);
    expect(Object.isFrozen(ring.groups)).toBe(true);
  });
});

describe('balance over 10k sequential segment ids', () => {
  // Stated bound: with the default vnodes every group holds within ±15% of the mean (measured
  // worst: 12.6%). The ring is deterministic, so this pins the figures docs/routing.md reports
  // (balance-report.ts prints them).
  it.each([3, 5, 8])('%i groups stay within ±15%% of the mean', (n) => {
    for (const prefix of ['g', 'reader-', 'group-']) {
      const b = balance(new ConsistentHashRing(groupNames(n, prefix)).assign(SEGMENTS));
      expect(b.maxOverMean, `${prefix} max/mean`).toBeLessThanOrEqual(1.15);
      expect(b.minOverMean, `${prefix} min/mean`).toBeGreaterThanOrEqual(0.85);
    }
  });

  it('uses the default vnode count unless told otherwise', () => {
    expect(new ConsistentHashRing(['a']).vnodes).toBe(DEFAULT_VNODES);
    expect(new ConsistentHashRing(['a'], { vnodes: 3 }).vnodes).toBe(3);
  });

  it('balances better with more vnodes', () => {
    const spread = (vnodes: number) => {
      const b = balance(new ConsistentHashRing(groupNames(8), { vnodes }).assign(SEGMENTS));
      return b.maxOverMean - b.minOverMean;
    };
    expect(spread(1024)).toBeLessThan(spread(16));
  });
});

describe('movement when one of N groups joins or leaves', () => {
  // Stated bound: the moved share is within ±15% of 1/N (measured: 0.90..1.07 times 1/N, see
  // docs/routing.md), and segments only move onto the joining group or off the leaving one.
  const within = (moved: number, n: number) => {
    const ideal = IDS.length / n;
    expect(moved).toBeGreaterThanOrEqual(0.85 * ideal);
    expect(moved).toBeLessThanOrEqual(1.15 * ideal);
  };

  it.each([3, 5, 8])('adding a group to make %i moves about 1/N, all onto the new group', (n) => {
    const all = groupNames(n);
    for (const joining of all) {
      const before = new ConsistentHashRing(all.filter((g) => g !== joining)).assign(SEGMENTS);
      const after = new ConsistentHashRing(all).assign(SEGMENTS);
      const moved = moves(before, after, SEGMENTS);
      expect(moved.every((m) => m.to === joining)).toBe(true);
      // Everything the new group owns came from somewhere else: nothing else moved.
      expect(moved.length).toBe(after.segmentCounts.get(joining));
      within(moved.length, n);
    }
  });

  it.each([3, 5, 8])('removing one of %i groups moves about 1/N, all from the leaving group', (n) => {
    const all = groupNames(n);
    for (const leaving of all) {
      const before = new ConsistentHashRing(all).assign(SEGMENTS);
      const after = new ConsistentHashRing(all.filter((g) => g !== leaving)).assign(SEGMENTS);
      const moved = moves(before, after, SEGMENTS);
      expect(moved.every((m) => m.from === leaving)).toBe(true);
      expect(moved.length).toBe(before.segmentCounts.get(leaving));
      within(moved.length, n);
    }
  });
});

describe('assign', () => {
  it('places every segment, and partitions an id list exactly, keeping input order within each group', () => {
    const ring = new ConsistentHashRing(groupNames(5));
    const extra = equalSegments([0, -5, 2 ** 40]);
    const assignment = ring.assign([...SEGMENTS, ...extra]);
    const ids = [...IDS].reverse().concat([0, -5, 2 ** 40]);
    for (const id of ids) expect(assignment.owner(id)).toBe(ring.owner(id));
    const parts = assignment.partition(ids);
    const flat = [...parts.values()].flat();
    expect(flat.length).toBe(ids.length);
    expect(new Set(flat)).toEqual(new Set(ids));
    for (const [group, list] of parts) {
      expect(list.length).toBe(assignment.segmentCounts.get(group));
      expect(list.every((id) => ring.owner(id) === group)).toBe(true);
      const positions = list.map((id) => ids.indexOf(id));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
  });

  it('counts rows and segments per group, every group listed', () => {
    const ring = new ConsistentHashRing(['a', 'b', 'c']);
    const segments = [
      { id: 1, rows: 10 },
      { id: 2, rows: 20 },
      { id: 3, rows: 30 },
    ];
    const assignment = ring.assign(segments);
    expect([...assignment.rows.keys()]).toEqual(['a', 'b', 'c']);
    for (const g of ['a', 'b', 'c']) {
      const mine = segments.filter((s) => ring.owner(s.id) === g);
      expect(assignment.rows.get(g)).toBe(mine.reduce((n, s) => n + s.rows, 0));
      expect(assignment.segmentCounts.get(g)).toBe(mine.length);
    }
  });

  it('keeps duplicate ids in a partition (of the list, not of a set), and leaves out ids it did not place', () => {
    const assignment = new ConsistentHashRing(['a', 'b']).assign(equalSegments([7]));
    expect([...assignment.partition([7, 8, 7, 7]).values()].flat()).toEqual([7, 7, 7]);
    expect(assignment.owner(8)).toBeUndefined();
  });

  it('returns an empty partition for no ids', () => {
    expect(new ConsistentHashRing(['a']).assign([]).partition([]).size).toBe(0);
  });

  it('puts everything on the only group', () => {
    const parts = new ConsistentHashRing(['solo']).assign(SEGMENTS).partition(IDS);
    expect([...parts.keys()]).toEqual(['solo']);
    expect(parts.get('solo')).toEqual(IDS);
  });

  it('has no owners without groups', () => {
    const ring = new ConsistentHashRing([]);
    expect(ring.owner(42)).toBeUndefined();
    const assignment = ring.assign(SEGMENTS);
    expect(assignment.owner(42)).toBeUndefined();
    expect(assignment.partition(IDS).size).toBe(0);
    expect(assignment.rows.size).toBe(0);
  });
});

describe('configuration errors', () => {
  it.each([
    [['a', ''], 'group names must be non-empty strings, got ""'],
    [['a', 'b', 'a'], 'group "a" is listed twice'],
  ])('refuses groups %j', (groups, message) => {
    expect(() => new ConsistentHashRing(groups)).toThrow(RoutingError);
    expect(() => new ConsistentHashRing(groups)).toThrow(message);
  });

  it.each([
    [
      [
        { id: 1, rows: 1 },
        { id: 1, rows: 2 },
      ],
      'segment 1 is listed twice',
    ],
    [[{ id: 1.5, rows: 1 }], 'segment id 1.5 is not an integer in the safe range'],
    [[{ id: 1, rows: -1 }], 'segment 1 has -1 rows; expected a non-negative integer'],
    [[{ id: 1, rows: 0.5 }], 'segment 1 has 0.5 rows; expected a non-negative integer'],
  ])('refuses the segment list %j', (segments, message) => {
    expect(() => new ConsistentHashRing(['a']).assign(segments)).toThrow(RoutingError);
    expect(() => new ConsistentHashRing(['a']).assign(segments)).toThrow(message);
  });

  it.each([0, -1, 1.5, NaN])('refuses vnodes %s', (vnodes) => {
    expect(() => new ConsistentHashRing(['a'], { vnodes })).toThrow(`vnodes must be a positive integer, got ${vnodes}`);
  });
});

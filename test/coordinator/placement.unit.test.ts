import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StaticDiscovery, type Member } from '../../cluster/discovery.js';
import type { NodeCaller } from '../../ext-proc/coordinator/node-clients.js';
import { Placement } from '../../ext-proc/coordinator/placement.js';
import { BoundedLoadRing } from '../../cluster/routing/bounded-load-ring.js';
import type { Assignment } from '../../cluster/routing/router.js';
import { servedSegments, type CollectionView } from '../../meta/collection-view.js';
import { Code, MilvusError } from '../../milvus/status.js';

/**
 * The placement reconciler's decisions, without any process: readers are fake data nodes
 * that keep their loaded segments in memory, metadata and membership are set by hand.
 */

interface ControlCall {
  address: string;
  method: 'ListSegments' | 'LoadSegments' | 'ReleaseSegments';
  collection?: string;
  ids?: number[];
}

/** The writable node as the reconciler reports to it (ReportPlacement). */
interface Report {
  placements: { segment_id: string; group: string; anchor: string }[];
  released: number[];
  stale: boolean;
}

/** Each collection name of these tests stands for one id, as data nodes name collections by id. */
const collectionIds = new Map<string, number>();
function collectionId(name: string): number {
  if (!collectionIds.has(name)) collectionIds.set(name, collectionIds.size + 1);
  return collectionIds.get(name)!;
}
const collectionNamed = (id: string): string => [...collectionIds].find(([, i]) => String(i) === id)![0];

/** A fake reader: what it holds (by collection name), whether it answers (calls to it are logged either way), which segments it fails to load. */
interface FakeReader {
  up: boolean;
  loaded: Map<string, Set<number>>;
  failLoad: Set<number>;
  /** What it reports as the result bytes above which it refuses every search (0: nothing). */
  resultMemoryLimit?: number;
}

/**
 * Fake data nodes answering the reconciler's control calls from memory, and logging them. The
 * writer (WRITER) records reported placements into the fake metadata as the real one does:
 * only when computed from the current metadata.
 */
class FakeReaders implements NodeCaller {
  readonly readers = new Map<string, FakeReader>();
  readonly log: ControlCall[] = [];
  readonly reports: Report[] = [];

  constructor(private readonly meta: FakeMetadata) {}

  add(address: string): FakeReader {
    const r: FakeReader = { up: true, loaded: new Map(), failLoad: new Set() };
    this.readers.set(address, r);
    return r;
  }

  holds(address: string, collection = 'c'): number[] {
    return [...(this.readers.get(address)!.loaded.get(collection) ?? [])].sort((a, b) => a - b);
  }

  async call<T>(address: string, method: string, request: object): Promise<T> {
    const req = request as { collection_id?: string; segment_ids?: string[] };
    const ids = req.segment_ids?.map(Number);
    const collection = req.collection_id ? collectionNamed(req.collection_id) : undefined;
    this.log.push({
      address,
      method: method as ControlCall['method'],
      ...(collection ? { collection, ids } : {}),
    });
    if (address === WRITER && method === 'ReportPlacement')
      return { status: { code: 0, reason: '' }, ...this.record(request as never) } as T;
    const r = this.readers.get(address);
    if (!r?.up) throw Object.assign(new Error('14 UNAVAILABLE: connection refused'), { code: grpc.status.UNAVAILABLE });
    const ok = { code: 0, reason: '' };
    const held = (c: string) => r.loaded.get(c) ?? r.loaded.set(c, new Set()).get(c)!;
    switch (method) {
      case 'ListSegments':
        return {
          status: ok,
          segments: [...r.loaded].flatMap(([c, s]) =>
            [...s].map((id) => ({ collection_id: String(collectionId(c)), segment_id: String(id) })),
          ),
          result_memory_limit_bytes: String(r.resultMemoryLimit ?? 0),
        } as T;
      case 'LoadSegments': {
        const loaded = ids!.filter((id) => !r.failLoad.has(id));
        for (const id of loaded) held(collection!).add(id);
        const errors = ids!.filter((id) => r.failLoad.has(id)).map((id) => ({ segment_id: String(id), reason: 'disk full' }));
        return { status: ok, loaded: loaded.map(String), errors } as T;
      }
      case 'ReleaseSegments':
        for (const id of ids!) held(collection!).delete(id);
        return { status: ok } as T;
      default:
        throw new Error(`unexpected method ${method}`);
    }
  }

  private record(req: { placements: Report['placements']; released_segment_ids: string[] }): { recorded: number; stale: boolean } {
    const views = this.meta.all();
    const served = new Map(views.flatMap(servedSegments).map((s) => [String(s.id), s.placedGroup ?? ''] as const));
    const current = req.placements.length === served.size && req.placements.every((p) => served.get(p.segment_id) === p.anchor);
    const changed = current ? req.placements.filter((p) => p.group !== p.anchor) : [];
    this.reports.push({ placements: req.placements, released: req.released_segment_ids.map(Number), stale: !current });
    if (changed.length) {
      const group = new Map(changed.map((p) => [Number(p.segment_id), p.group]));
      this.meta.set(
        views.map((v) => ({ ...v, segments: v.segments.map((s) => (group.has(s.id) ? { ...s, placedGroup: group.get(s.id)! } : s)) })),
      );
    }
    return { recorded: changed.length, stale: !current };
  }

  /** Index in the log of the first call of `method` to `address` that names `id`. */
  when(address: string, method: ControlCall['method'], id: number): number {
    return this.log.findIndex((c) => c.address === address && c.method === method && c.ids?.includes(id));
  }
}

/** The metadata cache as placement sees it: collection views, and 'change' when they change. */
class FakeMetadata extends EventEmitter {
  private views: CollectionView[] = [];

  all(): CollectionView[] {
    return this.views;
  }

  set(views: CollectionView[]): void {
    this.views = views;
    this.emit('change');
  }
}

/** A collection of one partition; segment `id` has `rows(id)` rows (100 unless told). */
function view(name: string, segmentIds: number[], loaded = true, rows: (id: number) => number = () => 100): CollectionView {
  return {
    record: {
      id: collectionId(name),
      dbId: 1,
      name,
      schema: { name, description: '', fields: [], enableDynamicField: false },
      shardsNum: 1,
      consistencyLevel: 0,
      properties: {},
      loadNewPartitions: loaded,
      createdAt: 0,
    },
    partitions: [{ id: 1, collectionId: collectionId(name), name: '_default', createdAt: 0, loaded }],
    indexes: [],
    segments: segmentIds.map((id) => ({ id, partitionId: 1, rows: rows(id), state: 'sealed' as const })),
    unsealedRows: false,
  };
}

const reader = (name: string, group: string): Member => ({ role: 'reader', name, address: `${name}:1`, group });
const WRITER = 'writer:1';

/** Ids `first`, `first + 1`, ... (`count` of them). */
const sequentialIds = (count: number, first = 1) => Array.from({ length: count }, (_, i) => first + i);

/**
 * Segment ids 1..n of 100 rows each that the default router over `groups` gives to `group`,
 * placed from scratch or, with `anchor`, from a recorded placement of all of them there.
 */
function ownedBy(groups: string[], group: string, n = 40, anchor?: string): number[] {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  return (
    new BoundedLoadRing(groups)
      .assign(ids.map((id) => ({ id, rows: 100, ...(anchor ? { anchor } : {}) })))
      .partition(ids)
      .get(group) ?? []
  );
}

const SEGMENTS = Array.from({ length: 40 }, (_, i) => i + 1);

const placements: Placement[] = [];

/** A placement over fake readers (every member given is a reader that answers). */
function rig(members: Member[], views: CollectionView[], balancedTarget?: (group: string) => string) {
  const meta = new FakeMetadata();
  meta.set(views);
  const nodes = new FakeReaders(meta);
  for (const m of members) nodes.add(m.address);
  const discovery = new StaticDiscovery(members);
  const passes: Assignment[] = [];
  const placement = new Placement(meta, discovery, nodes, pino({ level: 'silent' }), {
    writer: WRITER,
    ...(balancedTarget ? { balancedTarget } : {}),
    onAssignment: (a) => passes.push(a),
  });
  placements.push(placement);
  return { nodes, meta, discovery, placement, passes };
}

afterEach(() => {
  for (const p of placements.splice(0)) p.close();
});

describe('placement reconciliation', () => {
  it("loads each owner group's segments on every replica of the group, and nothing else", async () => {
    const { nodes, placement } = rig([reader('a1', 'ga'), reader('a2', 'ga'), reader('b1', 'gb')], [view('c', SEGMENTS)]);
    await placement.settled();
    const ga = ownedBy(['ga', 'gb'], 'ga');
    const gb = ownedBy(['ga', 'gb'], 'gb');
    expect(ga.length).toBeGreaterThan(0);
    expect(gb.length).toBeGreaterThan(0);
    expect(nodes.holds('a1:1')).toEqual(ga);
    expect(nodes.holds('a2:1')).toEqual(ga);
    expect(nodes.holds('b1:1')).toEqual(gb);
    // Settled: another pass asks nobody to load or release anything.
    const before = nodes.log.length;
    await placement.settled();
    expect(nodes.log.slice(before).map((c) => c.method)).toEqual(['ListSegments', 'ListSegments', 'ListSegments']);
  });

  it('loads nothing of a collection that is not loaded, and releases a collection once it is released', async () => {
    const { nodes, meta, placement } = rig([reader('a1', 'ga')], [view('c', [1, 2, 3], false)]);
    await placement.settled();
    expect(nodes.holds('a1:1')).toEqual([]);
    meta.set([view('c', [1, 2, 3])]);
    await placement.settled();
    expect(nodes.holds('a1:1')).toEqual([1, 2, 3]);
    meta.set([view('c', [1, 2, 3], false)]);
    await placement.settled();
    expect(nodes.holds('a1:1')).toEqual([]);
  });

  it('releases a segment that left the collection (compacted or dropped)', async () => {
    const { nodes, meta, placement } = rig([reader('a1', 'ga')], [view('c', [1, 2, 3])]);
    await placement.settled();
    meta.set([view('c', [1, 3])]);
    await placement.settled();
    expect(nodes.holds('a1:1')).toEqual([1, 3]);
  });

  it('places the segments of every collection together, balanced on their rows, and reports each pass', async () => {
    // Uneven rows: collection c has a few large segments, d many small ones.
    const c = view('c', [1, 2, 3, 4], true, (id) => 1000 * id);
    const d = view('d', sequentialIds(30, 100), true, () => 150);
    const { nodes, placement, passes } = rig([reader('a1', 'ga'), reader('b1', 'gb'), reader('c1', 'gc')], [c, d]);
    await placement.settled();
    const expected = new BoundedLoadRing(['ga', 'gb', 'gc']).assign([...c.segments, ...d.segments]);
    const held = (address: string) => [...nodes.holds(address, 'c'), ...nodes.holds(address, 'd')];
    for (const [address, group] of [
      ['a1:1', 'ga'],
      ['b1:1', 'gb'],
      ['c1:1', 'gc'],
    ] as const) {
      expect(held(address)).toEqual([...c.segments, ...d.segments].map((s) => s.id).filter((id) => expected.owner(id) === group));
    }
    // 14,500 rows: no group over 1.25 x the mean.
    expect(Math.max(...expected.rows.values())).toBeLessThanOrEqual((1.25 * 14_500) / 3);
    expect(passes.length).toBeGreaterThan(0);
    expect([...passes.at(-1)!.rows]).toEqual([...expected.rows]);
  });

  describe('warm hand-off to a new group', () => {
    /** ga holds everything (and it is recorded); then gb joins with two replicas and takes over its share. */
    async function handOff(prepare: (nodes: FakeReaders) => void) {
      const r = rig([reader('a1', 'ga')], [view('c', SEGMENTS)]);
      await r.placement.settled();
      expect(r.nodes.holds('a1:1')).toEqual(SEGMENTS);
      r.nodes.add('b1:1');
      r.nodes.add('b2:1');
      prepare(r.nodes);
      r.discovery.set([reader('a1', 'ga'), reader('b1', 'gb'), reader('b2', 'gb')]);
      await r.placement.settled();
      return { ...r, moved: ownedBy(['ga', 'gb'], 'gb', 40, 'ga'), kept: ownedBy(['ga', 'gb'], 'ga', 40, 'ga') };
    }

    it('releases from the old owner only after every replica of the new owner reports it loaded', async () => {
      const { nodes, moved, kept } = await handOff(() => undefined);
      expect(moved.length).toBeGreaterThan(0);
      expect(nodes.holds('b1:1')).toEqual(moved);
      expect(nodes.holds('b2:1')).toEqual(moved);
      expect(nodes.holds('a1:1')).toEqual(kept);
      for (const id of moved) {
        const released = nodes.when('a1:1', 'ReleaseSegments', id);
        expect(released).toBeGreaterThan(nodes.when('b1:1', 'LoadSegments', id));
        expect(released).toBeGreaterThan(nodes.when('b2:1', 'LoadSegments', id));
      }
    });

    it('keeps a segment on the old owner while one live replica of the new owner fails to load it', async () => {
      let stuck = 0;
      const { nodes, placement, moved } = await handOff((n) => {
        stuck = ownedBy(['ga', 'gb'], 'gb', 40, 'ga')[0]!;
        n.readers.get('b2:1')!.failLoad.add(stuck);
      });
      expect(nodes.holds('b1:1')).toContain(stuck);
      expect(nodes.holds('b2:1')).not.toContain(stuck);
      expect(nodes.holds('a1:1')).toContain(stuck);
      // The other moved segments were handed off.
      expect(nodes.holds('a1:1').filter((id) => moved.includes(id))).toEqual([stuck]);
      // Meanwhile searches go to the new owner, where b1 has it, rather than to a1.
      expect(placement.targets(view('c', SEGMENTS), [stuck]).groups).toEqual([
        { group: 'gb', segmentIds: [stuck], replicas: ['b1:1', 'b2:1'], resultMemoryLimit: Infinity },
      ]);
      // Once b2 manages to load it, a1 lets it go.
      nodes.readers.get('b2:1')!.failLoad.clear();
      await placement.settled();
      expect(nodes.holds('b2:1')).toContain(stuck);
      expect(nodes.holds('a1:1')).not.toContain(stuck);
    });

    it('skips a down replica of the new owner: the live ones decide, and the down one is not asked', async () => {
      const { nodes, moved } = await handOff((n) => {
        n.readers.get('b2:1')!.up = false;
      });
      expect(nodes.holds('b1:1')).toEqual(moved);
      expect(nodes.holds('a1:1').filter((id) => moved.includes(id))).toEqual([]);
      expect(nodes.log.filter((c) => c.address === 'b2:1' && c.method !== 'ListSegments')).toEqual([]);
    });

    it('releases nothing while the new owner has no live replica', async () => {
      const { nodes } = await handOff((n) => {
        n.readers.get('b1:1')!.up = false;
        n.readers.get('b2:1')!.up = false;
      });
      expect(nodes.holds('a1:1')).toEqual(SEGMENTS);
      expect(nodes.log.some((c) => c.method === 'ReleaseSegments')).toBe(false);
    });
  });

  it('loads on a replica again once it is back', async () => {
    const { nodes, placement } = rig([reader('a1', 'ga'), reader('a2', 'ga')], [view('c', [1, 2])]);
    nodes.readers.get('a2:1')!.up = false;
    await placement.settled();
    expect(nodes.holds('a2:1')).toEqual([]);
    nodes.readers.get('a2:1')!.up = true;
    await placement.settled();
    expect(nodes.holds('a2:1')).toEqual([1, 2]);
  });
});

describe('search targets', () => {
  const groups = ['ga', 'gb'];
  const ga = ownedBy(groups, 'ga');
  const gb = ownedBy(groups, 'gb');

  it('sends each segment to its owner group, replicas holding all of its segments first', async () => {
    const { nodes, placement } = rig([reader('a1', 'ga'), reader('a2', 'ga'), reader('b1', 'gb')], [view('c', SEGMENTS)]);
    // a1 cannot load one of ga's segments: a2 holds all of them and comes first.
    nodes.readers.get('a1:1')!.failLoad.add(ga[0]!);
    await placement.settled();
    const { groups: targets, toWriter } = placement.targets(view('c', SEGMENTS), SEGMENTS);
    expect(toWriter).toEqual([]);
    expect([...targets].sort((x, y) => x.group.localeCompare(y.group))).toEqual([
      { group: 'ga', segmentIds: ga, replicas: ['a2:1', 'a1:1'], resultMemoryLimit: Infinity },
      { group: 'gb', segmentIds: gb, replicas: ['b1:1'], resultMemoryLimit: Infinity },
    ]);
  });

  it('sends a segment its owner has not loaded to a group that holds it, else to the writer', async () => {
    // Before gb joined, a1 held everything (recorded there); gb's b1 cannot load two of its segments.
    const { nodes, meta, discovery, placement } = rig([reader('a1', 'ga')], [view('c', SEGMENTS)]);
    await placement.settled();
    const gb = ownedBy(groups, 'gb', 40, 'ga');
    nodes.add('b1:1').failLoad = new Set([gb[0]!, gb[1]!]);
    discovery.set([reader('a1', 'ga'), reader('b1', 'gb')]);
    await placement.settled();
    // a1 still holds them (warm hand-off), so they are searched there.
    const during = placement.targets(view('c', SEGMENTS), [gb[0]!, gb[1]!, gb[2]!]);
    expect(during).toEqual({
      groups: [
        { group: 'ga', segmentIds: [gb[0], gb[1]], replicas: ['a1:1'], resultMemoryLimit: Infinity },
        { group: 'gb', segmentIds: [gb[2]], replicas: ['b1:1'], resultMemoryLimit: Infinity },
      ],
      toWriter: [],
    });
    // A segment nobody holds while its owner is up (just sealed, still loading) is the writer's,
    const fresh = 41;
    meta.set([view('c', [...SEGMENTS, fresh])]);
    expect(placement.assignment().owner(fresh)).toBeDefined();
    expect(placement.targets(view('c', [...SEGMENTS, fresh]), [fresh])).toEqual({ groups: [], toWriter: [fresh] });
    // and so is one the metadata does not list yet.
    expect(placement.targets(view('c', [...SEGMENTS, 42]), [42])).toEqual({ groups: [], toWriter: [42] });
  });

  it('fails naming the group and its segments when the owner has no live replica and nobody else holds them', async () => {
    const { nodes, placement } = rig([reader('a1', 'ga'), reader('b1', 'gb')], [view('c', SEGMENTS)]);
    nodes.readers.get('b1:1')!.up = false;
    await placement.settled();
    const err = (() => {
      try {
        placement.targets(view('c', SEGMENTS), [ga[0]!, gb[0]!, gb[1]!]);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(MilvusError);
    expect(err).toMatchObject({ errorCode: 'UnexpectedError', code: Code.ServiceUnavailable, retriable: true });
    expect((err as Error).message).toBe(`collection c: reader group gb is unavailable (no live replica) for segments ${gb[0]}, ${gb[1]}`);
  });

  it('leaves out a replica marked down after a failed call, until reconciliation finds it back', async () => {
    const { placement } = rig([reader('a1', 'ga'), reader('a2', 'ga')], [view('c', [1, 2])]);
    await placement.settled();
    placement.markDown('a1:1');
    expect(placement.targets(view('c', [1, 2]), [1, 2]).groups[0]!.replicas).toEqual(['a2:1']);
    await placement.settled();
    expect(placement.targets(view('c', [1, 2]), [1, 2]).groups[0]!.replicas).toEqual(['a1:1', 'a2:1']);
  });

  it('carries the largest result-memory limit its live replicas report, none until every one has', async () => {
    const { nodes, placement } = rig([reader('a1', 'ga'), reader('a2', 'ga')], [view('c', [1, 2])]);
    nodes.readers.get('a1:1')!.resultMemoryLimit = 2 ** 30;
    await placement.settled();
    // a2 has not said: it may admit anything.
    expect(placement.targets(view('c', [1, 2]), [1, 2]).groups[0]!.resultMemoryLimit).toBe(Infinity);
    nodes.readers.get('a2:1')!.resultMemoryLimit = 2 ** 31;
    await placement.settled();
    expect(placement.targets(view('c', [1, 2]), [1, 2]).groups[0]!.resultMemoryLimit).toBe(2 ** 31);
    // A replica that is down no longer counts.
    placement.markDown('a2:1');
    expect(placement.targets(view('c', [1, 2]), [1, 2]).groups[0]!.resultMemoryLimit).toBe(2 ** 30);
  });

  it("puts the group's balanced address before its replicas", async () => {
    const { placement } = rig([reader('a1', 'ga')], [view('c', [1, 2])], (group) => `xds:///mishards-reader-${group}`);
    await placement.settled();
    expect(placement.targets(view('c', [1, 2]), [1, 2]).groups).toEqual([
      { group: 'ga', segmentIds: [1, 2], replicas: ['xds:///mishards-reader-ga', 'a1:1'], resultMemoryLimit: Infinity },
    ]);
  });
});

/** A view where `sources` were compacted into `into` (in service), with `others` in service too. */
function compacted(sources: number[], into: number, others: number[] = []): CollectionView {
  const v = view('c', [...others, into]);
  v.segments.push(...sources.map((id) => ({ id, partitionId: 1, rows: 100, state: 'sealed' as const, compactedInto: into })));
  return v;
}

describe('hand-off after a compaction', () => {
  const OLD = [1, 2, 3, 4, 5, 6];
  const NEW = 100;
  const all = [...OLD, NEW];
  /** Every segment a search covers, each once, from targets' answer. */
  const covered = (t: { groups: { segmentIds: number[] }[]; toWriter: number[] }) =>
    [...t.groups.flatMap((g) => g.segmentIds), ...t.toWriter].sort((a, b) => a - b);

  afterEach(() => {
    vi.useRealTimers();
  });

  it('searches the old set until the owner of the new segment has it, then the new one, never both', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { nodes, meta, placement } = rig([reader('a1', 'ga'), reader('b1', 'gb')], [view('c', OLD)]);
    await placement.settled();
    const before = placement.assignment();
    const holderOf = (id: number) => (before.owner(id) === 'ga' ? 'a1:1' : 'b1:1');
    meta.set([compacted(OLD, NEW)]);
    // Before the pass the change started reaches its loads: the owner refuses the new segment.
    const owner = placement.assignment().owner(NEW)!;
    const ownerReader = owner === 'ga' ? 'a1:1' : 'b1:1';
    nodes.readers.get(ownerReader)!.failLoad.add(NEW);
    await placement.settled();
    // The new segment is not loaded by its owner: the old set, on the readers that hold it.
    expect(covered(placement.targets(compacted(OLD, NEW), all))).toEqual(OLD);
    expect(nodes.holds('a1:1').length + nodes.holds('b1:1').length).toBe(OLD.length);

    nodes.readers.get(ownerReader)!.failLoad.clear();
    await placement.settled();
    // Loaded: the new segment alone, while the old ones stay loaded for a grace period.
    expect(placement.targets(compacted(OLD, NEW), all)).toEqual({
      groups: [{ group: owner, segmentIds: [NEW], replicas: [ownerReader], resultMemoryLimit: Infinity }],
      toWriter: [],
    });
    expect([...nodes.holds('a1:1'), ...nodes.holds('b1:1')].sort((a, b) => a - b)).toEqual(all);
    expect(nodes.log.some((c) => c.method === 'ReleaseSegments')).toBe(false);

    vi.setSystemTime(Date.now() + 5_000);
    await placement.settled();
    expect([...nodes.holds('a1:1'), ...nodes.holds('b1:1')]).toEqual([NEW]);
    for (const id of OLD) {
      expect(nodes.when(holderOf(id), 'ReleaseSegments', id)).toBeGreaterThan(nodes.when(ownerReader, 'LoadSegments', NEW));
    }
  });

  it('sends the new segment to the writer when neither it nor the whole old set is on readers', async () => {
    const olds = Array.from({ length: 40 }, (_, i) => i + 1);
    const { nodes, meta, placement } = rig([reader('a1', 'ga'), reader('b1', 'gb')], [view('c', olds)]);
    await placement.settled();
    const before = placement.assignment();
    meta.set([compacted(olds, NEW)]);
    const owner = placement.assignment().owner(NEW)!;
    const other = owner === 'ga' ? 'gb' : 'ga';
    // Some old segments live on the other group, which goes down below.
    expect(olds.some((id) => before.owner(id) === other)).toBe(true);
    nodes.readers.get(owner === 'ga' ? 'a1:1' : 'b1:1')!.failLoad.add(NEW);
    await placement.settled();
    placement.markDown(other === 'ga' ? 'a1:1' : 'b1:1');
    expect(placement.targets(compacted(olds, NEW), [...olds, NEW])).toEqual({ groups: [], toWriter: [NEW] });
  });

  it('follows a chain of compactions down to the segments readers hold', async () => {
    // 1 and 2 went into 50, which went with 3 into 100; readers hold only 1, 2 and 3.
    const { placement } = rig([reader('a1', 'ga')], [view('c', [1, 2, 3])]);
    await placement.settled();
    const v = view('c', [100]);
    v.segments.push(
      { id: 1, partitionId: 1, rows: 10, state: 'sealed', compactedInto: 50 },
      { id: 2, partitionId: 1, rows: 10, state: 'sealed', compactedInto: 50 },
      { id: 50, partitionId: 1, rows: 20, state: 'sealed', compactedInto: 100 },
      { id: 3, partitionId: 1, rows: 10, state: 'sealed', compactedInto: 100 },
    );
    expect(covered(placement.targets(v, [1, 2, 3, 50, 100]))).toEqual([1, 2, 3]);
  });
});

describe('the recorded placement', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** The recorded group of every served segment of the fake metadata. */
  const recorded = (meta: FakeMetadata) =>
    new Map(
      meta
        .all()
        .flatMap(servedSegments)
        .map((s) => [s.id, s.placedGroup]),
    );
  const accepted = (nodes: FakeReaders) => nodes.reports.filter((r) => r.placements.length && !r.stale);

  it('is reported once, from the metadata it was computed from; passes after it report nothing', async () => {
    const { nodes, meta, placement } = rig([reader('a1', 'ga'), reader('b1', 'gb'), reader('c1', 'gc')], [view('c', SEGMENTS)]);
    await placement.settled();
    await placement.settled();
    const assignment = placement.assignment();
    expect(accepted(nodes)).toHaveLength(1);
    expect(nodes.reports[0]!.placements).toEqual(
      SEGMENTS.map((id) => ({ segment_id: String(id), group: assignment.owner(id), anchor: '' })),
    );
    expect(recorded(meta)).toEqual(new Map(SEGMENTS.map((id) => [id, assignment.owner(id)])));
    const reports = nodes.reports.length;
    await placement.settled();
    expect(nodes.reports).toHaveLength(reports);
  });

  it('moves little when a group joins: only onto it, at most 1.5/N of the rows', async () => {
    const { nodes, discovery, placement } = rig([reader('a1', 'ga'), reader('b1', 'gb')], [view('c', SEGMENTS)]);
    await placement.settled();
    const before = placement.assignment();
    nodes.add('c1:1');
    discovery.set([reader('a1', 'ga'), reader('b1', 'gb'), reader('c1', 'gc')]);
    await placement.settled();
    await placement.settled();
    const after = placement.assignment();
    const moved = SEGMENTS.filter((id) => after.owner(id) !== before.owner(id));
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((id) => after.owner(id) === 'gc')).toBe(true);
    expect(moved.length * 3).toBeLessThanOrEqual(1.5 * SEGMENTS.length);
    expect(nodes.holds('c1:1')).toEqual(moved);
    expect(accepted(nodes)).toHaveLength(2);
  });

  it('from a coordinator a metadata change behind is refused, and does not undo the newer record', async () => {
    const { nodes, meta, discovery, placement } = rig([reader('a1', 'ga'), reader('b1', 'gb')], [view('c', SEGMENTS)]);
    await placement.settled();
    const newer = recorded(meta);
    // Another coordinator whose feed still has the metadata from before the record, and a
    // segment fewer: it computes a placement of its own and reports it.
    const stale = new FakeMetadata();
    stale.set([view('c', SEGMENTS.slice(1))]);
    const behind = new Placement(stale, discovery, nodes, pino({ level: 'silent' }), { writer: WRITER });
    placements.push(behind);
    await behind.settled();
    expect(nodes.reports.at(-1)).toMatchObject({ stale: true });
    expect(recorded(meta)).toEqual(newer);
    expect(accepted(nodes)).toHaveLength(1);
  });

  it('does not flap between coordinators whose memberships differ: moves off a group one does not see are recorded once, after a grace', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const members = [reader('a1', 'ga'), reader('b1', 'gb'), reader('c1', 'gc')];
    const { nodes, meta, placement: seesAll } = rig(members, [view('c', SEGMENTS)]);
    // A coordinator whose membership has not caught up with gc.
    const lagging = new Placement(meta, new StaticDiscovery(members.slice(0, 2)), nodes, pino({ level: 'silent' }), { writer: WRITER });
    placements.push(lagging);
    await seesAll.settled();
    const onto = recorded(meta);
    expect([...onto.values()]).toContain('gc');
    for (let i = 0; i < 3; i++) {
      await lagging.settled();
      await seesAll.settled();
    }
    expect(recorded(meta)).toEqual(onto);
    expect(accepted(nodes)).toHaveLength(1);

    // gc stays out of its membership past the grace: it records the moves off gc, once.
    vi.setSystemTime(Date.now() + 11_000);
    await lagging.settled();
    expect([...recorded(meta).values()]).not.toContain('gc');
    expect(accepted(nodes)).toHaveLength(2);
    // The coordinator that sees gc fills it again; the lagging one leaves that be.
    await seesAll.settled();
    const refilled = recorded(meta);
    expect([...refilled.values()]).toContain('gc');
    for (let i = 0; i < 3; i++) {
      await lagging.settled();
      await seesAll.settled();
    }
    expect(recorded(meta)).toEqual(refilled);
    expect(accepted(nodes)).toHaveLength(3);
  });

  it('reports compaction sources that no reader holds, when every reader answered', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const OLD = [1, 2, 3, 4, 5, 6];
    const { nodes, meta, placement } = rig([reader('a1', 'ga'), reader('b1', 'gb')], [view('c', OLD)]);
    await placement.settled();
    meta.set([compacted(OLD, 100)]);
    await placement.settled();
    await placement.settled();
    // Handed off, but within the grace the sources stay on the readers: nothing released.
    expect(nodes.reports.filter((r) => r.released.length)).toEqual([]);
    // One reader down: what it holds is unknown, so nothing is reported released.
    vi.setSystemTime(Date.now() + 5_000);
    nodes.readers.get('b1:1')!.up = false;
    await placement.settled();
    expect(nodes.reports.filter((r) => r.released.length)).toEqual([]);
    nodes.readers.get('b1:1')!.up = true;
    await placement.settled();
    await placement.settled();
    expect([...nodes.holds('a1:1'), ...nodes.holds('b1:1')]).toEqual([100]);
    expect(nodes.reports.at(-1)!.released).toEqual(OLD);
  });
});

describe('what operators read of placement', () => {
  it('counts the rows readers hold of the served segments (loading progress), all of them without groups', async () => {
    const { nodes, placement } = rig([reader('a1', 'ga'), reader('b1', 'gb')], [view('c', [1, 2, 3, 4], true, (id) => id * 100)]);
    // Segment 4 fails to load wherever it is placed.
    for (const r of nodes.readers.values()) r.failLoad = new Set([4]);
    const c = () => placement.loadedRows(view('c', [1, 2, 3, 4], true, (id) => id * 100));
    expect(c()).toEqual({ loaded: 0, total: 1000 });
    await placement.settled();
    expect(c()).toEqual({ loaded: 600, total: 1000 });
    // Only the partitions asked about.
    expect(placement.loadedRows(view('c', [1, 2, 3, 4]), new Set([2]))).toEqual({ loaded: 0, total: 0 });

    const alone = rig([], [view('c', [1, 2])]);
    expect(alone.placement.loadedRows(view('c', [1, 2]))).toEqual({ loaded: 200, total: 200 });
  });

  it('lists every group with its live replicas, and a group the recorded placement names with none', async () => {
    const recorded = view('c', [1, 2]);
    recorded.segments[0]!.placedGroup = 'gone';
    const { nodes, placement } = rig([reader('a1', 'ga'), reader('a2', 'ga'), reader('b1', 'gb')], [recorded]);
    nodes.readers.get('a2:1')!.up = false;
    await placement.settled();
    expect(Object.fromEntries(placement.groupReplicas())).toEqual({ ga: { live: 1 }, gb: { live: 1 }, gone: { live: 0 } });
  });
});

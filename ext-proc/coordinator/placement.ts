import type { Logger } from 'pino';
import { compactionSources, servedSegmentIds, servedSegments, type CollectionView, type SegmentInfo } from '../../meta/collection-view.js';
import { loadedPartitionIds } from '../../meta/load-state.js';
import { Code, MilvusError } from '../../milvus/status.js';
import { createRouter, DEFAULT_ROUTER } from '../../cluster/routing/registry.js';
import type { Assignment, Router } from '../../cluster/routing/router.js';
import { ServedAssignment } from '../../cluster/served-assignment.js';
import { CoalescingRunner } from '../../core/coalescing-runner.js';
import { readerGroups, type Discovery, type Member } from '../../cluster/discovery.js';
import type { MetadataSource } from '../../cluster/metadata-cache.js';
import type { NodeCaller } from './node-clients.js';
import type { GroupReplicas } from './coordinator-metrics.js';
import { PlacementReporter } from './placement-report.js';

/** What one reader holds, as it last reported. */
interface ReaderState {
  member: Member;
  up: boolean;
  /** Loaded segment ids per collection id. */
  loaded: Map<number, Set<number>>;
  /** The estimated result bytes above which it refuses every search (Infinity until it says). */
  resultMemoryLimit: number;
}

/** What a view says of compactions: each target's sources, the retiring segments, every segment by id. */
interface ViewCompactions {
  sources: Map<number, number[]>;
  retiring: Set<number>;
  byId: Map<number, SegmentInfo>;
}

/** A sub-request target: one reader group (its replicas in preference order) and its segments. */
export interface GroupTarget {
  group: string;
  replicas: string[];
  segmentIds: number[];
  /**
   * The estimated result bytes above which every live replica refuses a search (the largest
   * of their admission budgets; Infinity while one has not reported its own).
   */
  resultMemoryLimit: number;
}

const RECONCILE_INTERVAL_MS = 1000;
const CONTROL_DEADLINE_MS = 60_000;
/**
 * How long a compaction's old segments stay on readers after the new one is loaded by its
 * owner: searches routed to them just before keep finding them.
 */
const HANDOFF_GRACE_MS = 2 * RECONCILE_INTERVAL_MS;

export interface PlacementOptions {
  /** The writable node's address: placement and released compaction sources are reported to it. */
  writer: string;
  /** The router kind (DEFAULT_ROUTER when absent); readers preload on the same kind. */
  routerKind?: string;
  /**
   * A load-balanced address for a whole group (`xds:///mishards-reader-G`), tried before
   * the group's replicas one by one; absent, replicas are called directly.
   */
  balancedTarget?: (group: string) => string;
  /** Called with the assignment at the start of every reconciliation pass (the rows gauge). */
  onAssignment?: (assignment: Assignment) => void;
}

/**
 * Places the sealed segments of loaded partitions on reader groups and keeps the placement
 * true:
 *
 * - the router (bounded loads by default) names each segment's owner group, over the served
 *   segments of every collection at once, so groups are balanced on all their rows, keeping
 *   segments on their recorded groups while the bounds hold;
 * - after each pass, the placement is reported to the writer when it differs from the
 *   recorded one, and so are compaction sources no reader holds any more (PlacementReporter);
 * - reconciliation asks every live replica of the owner to load what it lacks, and only once
 *   all of them report a segment loaded releases it from the groups that held it before
 *   (warm hand-off: a segment is always served by whoever has it loaded);
 * - a segment whose partition (or collection) is released, or that is gone, is released from
 *   every reader;
 * - searches are routed to the owner when it has the segment loaded, else to any group that
 *   has; a segment nobody has loaded fails the search with a status naming it;
 * - after a compaction, the old segments stay loaded until every live replica of the new
 *   segment's owner has it (and a short grace after), and each search takes either the new
 *   segment or the whole old set, never both and never neither.
 *
 * Reconciliation runs on every metadata or membership change and every second, one pass at
 * a time, so restarted or recovered readers are noticed.
 */
export class Placement {
  private readers = new Map<string, ReaderState>();
  private router: Router;
  private readonly served = new ServedAssignment();
  /** The assignment of the current router and metadata; recomputed after either changes. */
  private current: Assignment | undefined;
  private readonly routerKind: string;
  private timer: NodeJS.Timeout | undefined;
  private readonly passes = new CoalescingRunner(
    () => this.reconcile(),
    (e) => this.log.error({ err: e }, 'placement reconciliation failed'),
  );
  private closed = false;
  /** When each retiring segment's replacement was first seen loaded by its owner (`collection/id` to ms). */
  private readonly handedOffAt = new Map<string, number>();
  /** What each view says of compactions, computed once per view. */
  private readonly compactionsByView = new WeakMap<CollectionView, ViewCompactions>();
  private readonly reporter: PlacementReporter;

  constructor(
    private readonly cache: MetadataSource,
    private readonly discovery: Discovery,
    private readonly clients: NodeCaller,
    private readonly log: Logger,
    private readonly options: PlacementOptions,
  ) {
    this.reporter = new PlacementReporter(options.writer, clients, log);
    this.routerKind = options.routerKind ?? DEFAULT_ROUTER;
    this.router = createRouter(this.routerKind, []);
    this.syncMembers();
    discovery.on('change', () => {
      this.syncMembers();
      this.kick();
    });
    cache.on('change', () => {
      this.current = undefined;
      this.kick();
    });
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), RECONCILE_INTERVAL_MS);
    this.timer.unref();
    this.kick();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** The routing scheme (`mishards ctl ring` names it too). */
  get routerName(): string {
    return this.router.name;
  }

  /** Where the served segments belong now: the router over the current metadata. */
  assignment(): Assignment {
    this.current ??= this.served.of(this.router, this.cache.all());
    return this.current;
  }

  private syncMembers(): void {
    const readers = this.discovery.members().filter((m) => m.role === 'reader');
    const next = new Map<string, ReaderState>();
    for (const m of readers) {
      const prev = this.readers.get(m.address);
      next.set(
        m.address,
        prev && prev.member.group === m.group
          ? { ...prev, member: m }
          : { member: m, up: true, loaded: new Map(), resultMemoryLimit: Infinity },
      );
    }
    this.readers = next;
    this.router = createRouter(this.routerKind, readerGroups(readers));
    this.current = undefined;
  }

  /** Runs a reconciliation pass now (or right after the current one). */
  kick(): Promise<void> {
    return this.closed ? Promise.resolve() : this.passes.request();
  }

  /** Waits until a reconciliation pass that started after this call has finished. */
  settled(): Promise<void> {
    return this.passes.settled();
  }

  private async reconcile(): Promise<void> {
    const deadline = () => Date.now() + CONTROL_DEADLINE_MS;
    // 1. What does every reader hold?
    await Promise.all(
      [...this.readers.entries()].map(async ([address, r]) => {
        try {
          const res = await this.clients.call(address, 'ListSegments', {}, deadline());
          const loaded = new Map<number, Set<number>>();
          for (const s of res.segments) {
            const collection = Number(s.collection_id);
            if (!loaded.has(collection)) loaded.set(collection, new Set());
            loaded.get(collection)!.add(Number(s.segment_id));
          }
          r.loaded = loaded;
          r.resultMemoryLimit = Number(res.result_memory_limit_bytes) || Infinity;
          if (!r.up) this.log.info({ reader: r.member.name, address }, 'reader is back');
          r.up = true;
        } catch (e) {
          if (r.up) this.log.warn({ reader: r.member.name, address, err: (e as Error).message }, 'reader unreachable');
          r.up = false;
        }
      }),
    );
    // 2. Load what owners lack; 3. release what others hold once owners have it, and what
    // no loaded partition has.
    const assignment = this.assignment();
    this.options.onAssignment?.(assignment);
    const views = new Map(this.cache.all().map((v) => [v.record.id, v] as const));
    const served = new Map([...views].map(([id, v]) => [id, servedSegmentIds(v)] as const));
    for (const [collection, ids] of served) {
      if (!ids.length) continue;
      const byOwner = assignment.partition(ids);
      for (const [group, segs] of byOwner) {
        await Promise.all(
          this.replicasOf(group)
            .filter((r) => r.up)
            .map(async (r) => {
              const have = r.loaded.get(collection) ?? new Set<number>();
              const missing = segs.filter((id) => !have.has(id));
              if (!missing.length) return;
              try {
                const res = await this.clients.call(
                  r.member.address,
                  'LoadSegments',
                  { collection_id: String(collection), segment_ids: missing.map(String) },
                  deadline(),
                );
                for (const id of res.loaded) have.add(Number(id));
                r.loaded.set(collection, have);
                for (const err of res.errors)
                  this.log.error({ reader: r.member.name, segment: err.segment_id, reason: err.reason }, 'segment load failed');
                if (res.status.code !== 0) this.log.error({ reader: r.member.name, reason: res.status.reason }, 'LoadSegments failed');
              } catch (e) {
                this.log.warn({ reader: r.member.name, err: (e as Error).message }, 'LoadSegments call failed');
              }
            }),
        );
      }
    }
    for (const r of this.readers.values()) {
      if (!r.up) continue;
      for (const [collection, have] of r.loaded) {
        const wanted = new Set(served.get(collection));
        const view = views.get(collection);
        const release = [...have].filter((id) => {
          if (!wanted.has(id)) return !(view && this.keepRetiring(view, id, assignment));
          const owner = assignment.owner(id);
          return owner !== r.member.group && this.ownerHasLoaded(owner, collection, id);
        });
        if (!release.length) continue;
        try {
          await this.clients.call(
            r.member.address,
            'ReleaseSegments',
            { collection_id: String(collection), segment_ids: release.map(String) },
            deadline(),
          );
          for (const id of release) {
            have.delete(id);
            this.handedOffAt.delete(`${collection}/${id}`);
          }
        } catch (e) {
          this.log.warn({ reader: r.member.name, err: (e as Error).message }, 'ReleaseSegments call failed');
        }
      }
    }
    // 4. Tell the writer what to record and what it may drop. The views and the assignment
    // are taken together, so the report is computed from one metadata state.
    const readers = [...this.readers.values()];
    await this.reporter.send(this.cache.all(), this.assignment(), {
      complete: readers.every((r) => r.up),
      held: (collection) => new Set(readers.flatMap((r) => [...(r.loaded.get(collection) ?? [])])),
    });
  }

  /**
   * Whether a reader keeps a segment that left service: a compaction's source (of a loaded
   * partition) whose replacement, followed down any later compactions, is not yet loaded by
   * every live replica of its owner, or was only a moment ago.
   */
  private keepRetiring(view: CollectionView, id: number, assignment: Assignment): boolean {
    const { byId } = this.compactionsOf(view);
    const retiring = byId.get(id);
    if (retiring?.compactedInto === undefined || !loadedPartitionIds(view.partitions).has(retiring.partitionId)) return false;
    let top: SegmentInfo | undefined = retiring;
    while (top?.compactedInto !== undefined) top = byId.get(top.compactedInto);
    if (!top) return false;
    const key = `${view.record.id}/${id}`;
    if (!this.ownerHasLoaded(assignment.owner(top.id), view.record.id, top.id)) {
      this.handedOffAt.delete(key);
      return true;
    }
    const since = this.handedOffAt.get(key) ?? Date.now();
    this.handedOffAt.set(key, since);
    return Date.now() - since < HANDOFF_GRACE_MS;
  }

  private replicasOf(group: string): ReaderState[] {
    return [...this.readers.values()].filter((r) => r.member.group === group);
  }

  /** Every live replica of the owner has the segment loaded (and there is at least one). */
  private ownerHasLoaded(owner: string | undefined, collection: number, id: number): boolean {
    if (!owner) return false;
    const live = this.replicasOf(owner).filter((r) => r.up);
    return live.length > 0 && live.every((r) => r.loaded.get(collection)?.has(id));
  }

  /**
   * Splits a search over sealed segments. Each segment goes to its owner group if a live
   * replica there has it loaded, else to any group that has it loaded (the previous owner,
   * during a hand-off). A segment no reader holds yet while its owner group is up (just
   * sealed, still loading, or not placed yet) is left to the writable node, which holds every
   * segment it sealed.
   * A segment whose owner group has no live replica and that nobody else holds fails the
   * request with an UNAVAILABLE-class status naming the group.
   *
   * A segment a compaction made is taken on its owner when loaded there; else, if every one of
   * its sources (retiring segments of the view, recursively) is on readers, the sources are
   * taken instead; else as any other segment. Retiring segments are never taken on their own,
   * so each search covers exactly one of the two sets.
   */
  targets(view: CollectionView, segmentIds: number[]): { groups: GroupTarget[]; toWriter: number[] } {
    const collection = view.record.id;
    const byGroup = new Map<string, number[]>();
    const toWriter: number[] = [];
    const down = new Map<string, number[]>();
    const live = [...this.readers.values()].filter((r) => r.up);
    const assignment = this.assignment();
    const { sources, retiring } = this.compactionsOf(view);
    const holdersOf = (id: number) => live.filter((r) => r.loaded.get(collection)?.has(id));
    const onReaders = (id: number): boolean => holdersOf(id).length > 0 || (sources.get(id)?.every(onReaders) ?? false);
    const place = (id: number): void => {
      // Retiring sources are not placed: they are taken wherever a reader still holds them.
      const owner = assignment.owner(id);
      const holders = holdersOf(id);
      const atOwner = holders.find((r) => r.member.group === owner)?.member.group;
      const from = sources.get(id);
      if (!atOwner && from?.every(onReaders)) {
        from.forEach(place);
        return;
      }
      const group = atOwner ?? holders[0]?.member.group;
      if (group) {
        if (!byGroup.has(group)) byGroup.set(group, []);
        byGroup.get(group)!.push(id);
      } else if (!owner || live.some((r) => r.member.group === owner)) {
        toWriter.push(id);
      } else {
        if (!down.has(owner)) down.set(owner, []);
        down.get(owner)!.push(id);
      }
    };
    for (const id of segmentIds) if (!retiring.has(id)) place(id);
    if (down.size) {
      const detail = [...down.entries()].map(
        ([g, ids]) => `reader group ${g} is unavailable (no live replica) for segments ${ids.join(', ')}`,
      );
      throw new MilvusError(Code.ServiceUnavailable, `collection ${view.record.name}: ${detail.join('; ')}`, true);
    }
    const groups = [...byGroup.entries()].map(([group, segs]) => {
      // Replicas holding every segment of this target first; the others can still answer
      // after a failover if they have loaded meanwhile.
      const holdsAll = (r: ReaderState) => segs.every((id) => r.loaded.get(collection)?.has(id));
      const replicas = live.filter((r) => r.member.group === group);
      const direct = [...replicas.filter(holdsAll), ...replicas.filter((r) => !holdsAll(r))].map((r) => r.member.address);
      // A balanced pick may land on a replica still loading: it says so, and the direct
      // replicas, holders first, come next.
      const balanced = this.options.balancedTarget;
      const resultMemoryLimit = Math.max(...replicas.map((r) => r.resultMemoryLimit));
      return { group, segmentIds: segs, replicas: balanced ? [balanced(group), ...direct] : direct, resultMemoryLimit };
    });
    return { groups, toWriter };
  }

  private compactionsOf(view: CollectionView): ViewCompactions {
    let c = this.compactionsByView.get(view);
    if (!c) {
      const sources = compactionSources(view);
      c = { sources, retiring: new Set([...sources.values()].flat()), byId: new Map(view.segments.map((s) => [s.id, s] as const)) };
      this.compactionsByView.set(view, c);
    }
    return c;
  }

  /** The live readers holding each segment of the collection (by id), by address, as they last reported. */
  holders(collection: number): Map<number, string[]> {
    const out = new Map<number, string[]>();
    for (const r of this.readers.values()) {
      if (!r.up) continue;
      for (const id of r.loaded.get(collection) ?? []) out.set(id, [...(out.get(id) ?? []), r.member.address]);
    }
    return out;
  }

  /**
   * Rows of the collection's served segments (of `partitionIds` only, when given), and of
   * those loaded on readers: a segment a live reader holds, or a compaction's segment whose
   * sources all are (searches take those meanwhile). With no reader group at all every row
   * counts as loaded: the writer serves them.
   */
  loadedRows(view: CollectionView, partitionIds?: ReadonlySet<number>): { loaded: number; total: number } {
    const collectionId = view.record.id;
    const live = [...this.readers.values()].filter((r) => r.up);
    const { sources } = this.compactionsOf(view);
    const onReaders = (id: number): boolean =>
      live.some((r) => r.loaded.get(collectionId)?.has(id)) || (sources.get(id)?.every(onReaders) ?? false);
    const noGroups = this.assignment().groups.length === 0;
    let loaded = 0;
    let total = 0;
    for (const s of servedSegments(view)) {
      if (partitionIds && !partitionIds.has(s.partitionId)) continue;
      total += s.rows;
      if (noGroups || onReaders(s.id)) loaded += s.rows;
    }
    return { loaded, total };
  }

  /** Every reader of the membership and whether it answered the last reconciliation. */
  readerStates(): { member: Member; up: boolean }[] {
    return [...this.readers.values()].map((r) => ({ member: r.member, up: r.up }));
  }

  /**
   * Every reader group with its live replicas: the groups of the membership, and those the
   * recorded placement still names while no member serves them (0 live: their segments are
   * not placed elsewhere yet).
   */
  groupReplicas(): Map<string, GroupReplicas> {
    const out = new Map<string, GroupReplicas>();
    for (const view of this.cache.all())
      for (const s of servedSegments(view)) if (s.placedGroup !== undefined) out.set(s.placedGroup, { live: 0 });
    for (const r of this.readers.values()) {
      const g = out.get(r.member.group!) ?? { live: 0 };
      if (r.up) g.live++;
      out.set(r.member.group!, g);
    }
    return out;
  }

  /** Marks a replica down after a failed call (reconciliation brings it back). */
  markDown(address: string): void {
    const r = this.readers.get(address);
    if (r?.up) {
      r.up = false;
      this.kick();
    }
  }
}

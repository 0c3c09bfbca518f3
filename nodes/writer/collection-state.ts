import type { PrimaryKey } from '../../core/columns.js';
import type { CollectionSchema } from '../../core/schema.js';
import { anyLoaded } from '../../meta/load-state.js';
import type { CollectionRecord, IndexRecord, PartitionRecord } from '../../meta/store.js';
import { indexedScalarFields, vectorIndexOf } from '../../milvus/scalar-indexes.js';
import type { GrowingSegment } from '../../segment/growing.js';
import type { SealedSegment } from '../../segment/sealed.js';
import type { Segment } from '../../segment/segment.js';

/** A delete applied to a segment while a copy of its rows was being written. */
export interface PendingDelete {
  pk: PrimaryKey;
  ts: number;
}

/** A growing segment that is being written to storage; deletes that hit it meanwhile are kept. */
export interface SealingSegment {
  segment: GrowingSegment;
  pendingDeletes: PendingDelete[];
}

/**
 * A sealed segment a compaction replaced (by `into`): out of service, but still held, with
 * deletes applied and logged, for readers that serve it until the hand-off is over.
 */
export interface RetiringSegment {
  segment: SealedSegment;
  into: number;
}

/** A sealed segment's delete log with appends not yet synced, and the oldest LSN among them. */
export interface DirtyDeleteLog {
  partitionId: number;
  minLsn: number;
}

/** What the writable node holds in memory for one collection. */
export class CollectionState {
  readonly partitions = new Map<string, PartitionRecord>();
  indexes: IndexRecord[] = [];
  /** The growing segment per partition id. */
  readonly growing = new Map<number, GrowingSegment>();
  readonly sealing = new Map<number, SealingSegment>();
  /** Seals under way (started by size, age or flush); a flush waits for all of them. */
  readonly sealTasks = new Set<Promise<number | undefined>>();
  /** Sealed segments in service. */
  readonly sealed = new Map<number, SealedSegment>();
  /** The recorded reader group of sealed segments in service that coordinators placed (segment id to group). */
  readonly placedGroups = new Map<number, string>();
  /** Sealed segments compacted into others, until they are dropped. */
  readonly retiring = new Map<number, RetiringSegment>();
  /**
   * Sealed segments being compacted: each maps to its compaction's list of deletes that hit
   * it after its rows were copied (re-applied to the new segment at the swap).
   */
  readonly compacting = new Map<number, PendingDelete[]>();
  /** Compactions under way (drops and close wait for them). */
  readonly compactionTasks = new Set<Promise<unknown>>();
  /** Per partition, the highest LSN already persisted in a sealed segment (for replay). */
  readonly persistedLsn = new Map<number, number>();
  /**
   * Delete logs (by segment path) appended to since their last sync. Kept per collection so
   * that dropping a collection or a partition forgets its logs with it, and a log that fails
   * to sync holds back only the checkpoint, never another collection's flush.
   */
  readonly dirtyDeleteLogs = new Map<string, DirtyDeleteLog>();
  /** Delete-record appends not yet known to be written (a checkpoint and a drop wait for them). */
  readonly deleteWrites = new Set<Promise<void>>();
  /** Background index builds of this collection's segments. */
  readonly builds = new Set<Promise<void>>();
  /** Set, inside the apply chain, when the collection is dropped: work under way stops publishing. */
  dropped = false;

  constructor(public record: CollectionRecord) {}

  get id(): number {
    return this.record.id;
  }

  get schema(): CollectionSchema {
    return this.record.schema;
  }

  /** Whether any partition is loaded: the collection counts as loaded then. */
  isLoaded(): boolean {
    return anyLoaded(this.partitions.values());
  }

  partitionById(id: number): PartitionRecord | undefined {
    for (const p of this.partitions.values()) if (p.id === id) return p;
    return undefined;
  }

  /**
   * Every segment with rows a search must see, optionally limited to some partitions; without
   * `growing`, the sealed ones only (a search that ignores growing data).
   */
  segments(partitionIds?: Set<number>, growing = true): Segment[] {
    const all: Segment[] = growing ? [...this.sealed.values(), ...this.unsealedSegments()] : [...this.sealed.values()];
    return partitionIds ? all.filter((s) => partitionIds.has(s.partitionId)) : all;
  }

  /**
   * Whether rows written before `ms` (wall-clock time) may not be persisted yet: a growing or
   * sealing segment with rows was created before then.
   */
  unpersistedBefore(ms: number): boolean {
    return this.unsealedSegments().some((seg) => seg.length > 0 && seg.createdAt < ms);
  }

  /**
   * The sealed segments a search must cover besides `covered` (segments some other node
   * searches). A segment in service whose compaction sources are partly covered is replaced by
   * its uncovered sources (retiring segments, recursively): a coordinator whose view predates
   * the compaction covers old segments the writer has retired, and rows must be counted once.
   */
  sealedBeyond(covered: Set<number>): SealedSegment[] {
    const sourcesOf = new Map<number, SealedSegment[]>();
    for (const r of this.retiring.values()) {
      const list = sourcesOf.get(r.into);
      if (list) list.push(r.segment);
      else sourcesOf.set(r.into, [r.segment]);
    }
    const touches = (seg: SealedSegment): boolean => covered.has(seg.id) || (sourcesOf.get(seg.id) ?? []).some(touches);
    const out: SealedSegment[] = [];
    const visit = (seg: SealedSegment): void => {
      if (covered.has(seg.id)) return;
      const sources = sourcesOf.get(seg.id) ?? [];
      if (sources.some(touches)) sources.forEach(visit);
      else out.push(seg);
    };
    for (const seg of this.sealed.values()) visit(seg);
    return out;
  }

  /** Growing segments and those being sealed: rows only the writer holds. */
  unsealedSegments(): GrowingSegment[] {
    return [...[...this.sealing.values()].map((s) => s.segment), ...this.growing.values()];
  }

  vectorIndex(): IndexRecord | undefined {
    return vectorIndexOf(this.indexes, this.schema);
  }

  /** The fields whose scalar indexes answer filters, as the sealed segments read them. */
  readonly scalarFields = (): ReadonlySet<string> => indexedScalarFields(this.indexes, this.schema);

  /** Puts a sealed segment in service, its filters answered with the collection's scalar indexes. */
  addSealed(seg: SealedSegment): void {
    seg.useScalarIndexes(this.scalarFields);
    this.sealed.set(seg.id, seg);
  }

  /** Rows only the writer can search: growing, or being sealed. */
  hasUnsealedRows(): boolean {
    for (const g of this.growing.values()) if (g.length > 0) return true;
    return this.sealing.size > 0;
  }

  /** Whether the collection or the partition was dropped: work under way must not publish into it. */
  isGone(partitionId: number): boolean {
    return this.dropped || !this.partitionById(partitionId);
  }

  /** Notes appends to a delete log not yet synced, keeping the oldest LSN among them. */
  markDeleteLogDirty(path: string, log: DirtyDeleteLog): void {
    const known = this.dirtyDeleteLogs.get(path);
    this.dirtyDeleteLogs.set(path, known ? { ...known, minLsn: Math.min(known.minLsn, log.minLsn) } : log);
  }
}

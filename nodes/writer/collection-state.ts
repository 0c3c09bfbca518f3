import type { PrimaryKey } from '../../core/columns.js';
import type { CollectionSchema } from '../../core/schema.js';
import { anyLoaded } from '../../meta/load-state.js';
import type { CollectionRecord, IndexRecord, PartitionRecord } from '../../meta/store.js';
import type { GrowingSegment } from '../../segment/growing.js';
import type { SealedSegment } from '../../segment/sealed.js';
import type { Segment } from '../../segment/segment.js';

/** A growing segment that is being written to storage; deletes that hit it meanwhile are kept. */
export interface SealingSegment {
  segment: GrowingSegment;
  pendingDeletes: { pk: PrimaryKey; ts: number }[];
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
  readonly sealed = new Map<number, SealedSegment>();
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

  /** Every segment with rows a search must see, optionally limited to some partitions. */
  segments(partitionIds?: Set<number>): Segment[] {
    const all: Segment[] = [...this.sealed.values(), ...[...this.sealing.values()].map((s) => s.segment), ...this.growing.values()];
    return partitionIds ? all.filter((s) => partitionIds.has(s.partitionId)) : all;
  }

  /**
   * Whether rows written before `ms` (wall-clock time) may not be persisted yet: a growing or
   * sealing segment with rows was created before then.
   */
  unpersistedBefore(ms: number): boolean {
    const unpersisted = [...this.growing.values(), ...[...this.sealing.values()].map((s) => s.segment)];
    return unpersisted.some((seg) => seg.length > 0 && seg.createdAt < ms);
  }

  vectorIndex(): IndexRecord | undefined {
    return this.indexes[0];
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

import type { Logger } from 'pino';
import type { VectorEngine } from '../../engine/engine.js';
import type { MetaStore } from '../../meta/store.js';
import { SealedSegment } from '../../segment/sealed.js';
import { writeSegment } from '../../storage/segment-files.js';
import type { ApplyChain } from './apply-chain.js';
import type { CollectionState, SealingSegment } from './collection-state.js';
import type { DeleteLogs } from './delete-logs.js';
import type { IndexBuilds } from './index-builds.js';

export interface SealerOptions {
  storageDir: string;
  meta: MetaStore;
  engine: VectorEngine;
  log: Logger;
  /** Seal a non-empty growing segment once it is this old. */
  sealAgeMs: number;
  collections: Map<number, CollectionState>;
  chain: ApplyChain;
  deleteLogs: DeleteLogs;
  indexBuilds: IndexBuilds;
  /** Tells the metadata feed the collection changed (a sealed segment arrived). */
  publish(state: CollectionState): void;
  /** Advances the log checkpoint past what the seals persisted. */
  checkpoint(): Promise<void>;
}

/**
 * Sealing: a partition's growing segment is detached (new inserts start a fresh one), its live
 * rows written as a sealed segment on shared storage and recorded in the metadata store, and
 * the sealed copy swapped in, with deletes that hit it meanwhile re-applied. Search sees the
 * rows throughout. Seals start by size (the apply step), by age (a timer) or by Flush.
 */
export class Sealer {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: SealerOptions) {}

  /** Starts sealing segments by age. */
  start(): void {
    const tick = Math.max(50, Math.min(this.opts.sealAgeMs / 4, 10_000));
    this.timer = setInterval(() => this.sealAged(), tick);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Seals every growing segment of the collection; resolves with the sealed segment ids. */
  async flush(state: CollectionState): Promise<number[]> {
    for (const pid of [...state.growing.keys()]) void this.seal(state, pid).catch(() => undefined);
    // Seals started earlier by size or age count too: Flush answers once all are persisted.
    const ids = await Promise.all([...state.sealTasks]);
    await this.opts.checkpoint();
    return ids.filter((id): id is number => id !== undefined);
  }

  /**
   * Seals a partition's growing segment in the background, then checkpoints, so the log does
   * not grow without bound between flushes. A failure is logged by the seal itself.
   */
  sealInBackground(state: CollectionState, partitionId: number): void {
    void this.seal(state, partitionId)
      .then(() => this.opts.checkpoint())
      .catch(() => undefined);
  }

  private sealAged(): void {
    const now = Date.now();
    for (const state of this.opts.collections.values()) {
      for (const [pid, seg] of state.growing) {
        if (seg.length > 0 && now - seg.createdAt >= this.opts.sealAgeMs) this.sealInBackground(state, pid);
      }
    }
  }

  /** Seals the partition's growing segment, as one of the collection's seal tasks (which Flush and drops wait for). */
  private seal(state: CollectionState, partitionId: number): Promise<number | undefined> {
    const task = this.sealNow(state, partitionId);
    state.sealTasks.add(task);
    void task.finally(() => state.sealTasks.delete(task)).catch(() => undefined);
    return task;
  }

  private sealNow(state: CollectionState, partitionId: number): Promise<number | undefined> {
    const detached = this.opts.chain.run(() => {
      const seg = state.growing.get(partitionId);
      if (!seg || seg.length === 0) return undefined;
      state.growing.delete(partitionId);
      const entry: SealingSegment = { segment: seg, pendingDeletes: [] };
      state.sealing.set(seg.id, entry);
      return entry;
    });
    return detached.then(async (entry) => {
      if (!entry) return undefined;
      try {
        return await this.writeSealed(state, entry);
      } catch (e) {
        // The rows stay searchable in memory and in the log; a later flush retries.
        state.sealing.delete(entry.segment.id);
        if (!state.isGone(partitionId)) state.growing.set(partitionId, entry.segment);
        this.opts.log.error({ err: e, collection: state.record.name }, 'sealing a segment failed');
        throw e;
      }
    });
  }

  private async writeSealed(state: CollectionState, entry: SealingSegment): Promise<number | undefined> {
    const { storageDir, meta, engine } = this.opts;
    const g = entry.segment;
    const snap = g.snapshotLive();
    // A drop waits for this seal before it removes metadata and files: what was written for a
    // dropped collection or partition goes with them.
    if (snap.rows === 0 || state.isGone(g.partitionId)) {
      state.sealing.delete(g.id);
      return undefined;
    }
    const id = await meta.allocateIds('segment', 1);
    const manifest = { id, collectionId: state.id, partitionId: g.partitionId, rows: snap.rows, minLsn: g.firstLsn!, maxLsn: g.lastLsn };
    const path = await writeSegment(storageDir, manifest, snap.columns, snap.ts, snap.inserted);
    if (state.isGone(g.partitionId)) {
      state.sealing.delete(g.id);
      return undefined;
    }
    await meta.addSegment({
      id,
      collectionId: state.id,
      partitionId: g.partitionId,
      state: 'sealed',
      rowCount: snap.rows,
      path,
      createdAt: g.createdAt,
      sealedAt: Date.now(),
    });
    const sealed = await SealedSegment.load(storageDir, path, id, state.schema, engine);
    // Swap in the apply chain so no mutation interleaves between re-applying deletes and the swap.
    const published = await this.opts.chain.run(async () => {
      if (state.isGone(g.partitionId)) {
        state.sealing.delete(g.id);
        return false;
      }
      // Written before the segment is published, so no reader can load it without them.
      await Promise.all(
        entry.pendingDeletes
          .filter((d) => sealed.applyDelete(d.pk, d.ts))
          .map((d) => this.opts.deleteLogs.append(state, sealed, [d.pk], d.ts)),
      );
      // The growing copy leaves as the sealed one arrives: searches see the rows throughout.
      state.sealing.delete(g.id);
      state.addSealed(sealed);
      state.persistedLsn.set(g.partitionId, Math.max(state.persistedLsn.get(g.partitionId) ?? 0, manifest.maxLsn));
      this.opts.publish(state);
      return true;
    });
    if (!published) {
      await sealed.release();
      return undefined;
    }
    if (state.vectorIndex()) this.opts.indexBuilds.schedule(state, sealed);
    return id;
  }
}

import type { Logger } from 'pino';
import { vectorField } from '../../core/schema.js';
import { vectorSetOf } from '../../segment/vector-column.js';
import type { VectorEngine } from '../../engine/engine.js';
import type { IndexRecord, MetaStore } from '../../meta/store.js';
import { gatherRows } from '../../segment/rows.js';
import { SealedSegment } from '../../segment/sealed.js';
import { removeIndex, removeSegmentFiles, writeSegment } from '../../storage/segment-files.js';
import type { ApplyChain } from './apply-chain.js';
import type { CollectionState, PendingDelete } from './collection-state.js';
import type { CompactionPlan } from './compaction-plan.js';
import type { DeleteLogs } from './delete-logs.js';
import { indexManifestOf, writeIndexFiles, type IndexBuilds } from './index-builds.js';

export interface CompactorOptions {
  storageDir: string;
  meta: MetaStore;
  engine: VectorEngine;
  log: Logger;
  chain: ApplyChain;
  deleteLogs: DeleteLogs;
  indexBuilds: IndexBuilds;
  /** Tells the metadata feed the collection changed (the new set is in service). */
  publish(state: CollectionState): void;
  /** Retiring segments of a finished compaction: dropped once their hand-off is over. */
  retire(state: CollectionState, ids: number[]): void;
  /** Releases segments that left the writer and removes their files, once index builds under way are over. */
  removeFiles(state: CollectionState, segments: SealedSegment[]): void;
}

/** A compaction's claim on its sources: their rows as of the claim, and the deletes that hit them since. */
interface Claim {
  sources: SealedSegment[];
  live: Uint8Array[];
  pending: PendingDelete[];
}

/**
 * Executes compaction plans. The new segment is written, indexed and published on storage
 * first (nothing refers to it yet: a crash leaves an orphan directory, removed on start);
 * then one metadata transaction adds it and marks its sources compacted into it; then, in
 * the apply chain, the deletes that hit the sources meanwhile are re-applied to it and it
 * replaces them in service. The sources retire: still held and kept exact (deletes applied
 * and logged) for readers that serve them, until they are dropped.
 */
export class Compactor {
  constructor(private readonly opts: CompactorOptions) {}

  /**
   * Runs one plan as one of the collection's compaction tasks; resolves with the new
   * segment's id, null when no row was left (the sources were dropped), or undefined when the
   * plan no longer applies (a source left service, the partition went, the index changed).
   */
  compact(state: CollectionState, plan: CompactionPlan): Promise<number | null | undefined> {
    const task = this.run(state, plan);
    state.compactionTasks.add(task);
    void task.finally(() => state.compactionTasks.delete(task)).catch(() => undefined);
    return task;
  }

  private async run(state: CollectionState, plan: CompactionPlan): Promise<number | null | undefined> {
    const claim = await this.opts.chain.run(() => this.claim(state, plan));
    if (!claim) return undefined;
    try {
      return await this.rewrite(state, plan, claim);
    } finally {
      // A swap has removed them already; after a failure the sources stay in service.
      for (const s of claim.sources) if (state.compacting.get(s.id) === claim.pending) state.compacting.delete(s.id);
    }
  }

  /** In the apply chain: the sources' live rows now, and a list for the deletes that follow. */
  private claim(state: CollectionState, plan: CompactionPlan): Claim | undefined {
    if (state.isGone(plan.partitionId)) return undefined;
    const sources = plan.sources.map((id) => state.sealed.get(id));
    if (sources.some((s) => !s || s.partitionId !== plan.partitionId || state.compacting.has(s.id))) return undefined;
    const claim: Claim = { sources: sources as SealedSegment[], live: [], pending: [] };
    for (const s of claim.sources) {
      // Copied: the cached mask changes with the next delete.
      claim.live.push(s.liveMask().slice());
      state.compacting.set(s.id, claim.pending);
    }
    return claim;
  }

  private async rewrite(state: CollectionState, plan: CompactionPlan, claim: Claim): Promise<number | null | undefined> {
    const { storageDir, meta, engine } = this.opts;
    const data = gatherRows(
      state.schema,
      claim.sources.map((segment, i) => ({ segment, live: claim.live[i]! })),
    );
    if (data.rows === 0) return this.dropEmpty(state, claim);
    const index = state.vectorIndex();
    const id = await meta.allocateIds('segment', 1);
    const manifest = {
      id,
      collectionId: state.id,
      partitionId: plan.partitionId,
      rows: data.rows,
      minLsn: Math.min(...claim.sources.map((s) => s.manifest.minLsn)),
      maxLsn: Math.max(...claim.sources.map((s) => s.manifest.maxLsn)),
    };
    const path = await writeSegment(storageDir, manifest, data.columns, data.ts, data.inserted);
    const wanted = () => !state.isGone(plan.partitionId) && state.vectorIndex() === index;
    let loaded: SealedSegment | undefined;
    try {
      if (index) {
        const field = vectorField(state.schema);
        const vectors = vectorSetOf(field, data.columns.get(field.name)!);
        // One native thread: the other cores stay with searches.
        const built = await writeIndexFiles(this.opts, path, vectors, indexManifestOf(index, field), wanted, 1);
        if (!built) throw new PlanObsolete();
      }
      loaded = await SealedSegment.load(storageDir, path, id, state.schema, engine);
      if (!wanted()) throw new PlanObsolete();
      await meta.compactSegments(
        {
          id,
          collectionId: state.id,
          partitionId: plan.partitionId,
          state: index ? 'indexed' : 'sealed',
          rowCount: data.rows,
          path,
          createdAt: Date.now(),
          sealedAt: Date.now(),
        },
        plan.sources,
      );
    } catch (e) {
      await loaded?.release();
      await removeSegmentFiles(storageDir, path);
      if (e instanceof PlanObsolete) return undefined;
      throw e;
    }
    const target = loaded;
    const swapped = await this.opts.chain.run(async () => {
      // A drop of the partition waits for this task, then removes the metadata and files.
      if (state.isGone(plan.partitionId)) return false;
      // Written before the swap is published, so no reader loads the new segment without them.
      await Promise.all(
        claim.pending.filter((d) => target.applyDelete(d.pk, d.ts)).map((d) => this.opts.deleteLogs.append(state, target, [d.pk], d.ts)),
      );
      for (const s of claim.sources) {
        state.sealed.delete(s.id);
        state.compacting.delete(s.id);
        state.retiring.set(s.id, { segment: s, into: id });
      }
      state.addSealed(target);
      this.opts.publish(state);
      return true;
    });
    if (!swapped) {
      await target.release();
      return undefined;
    }
    this.opts.retire(state, plan.sources);
    await this.followIndexChange(state, target, index);
    return id;
  }

  /**
   * Sources with no live row left: dropped at once, since searching them or not gives the
   * same answers. Their records go first; a crash before the files leaves orphans, removed on
   * start.
   */
  private async dropEmpty(state: CollectionState, claim: Claim): Promise<null | undefined> {
    const dropped = await this.opts.chain.run(() => {
      if (state.isGone(claim.sources[0]!.partitionId)) return false;
      for (const s of claim.sources) {
        state.sealed.delete(s.id);
        state.compacting.delete(s.id);
      }
      return true;
    });
    if (!dropped) return undefined;
    for (const s of claim.sources) await this.opts.meta.deleteSegment(s.id);
    this.opts.publish(state);
    this.opts.removeFiles(state, claim.sources);
    return null;
  }

  /**
   * The collection's index changed between the commit and the swap: the new segment's index
   * goes (a DropIndex passed it by) and the current one is built as for a sealed segment.
   */
  private async followIndexChange(state: CollectionState, target: SealedSegment, builtWith: IndexRecord | undefined): Promise<void> {
    if (state.vectorIndex() === builtWith) return;
    if (builtWith) {
      await target.dropIndex();
      await removeIndex(this.opts.storageDir, target.path);
      await this.opts.meta.updateSegment(target.id, { state: 'sealed' });
      this.opts.publish(state);
    }
    this.opts.indexBuilds.schedule(state, target);
  }
}

/** The plan stopped applying while it ran (its partition went, or the index changed). */
class PlanObsolete extends Error {}

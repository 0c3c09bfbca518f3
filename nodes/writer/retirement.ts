import type { Logger } from 'pino';
import type { MetaStore } from '../../meta/store.js';
import type { SealedSegment } from '../../segment/sealed.js';
import { readDeletes, syncDeletes } from '../../storage/segment-files.js';
import type { ApplyChain } from './apply-chain.js';
import { settled } from './background.js';
import type { CollectionState } from './collection-state.js';
import type { DeleteLogs } from './delete-logs.js';

export interface RetirementOptions {
  storageDir: string;
  meta: MetaStore;
  log: Logger;
  chain: ApplyChain;
  deleteLogs: DeleteLogs;
  /**
   * The longest a compaction's sources stay after the swap. They go sooner once a coordinator
   * reports that no reader holds them (`released`); this bound is for when none does (no
   * coordinator, or a reader that does not answer). A coordinator that finds the old set gone
   * searches the new segment.
   */
  retentionMs: number;
  /** Tells the metadata feed the collection changed (retired segments left). */
  publish(state: CollectionState): void;
  /** Releases dropped segments and removes their files, once index builds under way are over. */
  removeFiles(state: CollectionState, segments: SealedSegment[]): void;
}

/** A compaction's sources waiting to be dropped, and the timer of the retention bound. */
interface PendingDrop {
  state: CollectionState;
  ids: number[];
  timer: NodeJS.Timeout;
}

/**
 * The end of retiring segments (sources of finished compactions). Until dropped they stay
 * exact for readers that still serve them; they are dropped once coordinators report that no
 * reader holds them, or when the retention has passed, whichever comes first. Then their
 * records go, the view without them is published, and their files are removed. On start,
 * deletes logged to a retiring segment are carried over to the segment it was compacted into,
 * for a crash between a compaction's commit and its swap.
 */
export class Retirement {
  private readonly pending = new Set<PendingDrop>();

  constructor(private readonly opts: RetirementOptions) {}

  /**
   * On load, before the log is replayed: re-applies every delete record of each retiring
   * segment to the segment it was compacted into (oldest compactions first, so deletes flow
   * down a chain of compactions), appending those that hit. Deletes are idempotent, so records
   * the swap re-applied already change nothing.
   */
  async recover(state: CollectionState): Promise<void> {
    const retiring = [...state.retiring.values()].sort((a, b) => a.segment.id - b.segment.id);
    for (const { segment, into } of retiring) {
      const target = state.sealed.get(into) ?? state.retiring.get(into)?.segment;
      if (!target) continue;
      const { records } = await readDeletes(this.opts.storageDir, segment.path, 0);
      for (const r of records) {
        const hit = r.pks.filter((pk) => target.applyDelete(pk, r.ts) > 0);
        if (hit.length) await this.opts.deleteLogs.append(state, target, hit, r.ts);
      }
    }
  }

  /** Drops the given retiring segments once released, or once the retention has passed. */
  schedule(state: CollectionState, ids: number[]): void {
    const pending: PendingDrop = { state, ids, timer: setTimeout(() => this.dropNow(pending), this.opts.retentionMs) };
    pending.timer.unref();
    this.pending.add(pending);
  }

  /** Schedules the drop of every retiring segment of a collection just loaded. */
  scheduleAll(state: CollectionState): void {
    const byTarget = new Map<number, number[]>();
    for (const [id, r] of state.retiring) byTarget.set(r.into, [...(byTarget.get(r.into) ?? []), id]);
    for (const ids of byTarget.values()) this.schedule(state, ids);
  }

  /**
   * A coordinator's report that no reader holds these segments: every compaction whose sources
   * are all among them is dropped now. Ids that are not retiring change nothing.
   */
  released(ids: readonly number[]): void {
    const gone = new Set(ids);
    for (const pending of this.pending) if (pending.ids.every((id) => gone.has(id))) this.dropNow(pending);
  }

  stop(): void {
    for (const p of this.pending) clearTimeout(p.timer);
    this.pending.clear();
  }

  private dropNow(pending: PendingDrop): void {
    clearTimeout(pending.timer);
    if (!this.pending.delete(pending)) return;
    const { state, ids } = pending;
    this.drop(state, ids).catch((e) => {
      this.opts.log.error({ err: e, collection: state.record.name, segments: ids }, 'dropping retired segments failed; retrying later');
      this.schedule(state, ids);
    });
  }

  private async drop(state: CollectionState, ids: number[]): Promise<void> {
    if (state.dropped) return;
    // Retiring segments these were compacted from go with them: nothing serves them any more
    // that would not also need these.
    const group = new Set(ids.filter((id) => state.retiring.has(id)));
    for (let grew = true; grew; ) {
      grew = false;
      for (const [id, r] of state.retiring) {
        if (group.has(r.into) && !group.has(id)) {
          group.add(id);
          grew = true;
        }
      }
    }
    if (!group.size) return;
    // Their deletes re-applied to the segments they went into must be durable before their
    // own delete logs, which recovery reads, are gone.
    await settled(state.deleteWrites);
    for (const into of new Set([...group].map((id) => state.retiring.get(id)!.into))) {
      const target = state.sealed.get(into) ?? state.retiring.get(into)?.segment;
      if (target) await syncDeletes(this.opts.storageDir, target.path);
    }
    const gone = await this.opts.chain.run(() => {
      const segments: SealedSegment[] = [];
      if (state.dropped) return segments;
      for (const id of group) {
        const r = state.retiring.get(id);
        if (!r) continue;
        state.retiring.delete(id);
        segments.push(r.segment);
      }
      return segments;
    });
    // Records first: a crash before the files leaves orphans, which the next start removes.
    // Oldest first: a crash between two leaves no retiring segment whose target is gone.
    for (const s of gone.sort((a, b) => a.id - b.id)) await this.opts.meta.deleteSegment(s.id);
    this.opts.publish(state);
    this.opts.removeFiles(state, gone);
  }
}

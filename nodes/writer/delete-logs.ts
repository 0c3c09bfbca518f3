import type { Logger } from 'pino';
import type { PrimaryKey } from '../../core/columns.js';
import type { SealedSegment } from '../../segment/sealed.js';
import { appendDeletes, syncDeletes } from '../../storage/segment-files.js';
import { track } from './background.js';
import type { CollectionState } from './collection-state.js';

/**
 * Delete records of sealed segments, in each segment's `deletes.log` on shared storage (readers
 * read them from there): appended as deletes are applied, synced by the next checkpoint. The
 * logs appended to since their last sync are the collection's dirty delete logs.
 */
export class DeleteLogs {
  constructor(
    private readonly storageDir: string,
    private readonly log: Logger,
  ) {}

  /** Delete records of sealed segments are appended now and synced before the next checkpoint. */
  append(state: CollectionState, seg: SealedSegment, pks: PrimaryKey[], ts: number): Promise<void> {
    state.markDeleteLogDirty(seg.path, { partitionId: seg.partitionId, minLsn: ts });
    const write = appendDeletes(this.storageDir, seg.path, ts, pks).catch((e) => {
      // The delete is durable in the write-ahead log and applied here; readers miss it until
      // the writer restarts and replays it. Loud, because it is a storage fault.
      this.log.error({ err: e, segment: seg.id }, 'appending delete records failed; the log keeps them');
    });
    track(state.deleteWrites, write);
    return write;
  }

  /** Syncs a collection's dirty delete logs; returns the oldest LSN of those that failed (Infinity if none). */
  async sync(state: CollectionState): Promise<number> {
    const dirty = [...state.dirtyDeleteLogs];
    state.dirtyDeleteLogs.clear();
    let oldestFailed = Infinity;
    for (const [path, log] of dirty) {
      try {
        await syncDeletes(this.storageDir, path);
      } catch (e) {
        // A log dropped meanwhile went with its collection or partition: nothing to keep.
        if (state.isGone(log.partitionId)) continue;
        state.markDeleteLogDirty(path, log);
        oldestFailed = Math.min(oldestFailed, log.minLsn);
        this.log.error({ err: e, collection: state.record.name, path }, 'syncing delete records failed; the write-ahead log keeps them');
      }
    }
    return oldestFailed;
  }
}

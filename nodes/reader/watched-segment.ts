import type { FSWatcher } from 'node:fs';
import type { Logger } from 'pino';
import type { VectorEngine } from '../../engine/engine.js';
import type { SealedSegment } from '../../segment/sealed.js';
import { watchSegmentDir } from '../../storage/segment-files.js';

/**
 * Storage whose changes a watch does not report (a directory shared over NFS and written from
 * another machine) is still checked, at most this long after the previous check.
 */
export const RECHECK_MS = 1000;

/**
 * A segment loaded by a reader, with what the reader knows of its files changing. The writer
 * appends delete records to the segment's `deletes.log` and publishes its index after the
 * reader loaded it; a watch on the segment's directory reports both, so a request reads the
 * files only when they changed (or RECHECK_MS passed) and a search does no file call at all
 * otherwise. A delete is seen by the next request: the writer acknowledges it only once its
 * record is written, and the kernel queues the watch's event at that write, before anything
 * sent after the acknowledgement can arrive; the event loop hands this process its events in
 * that order. A segment whose directory cannot be watched is checked before every request.
 */
export class WatchedSegment {
  /** Changes reported by the watch, and how many of them the last completed check covered. */
  private changes = 1;
  private checked = 0;
  private checkedAt = 0;
  private watcher: FSWatcher | undefined;

  constructor(
    readonly segment: SealedSegment,
    private readonly engine: VectorEngine,
    log: Logger,
  ) {
    try {
      this.watcher = watchSegmentDir(
        segment.root,
        segment.path,
        () => this.changes++,
        (e) => {
          log.warn({ segment: segment.id, err: e.message }, 'watching segment files failed; checking them before every request');
          this.unwatch();
        },
      );
    } catch (e) {
      log.warn({ segment: segment.id, err: (e as Error).message }, 'cannot watch segment files; checking them before every request');
    }
  }

  /**
   * Reads what changed in the segment's files since the last check (delete records, a
   * published index); undefined, with nothing done, when nothing can have changed. `force`
   * reads them regardless (a Strong or Session request: the writer may be on another machine).
   */
  refresh(now: number, force = false): Promise<void> | undefined {
    if (!force && this.watcher && this.checked === this.changes && now - this.checkedAt < RECHECK_MS) return undefined;
    return this.read(now);
  }

  private async read(now: number): Promise<void> {
    // A change reported while this read is under way is read by the next request.
    const changes = this.changes;
    await this.segment.refreshDeletes();
    await this.segment.refreshIndex(this.engine);
    this.checked = Math.max(this.checked, changes);
    this.checkedAt = Math.max(this.checkedAt, now);
  }

  async release(): Promise<void> {
    this.unwatch();
    await this.segment.release();
  }

  private unwatch(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}

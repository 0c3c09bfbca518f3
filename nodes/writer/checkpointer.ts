import type { WriteAheadLog } from '../../storage/wal.js';
import type { ApplyChain } from './apply-chain.js';
import { settled } from './background.js';
import type { CollectionState } from './collection-state.js';
import type { DeleteLogs } from './delete-logs.js';

/**
 * Advances the write-ahead log's checkpoint past everything that is durable outside it: rows
 * in sealed segments and synced delete records. Rows still only in memory keep their records.
 */
export class Checkpointer {
  /**
   * The highest LSN applied to memory. A checkpoint never passes it: a record appended but not
   * yet applied is in no segment, and only the log holds it.
   */
  private appliedLsn = 0;
  // One at a time: flushes and size- or age-triggered seals all checkpoint.
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly wal: WriteAheadLog,
    private readonly chain: ApplyChain,
    private readonly collections: Map<number, CollectionState>,
    private readonly deleteLogs: DeleteLogs,
  ) {}

  /** Records that the mutation at `lsn` has been applied to memory. */
  applied(lsn: number): void {
    this.appliedLsn = Math.max(this.appliedLsn, lsn);
  }

  /** The newest LSN applied to memory (see Writer.appliedLsn). */
  get lastApplied(): number {
    return this.appliedLsn;
  }

  checkpoint(): Promise<void> {
    const run = this.running.then(() => this.once());
    this.running = run.catch(() => undefined);
    return run;
  }

  private async once(): Promise<void> {
    await this.chain.idle();
    const live = [...this.collections.values()];
    let upTo = this.appliedLsn;
    for (const state of live) {
      for (const seg of state.growing.values()) if (seg.firstLsn !== undefined) upTo = Math.min(upTo, seg.firstLsn - 1);
      for (const s of state.sealing.values()) if (s.segment.firstLsn !== undefined) upTo = Math.min(upTo, s.segment.firstLsn - 1);
    }
    await settled(...live.map((s) => s.deleteWrites));
    const failures = await Promise.all(live.map((state) => this.deleteLogs.sync(state)));
    // A log that did not sync keeps its records in the write-ahead log and holds back only
    // the checkpoint: no flush waits on it.
    for (const minLsn of failures) upTo = Math.min(upTo, minLsn - 1);
    await this.wal.drain();
    await this.wal.checkpoint(upTo);
  }
}

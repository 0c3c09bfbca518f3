import { loadedPartitionIds } from '../../meta/load-state.js';
import type { MetaStore, PlacedGroup } from '../../meta/store.js';
import { invalidParameter } from '../../milvus/status.js';
import type { ReportedPlacement } from '../data-node-api.js';
import type { CollectionState } from './collection-state.js';

export interface PlacementRecordsOptions {
  meta: MetaStore;
  collections: ReadonlyMap<number, CollectionState>;
  /** Tells the metadata feed the collection changed (its segments' recorded groups). */
  publish(state: CollectionState): void;
}

/** The most a group name may have: the metadata column is VARCHAR(255). */
const MAX_GROUP_LENGTH = 255;

/**
 * The recorded placement: the reader group each served segment was placed on, as coordinators
 * report it. The router keeps segments on these groups (their anchors) while the bounds hold,
 * so recording a placement is what makes it stick across seals, joins and leaves.
 *
 * A report is recorded only if it was computed from the current metadata: it must list
 * exactly the served segments, each with exactly its recorded group as anchor. The router is
 * deterministic and a placement it computes gives itself back, so coordinators that see the
 * same groups and the same metadata report the same placement, and once it is recorded they
 * report nothing. A coordinator a change behind (a seal, another coordinator's record) is
 * refused rather than undoing newer records; it reports again from the newer metadata.
 * Reports are recorded one at a time, so the check and the write see the same state.
 */
export class PlacementRecords {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: PlacementRecordsOptions) {}

  /** Records a report; resolves with how many segments' groups changed, or stale when refused. */
  record(placements: ReportedPlacement[]): Promise<{ recorded: number; stale: boolean }> {
    for (const p of placements) {
      if (p.group === '' || p.group.length > MAX_GROUP_LENGTH)
        throw invalidParameter(`segment ${p.segmentId}: a reader group name must have 1 to ${MAX_GROUP_LENGTH} characters`);
    }
    const run = this.queue.then(() => this.recordNow(placements));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async recordNow(placements: ReportedPlacement[]): Promise<{ recorded: number; stale: boolean }> {
    const served = this.served();
    const stale = { recorded: 0, stale: true };
    if (placements.length !== served.size) return stale;
    const changes: (PlacedGroup & { state: CollectionState })[] = [];
    for (const p of placements) {
      const state = served.get(p.segmentId);
      if (!state || state.placedGroups.get(p.segmentId) !== p.anchor) return stale;
      if (p.group !== p.anchor) changes.push({ segmentId: p.segmentId, group: p.group, state });
    }
    if (!changes.length) return { recorded: 0, stale: false };
    await this.opts.meta.setPlacedGroups(changes.map(({ segmentId, group }) => ({ segmentId, group })));
    for (const c of changes) c.state.placedGroups.set(c.segmentId, c.group);
    for (const state of new Set(changes.map((c) => c.state))) this.opts.publish(state);
    return { recorded: changes.length, stale: false };
  }

  /**
   * The served segments (sealed, in service, of a loaded partition) and their collections.
   * Forgets the recorded groups of segments no longer in service on the way.
   */
  private served(): Map<number, CollectionState> {
    const served = new Map<number, CollectionState>();
    for (const state of this.opts.collections.values()) {
      for (const id of state.placedGroups.keys()) if (!state.sealed.has(id)) state.placedGroups.delete(id);
      const loaded = loadedPartitionIds([...state.partitions.values()]);
      for (const seg of state.sealed.values()) if (loaded.has(seg.partitionId)) served.set(seg.id, state);
    }
    return served;
  }
}

import { fromJson, toJson } from '../core/json.js';
import { loadedPartitionIds } from './load-state.js';
import type { CollectionRecord, IndexRecord, PartitionRecord, SegmentState } from './store.js';

/**
 * Everything a coordinator or reader needs to know about one collection to serve searches:
 * its record (schema), partitions (with their load state), index and sealed segments. The writer
 * publishes a fresh view after every change; caches replace their copy wholesale.
 */
export interface CollectionView {
  record: CollectionRecord;
  partitions: PartitionRecord[];
  indexes: IndexRecord[];
  segments: SegmentInfo[];
  /**
   * Whether the writer holds rows not yet in a listed sealed segment (growing, or being
   * sealed). Coordinators may skip the writer for Bounded searches when it does not.
   */
  unsealedRows: boolean;
}

export interface SegmentInfo {
  id: number;
  partitionId: number;
  rows: number;
  state: SegmentState;
  /**
   * Set on a retiring segment: a compaction replaced it by this one. It stays listed (and
   * held by readers that serve it) until the new one has been handed off, then the writer
   * drops it.
   */
  compactedInto?: number;
  /**
   * Set on a segment in service whose placement coordinators recorded: the reader group it
   * was placed on, the anchor the router keeps it on (cluster/routing).
   */
  placedGroup?: string;
}

export const encodeView = (v: CollectionView): string => toJson(v);
export const decodeView = (json: string): CollectionView => fromJson<CollectionView>(json);

/**
 * The sealed segments readers hold for the collection: those of its loaded partitions that
 * are in service (not retiring after a compaction).
 */
export function servedSegments(v: CollectionView): SegmentInfo[] {
  const loaded = loadedPartitionIds(v.partitions);
  return v.segments.filter((s) => loaded.has(s.partitionId) && s.compactedInto === undefined);
}

export function servedSegmentIds(v: CollectionView): number[] {
  return servedSegments(v).map((s) => s.id);
}

/** Each compaction target's sources among the view's retiring segments. */
export function compactionSources(v: CollectionView): Map<number, number[]> {
  const sources = new Map<number, number[]>();
  for (const s of v.segments) {
    if (s.compactedInto === undefined) continue;
    const list = sources.get(s.compactedInto);
    if (list) list.push(s.id);
    else sources.set(s.compactedInto, [s.id]);
  }
  return sources;
}

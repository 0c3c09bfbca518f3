import type { LoadState, PartitionRecord } from './store.js';

/**
 * Load state per partition, as Milvus's query coordinator keeps it: which partitions are
 * loaded, plus whether partitions created later start loaded (the collection was loaded
 * whole). The writer applies changes; every other node reads the result from the views.
 */

/** The ids of the loaded partitions. */
export function loadedPartitionIds(partitions: Iterable<PartitionRecord>): Set<number> {
  const ids = new Set<number>();
  for (const p of partitions) if (p.loaded) ids.add(p.id);
  return ids;
}

/** A collection counts as loaded when any of its partitions is (Milvus's GetLoadState). */
export function anyLoaded(partitions: Iterable<PartitionRecord>): boolean {
  for (const p of partitions) if (p.loaded) return true;
  return false;
}

/** LoadCollection / ReleaseCollection ('all') or LoadPartitions / ReleasePartitions (ids). */
export interface LoadChange {
  action: 'load' | 'release';
  partitionIds: number[] | 'all';
}

/**
 * The state after a change. Loading the collection loads every partition and those created
 * later; loading partitions adds them to what is loaded, whatever loaded it. Releasing
 * partitions removes them, and releasing the last loaded one releases the collection, so
 * that a partition created afterwards is not loaded.
 */
export function nextLoadState(partitions: PartitionRecord[], loadNewPartitions: boolean, change: LoadChange): LoadState {
  const loaded = loadedPartitionIds(partitions);
  const all = change.partitionIds === 'all';
  const named = all ? partitions.map((p) => p.id) : (change.partitionIds as number[]);
  if (change.action === 'load') {
    for (const id of named) loaded.add(id);
    return { loadNewPartitions: loadNewPartitions || all, loadedPartitionIds: [...loaded] };
  }
  for (const id of named) loaded.delete(id);
  return { loadNewPartitions: loadNewPartitions && loaded.size > 0, loadedPartitionIds: [...loaded] };
}

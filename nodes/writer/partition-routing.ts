import type { Column } from '../../core/columns.js';
import { partitionKeyField } from '../../core/schema.js';
import { partitionIndexOf, partitionsInHashOrder } from '../../milvus/partition-key.js';
import { selectRows } from '../../segment/rows.js';
import type { CollectionState } from './collection-state.js';

/** Inserted rows in columnar form. */
export interface InsertRows {
  rows: number;
  columns: Map<string, Column>;
}

/**
 * The rows of a mutation's insert by the partition they go to: all to the mutation's
 * partition, or in a partition-key collection each to the partition its key hashes to, as
 * Milvus routes them. Routing as the record is applied keeps an insert (and an upsert's
 * deletes with it) one record of the log; replay routes the same way, as such a collection's
 * partitions never change.
 */
export function insertParts(state: CollectionState, partitionId: number, insert: InsertRows): (InsertRows & { partitionId: number })[] {
  const key = partitionKeyField(state.schema);
  if (!key) return [{ partitionId, ...insert }];
  const partitions = partitionsInHashOrder(state.partitions.values());
  // Decoding fills every non-nullable field (a missing key takes its default): the column is there.
  const keys = insert.columns.get(key.name)!.values as ArrayLike<bigint | string>;
  const rowsByPartition = new Map<number, number[]>();
  for (let r = 0; r < insert.rows; r++) {
    const i = partitionIndexOf(keys[r]!, partitions.length);
    const rows = rowsByPartition.get(i);
    if (rows) rows.push(r);
    else rowsByPartition.set(i, [r]);
  }
  if (rowsByPartition.size === 1) return [{ partitionId: partitions[[...rowsByPartition.keys()][0]!]!.id, ...insert }];
  return [...rowsByPartition].map(([i, rows]) => ({
    partitionId: partitions[i]!.id,
    rows: rows.length,
    columns: new Map([...insert.columns].map(([name, column]) => [name, selectRows(column, rows)])),
  }));
}

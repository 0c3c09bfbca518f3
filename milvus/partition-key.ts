import { partitionKeyField, type CollectionSchema } from '../core/schema.js';
import type { CompiledFilter } from '../filter/index.js';
import { hashKey } from './key-hash.js';
import { invalidParameter } from './status.js';

/**
 * Milvus's partition-key mode (docs/partition-key.md): a collection whose schema marks one
 * Int64 or VarChar field `is_partition_key` is created with `num_partitions` partitions named
 * `_default_0` ... `_default_<n-1>`; each inserted row goes to the partition its key hashes
 * to (key-hash.ts), partitions cannot be managed by hand, and a filter that bounds the key
 * lets a search or query read only the partitions that can hold its matches.
 */

/** Milvus's default partition (common.defaultPartitionName); the prefix of partition-key partitions. */
export const DEFAULT_PARTITION = '_default';

/** Partitions of a partition-key collection created without `num_partitions` (common.DefaultPartitionsWithPartitionKey). */
export const DEFAULT_PARTITION_KEY_PARTITIONS = 16;

/** The most partitions a collection may have (rootCoord.maxPartitionNum in Milvus's shipped configuration). */
export const MAX_PARTITIONS = 1024;

/**
 * The partitions a new collection starts with, as Milvus's proxy and root coordinator decide
 * them from the request's `num_partitions` (0 when not given): `_default`, or in
 * partition-key mode `num_partitions` (default 16) partitions `_default_<i>`.
 */
export function initialPartitionNames(schema: CollectionSchema, numPartitions: number): string[] {
  if (!partitionKeyField(schema)) {
    if (numPartitions !== 0) throw invalidParameter('num_partitions should only be specified with partition key field enabled');
    return [DEFAULT_PARTITION];
  }
  if (numPartitions < 0) throw invalidParameter('the specified partitions should be greater than 0 if partition key is used');
  if (numPartitions > MAX_PARTITIONS)
    throw invalidParameter(`partition number (${numPartitions}) exceeds max configuration (${MAX_PARTITIONS})`);
  const n = numPartitions || DEFAULT_PARTITION_KEY_PARTITIONS;
  return Array.from({ length: n }, (_, i) => `${DEFAULT_PARTITION}_${i}`);
}

/**
 * A partition-key collection's partitions in hash order (partition i is `_default_<i>`, as
 * Milvus's RearrangePartitionsForPartitionKey orders them by that suffix).
 */
export function partitionsInHashOrder<P extends { name: string }>(partitions: Iterable<P>): P[] {
  const all = [...partitions];
  const byName = new Map(all.map((p) => [p.name, p] as const));
  return all.map((_, i) => {
    const p = byName.get(`${DEFAULT_PARTITION}_${i}`);
    if (!p) throw new Error(`partition-key collection without partition ${DEFAULT_PARTITION}_${i}`);
    return p;
  });
}

/** The index of the partition a key value goes to, of `n`. */
export const partitionIndexOf = (key: bigint | string, n: number): number => hashKey(key) % n;

/**
 * The partitions of `scope` that can hold rows matching `filter` (compiled against the
 * collection's schema): in a partition-key collection whose filter bounds the key, those the
 * key's values hash to; otherwise all of `scope`. A filter that bounds the key to no value at
 * all (`key == 1 and key == 2`) matches nothing: its scope stays whole, and reading it finds
 * nothing.
 */
export function prunedScope(partitions: Iterable<{ id: number; name: string }>, scope: Set<number>, filter: CompiledFilter): Set<number> {
  const keys = filter.partitionKeys();
  if (!keys?.size) return scope;
  const ordered = partitionsInHashOrder(partitions);
  const hit = new Set<number>();
  for (const key of keys) {
    hit.add(ordered[partitionIndexOf(key, ordered.length)]!.id);
    // A long list of keys soon reaches every partition: the rest cannot prune more.
    if (hit.size === ordered.length) return scope;
  }
  return new Set([...scope].filter((id) => hit.has(id)));
}

/**
 * Milvus's refusals of managing partitions by hand in partition-key mode. Milvus 2.4/2.5 raise
 * them as plain errors (65535, UnexpectedError); later Milvus wraps the partition-names one as
 * an invalid parameter. Mishards answers all of them as invalid parameters (1100,
 * IllegalArgument), the requests being the client's to change, as for every such refusal
 * (docs/limits.md, "Error codes").
 */
const REFUSALS = {
  CreatePartition: 'disable create partition if partition key mode is used',
  DropPartition: 'disable drop partition if partition key mode is used',
  LoadPartitions: 'disable load partitions if partition key mode is used',
  ReleasePartitions: 'disable release partitions if partition key mode is used',
  partitionNames: 'not support manually specifying the partition names if partition key mode is used',
} as const;

/** Throws Milvus's refusal of `what` when the collection is in partition-key mode. */
export function refuseInPartitionKeyMode(schema: CollectionSchema, what: keyof typeof REFUSALS): void {
  if (partitionKeyField(schema)) throw invalidParameter(REFUSALS[what]);
}

/** Throws Milvus's refusal when a request of a partition-key collection names partitions. */
export function refuseNamedPartitions(schema: CollectionSchema, names: string | string[] | undefined): void {
  if (names?.length) refuseInPartitionKeyMode(schema, 'partitionNames');
}

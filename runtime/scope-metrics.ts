import { Histogram, type Registry } from 'prom-client';

/** Where the partitions a search or query reads are recorded. */
export type SearchPartitions = Pick<Histogram, 'observe'>;

/**
 * `mishards_search_partitions` of a node that plans searches (the writer, a coordinator): per
 * search, query and hybrid sub-search, the partitions it reads once partition-key pruning
 * (milvus/partition-key.ts) has dropped those that cannot hold a match.
 */
export function searchPartitions(registry: Registry): Histogram {
  return new Histogram({
    name: 'mishards_search_partitions',
    help: 'Partitions a search, query or hybrid sub-search reads, after partition-key pruning',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers: [registry],
  });
}

import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { signedPrng } from './prng.js';
import type { Metric } from './reference.js';

export interface BucketedRow {
  v: number[];
  bucket: number;
}

/**
 * The exactness tests' collection: Int64 key, a FLAT-indexed vector, an Int32 `bucket` to
 * filter on, filled with random rows in batches (each batch seals when the writer's seal
 * size equals it). Returns the rows by id and the generator for further rows.
 */
export async function seedBucketed(
  client: MilvusClient,
  o: {
    name: string;
    metric: Metric;
    dim: number;
    rows: number;
    batch: number;
    buckets: number;
    seed: number;
    strong?: boolean;
  },
): Promise<{ live: Map<number, BucketedRow>; rand: () => number }> {
  await client.createCollection({
    collection_name: o.name,
    ...(o.strong ? { consistency_level: 'Strong' as const } : {}),
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: o.dim },
      { name: 'bucket', data_type: DataType.Int32 },
    ],
  });
  await client.createIndex({ collection_name: o.name, field_name: 'v', index_type: 'FLAT', metric_type: o.metric });
  await client.loadCollectionSync({ collection_name: o.name });
  const rand = signedPrng(o.seed);
  const live = new Map<number, BucketedRow>();
  for (let start = 0; start < o.rows; start += o.batch) {
    const rows = Array.from({ length: o.batch }, (_, i) => ({
      id: start + i,
      v: Array.from({ length: o.dim }, rand),
      bucket: (start + i) % o.buckets,
    }));
    await client.insert({ collection_name: o.name, data: rows });
    for (const r of rows) live.set(r.id, { v: r.v, bucket: r.bucket });
  }
  return { live, rand };
}

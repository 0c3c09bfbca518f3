import { Counter, Histogram, type Registry } from 'prom-client';
import type { WriterObserver } from './writer.js';

/**
 * The writer's own metrics: `mishards_wal_sync_duration_seconds` (each group commit's write
 * and fdatasync: what every acknowledged write waits for) and
 * `mishards_ingested_rows_total{op}` (rows inserted, keys deleted, as acknowledged).
 */
export function writerMetrics(registry: Registry): WriterObserver {
  const walSync = new Histogram({
    name: 'mishards_wal_sync_duration_seconds',
    help: 'Time of one write-ahead log group commit (write and fdatasync) on the writer',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const rows = new Counter({
    name: 'mishards_ingested_rows_total',
    help: 'Rows acknowledged by the writer: op insert (inserted and upserted rows), op delete (keys deleted, an upsert included)',
    labelNames: ['op'],
    registers: [registry],
  });
  // Both series exist from the start, so that a rate reads 0 rather than nothing before the first write.
  const inserted = rows.labels({ op: 'insert' });
  const deleted = rows.labels({ op: 'delete' });
  inserted.inc(0);
  deleted.inc(0);
  return {
    walSynced: (seconds) => walSync.observe(seconds),
    mutated(insertedRows, deletedKeys) {
      if (insertedRows) inserted.inc(insertedRows);
      if (deletedKeys) deleted.inc(deletedKeys);
    },
  };
}

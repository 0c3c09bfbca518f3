import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from '../harness/mishards-process.js';

/**
 * Kills the writer with SIGKILL right after a stream of acknowledged inserts, upserts and
 * deletes (several concurrent streams, so group commit batches them, and a small seal size,
 * so some rows are in sealed segments and some only in the log), restarts it on the same
 * data directory and checks that exactly the acknowledged changes are there.
 */
const DIM = 4;
let dir: string;
const processes: MishardsProcess[] = [];

afterAll(async () => {
  for (const p of processes) await p.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<{ writer: MishardsProcess; client: MilvusClient }> {
  const writer = await startMishards(['writer', ...onFreePorts(dir), '--seal-rows', '300']);
  processes.push(writer);
  const client = await connectSdk(writer.addresses.grpc!);
  return { writer, client };
}

it('keeps every acknowledged change across kill -9, no more, no less', async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-crash-'));
  const first = await start();
  const c = first.client;
  await c.createCollection({
    collection_name: 'ledger',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      { name: 'version', data_type: DataType.Int32 },
    ],
  });
  await c.createIndex({ collection_name: 'ledger', field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
  await c.loadCollectionSync({ collection_name: 'ledger' });

  // The model: what the acknowledged operations imply.
  const expected = new Map<number, number>();
  const streams = Array.from({ length: 4 }, async (_, s) => {
    for (let b = 0; b < 12; b++) {
      const base = s * 100_000 + b * 100;
      const rows = Array.from({ length: 100 }, (_, i) => ({ id: base + i, v: [s, b, i, 1], version: 1 }));
      const ins = await c.insert({ collection_name: 'ledger', data: rows });
      expect(ins.status.error_code).toBe('Success');
      for (const r of rows) expected.set(r.id, 1);
      if (b % 3 === 1) {
        const doomed = rows.slice(0, 10).map((r) => r.id);
        const del = await c.delete({ collection_name: 'ledger', filter: `id in [${doomed.join(',')}]` });
        expect(del.status.error_code).toBe('Success');
        for (const id of doomed) expected.delete(id);
      }
      if (b % 4 === 2) {
        const changed = rows.slice(20, 25).map((r) => ({ ...r, version: 2 }));
        const up = await c.upsert({ collection_name: 'ledger', data: changed });
        expect(up.status.error_code).toBe('Success');
        for (const r of changed) expected.set(r.id, 2);
      }
    }
  });
  await Promise.all(streams);
  // Deletes that reach rows already sealed into segment files, after the streams.
  const sealedVictims = [1, 2, 100_050, 200_099];
  const del = await c.delete({ collection_name: 'ledger', filter: `id in [${sealedVictims.join(',')}]` });
  expect(del.status.error_code).toBe('Success');
  for (const id of sealedVictims) expected.delete(id);

  await first.writer.kill();
  await first.client.closeConnection();

  const second = await start();
  await second.client.loadCollectionSync({ collection_name: 'ledger' });
  const res = await second.client.query({ collection_name: 'ledger', filter: 'id >= 0', output_fields: ['id', 'version'], limit: 16384 });
  expect(res.status.error_code).toBe('Success');
  const found = new Map<number, number>(res.data.map((r: any) => [Number(r.id), Number(r.version)]));
  expect(found.size).toBe(expected.size);
  expect([...found.entries()].sort((a, b) => a[0] - b[0])).toEqual([...expected.entries()].sort((a, b) => a[0] - b[0]));
  const count = await second.client.count({ collection_name: 'ledger' });
  expect(count.data).toBe(expected.size);
  await second.client.closeConnection();
});

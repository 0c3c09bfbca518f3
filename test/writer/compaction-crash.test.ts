import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from '../harness/mishards-process.js';
import { prng } from '../harness/prng.js';
import { waitUntil } from '../harness/wait.js';

/**
 * Kills the writer with SIGKILL at random points of compactions (ten runs on one data
 * directory, so later runs also compact earlier results), with deletes arriving while each
 * compaction runs. After every restart each acknowledged row is there exactly once, each
 * acknowledged delete holds, and every segment directory is one the metadata knows; at the
 * end the compacted segments' files are gone.
 */
const DIM = 16;
const C = 'ledger';
const RUNS = 10;
const BATCHES = 6;
const BATCH = 300;
let dir: string;
const processes: MishardsProcess[] = [];

afterAll(async () => {
  for (const p of processes) await p.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<{ writer: MishardsProcess; client: MilvusClient }> {
  // Each run's six batches merge into one segment. Retiring ones are dropped 5 s after the swap
  // (or the restart): later than the check of storage right after a restart, which a drop
  // under way (records gone, files not yet) would confuse.
  const writer = await startMishards([
    'writer',
    ...onFreePorts(dir),
    '--seal-rows',
    '100000',
    '--segment-size',
    String(BATCHES * BATCH + 100),
    '--compaction-retention',
    '5',
  ]);
  processes.push(writer);
  return { writer, client: await connectSdk(writer.addresses.grpc!) };
}

const vector = (id: number) => Array.from({ length: DIM }, (_, j) => Math.sin(id * 0.31 + j));

/** Segment directories under storage (`collection/partition/segment`), leftovers of unfinished writes included. */
function segmentDirs(): string[] {
  const storage = join(dir, 'storage');
  const list = (rel: string) =>
    readdirSync(join(storage, rel), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => (rel ? `${rel}/${e.name}` : e.name));
  return list('').flatMap(list).flatMap(list).sort();
}

/** Segment paths the metadata knows (in service and retiring). */
function knownSegments(): string[] {
  const db = new Database(join(dir, 'meta.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT path FROM meta_segments').all() as { path: string }[]).map((r) => r.path).sort();
  } finally {
    db.close();
  }
}

function inServiceSegments(): string[] {
  const db = new Database(join(dir, 'meta.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT path FROM meta_segments WHERE compacted_into IS NULL').all() as { path: string }[])
      .map((r) => r.path)
      .sort();
  } finally {
    db.close();
  }
}

it('keeps every acknowledged row exactly once across kill -9 at random points of compactions, and leaves no orphan files', async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-compaction-crash-'));
  const random = prng(20261128);
  let { writer, client } = await start();
  await client.createCollection({
    collection_name: C,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: DIM },
    ],
  });
  await client.createIndex({
    collection_name: C,
    field_name: 'v',
    index_type: 'HNSW',
    metric_type: 'L2',
    params: { M: 16, efConstruction: 64 },
  });
  await client.loadCollectionSync({ collection_name: C });

  /** The model: rows acknowledged and not deleted; `uncertain`: a delete cut short by a kill. */
  const live = new Set<number>();
  const uncertain = new Set<number>();
  let nextId = 0;
  const seed = async () => {
    for (let b = 0; b < BATCHES; b++) {
      const data = Array.from({ length: BATCH }, () => ({ id: nextId, v: vector(nextId++) }));
      expect((await client.insert({ collection_name: C, data })).status.error_code).toBe('Success');
      for (const r of data) live.add(r.id);
      await client.flushSync({ collection_names: [C] });
    }
    // Deletes of rows already sealed, before the compaction.
    const doomed = [...live].filter((id) => id % 13 === 0 && id >= nextId - BATCHES * BATCH);
    expect((await client.delete({ collection_name: C, filter: `id in [${doomed.join(',')}]` })).status.error_code).toBe('Success');
    for (const id of doomed) live.delete(id);
  };
  const compact = async () => {
    const started = await client.compact({ collection_name: C });
    // One plan, or two after a run whose kill left the old set (twelve small segments then).
    expect(started.status.error_code).toBe('Success');
    expect(started.compactionPlanCount).toBeGreaterThanOrEqual(1);
    return started.compactionID;
  };

  // Calibration: how long a compaction takes from the reply to ManualCompaction.
  await seed();
  const t0 = performance.now();
  const id = await compact();
  await waitUntil(
    'the calibration compaction completed',
    async () => String((await client.getCompactionState({ compactionID: id })).state) === 'Completed',
  );
  const took = performance.now() - t0;

  const outcomes: string[] = [];
  for (let run = 0; run < RUNS; run++) {
    await seed();
    const segmentsBefore = inServiceSegments().length;
    const compactionId = await compact();
    // Random points, except that the first run is killed at once (before its commit) and the
    // last once its compaction completed (after it): both outcomes are covered however fast
    // or loaded the machine is.
    const killAfter = run === 0 ? 0 : random() * took * 1.5;
    const killAt =
      run === RUNS - 1
        ? waitUntil(
            'the compaction completed',
            async () => String((await client.getCompactionState({ compactionID: compactionId })).state) === 'Completed',
          )
        : new Promise<void>((resolve) => setTimeout(resolve, killAfter));
    const killed = killAt.then(async () => {
      await writer.kill();
    });
    // Deletes while the compaction runs, one key at a time, until the kill.
    let dead = false;
    void killed.then(() => (dead = true));
    const victims = [...live].filter((id) => id % 11 === 5 && id >= nextId - BATCHES * BATCH);
    const deleting = (async () => {
      for (const victim of victims) {
        if (dead) return;
        uncertain.add(victim);
        const res = await client.delete({ collection_name: C, filter: `id in [${victim}]` }).catch(() => undefined);
        if (dead || res?.status.error_code !== 'Success') return;
        uncertain.delete(victim);
        live.delete(victim);
      }
    })();
    await killed;
    await client.closeConnection();
    await deleting;

    ({ writer, client } = await start());
    // Nothing on storage the metadata does not know: unfinished writes were removed on start.
    expect(segmentDirs(), `run ${run}, killed ${killAfter.toFixed(0)} ms in`).toEqual(knownSegments());
    await client.loadCollectionSync({ collection_name: C });
    const found = new Set<number>();
    // A query answers at most 16,384 rows: by key ranges.
    for (let from = 0; from < nextId; from += 10_000) {
      const res = await client.query({
        collection_name: C,
        filter: `id >= ${from} and id < ${from + 10_000}`,
        output_fields: ['id'],
        limit: 16384,
      });
      expect(res.status.error_code).toBe('Success');
      for (const r of res.data) found.add(Number(r.id));
    }
    for (const id of uncertain) {
      if (!found.has(id)) live.delete(id);
      uncertain.delete(id);
    }
    const missing = [...live].filter((id) => !found.has(id));
    const extra = [...found].filter((id) => !live.has(id));
    expect({ missing, extra }, `run ${run}, killed ${killAfter.toFixed(0)} ms in`).toEqual({ missing: [], extra: [] });
    // Exactly once: the live row count of the segments in service (no de-duplication) matches.
    const stats = await client.getCollectionStatistics({ collection_name: C });
    expect(Number(stats.data.row_count), `run ${run}`).toBe(live.size);
    outcomes.push(inServiceSegments().length < segmentsBefore ? 'new set' : 'old set');
  }
  // The kill points fell before and after compactions' commits.
  expect(new Set(outcomes)).toEqual(new Set(['old set', 'new set']));

  // Retiring segments are dropped after the retention; nothing but segments in service remains.
  await waitUntil(
    'only segments in service are on storage',
    async () => JSON.stringify(segmentDirs()) === JSON.stringify(inServiceSegments()),
  );
  expect(Number((await client.getCollectionStatistics({ collection_name: C })).data.row_count)).toBe(live.size);
  await client.closeConnection();
}, 240_000); // Ten writer kills and restarts with compactions between them: ~60 s alone, twice that on a busy machine.

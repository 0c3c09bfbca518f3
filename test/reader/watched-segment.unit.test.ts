import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { DataType } from '../../core/schema.js';
import type { VectorEngine } from '../../engine/engine.js';
import { createEngine } from '../../engine/index.js';
import { RECHECK_MS, WatchedSegment } from '../../nodes/reader/watched-segment.js';
import { SealedSegment } from '../../segment/sealed.js';
import { appendDeletes, writeSegment } from '../../storage/segment-files.js';
import { keyVectorSchema } from '../harness/schemas.js';

const DIM = 4;
const ROWS = 8;

const schema = keyVectorSchema('watched', DIM);

let root: string;
let engine: VectorEngine;
let watched: WatchedSegment | undefined;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mishards-watched-'));
  engine = createEngine({ threads: 1 });
});

afterEach(async () => {
  await watched?.release();
  watched = undefined;
  await engine.close();
  rmSync(root, { recursive: true, force: true });
});

/** A sealed segment of ROWS rows (keys 0..ROWS-1, written at time 1) loaded from its files. */
async function loadSegment(): Promise<SealedSegment> {
  const columns = new Map([
    ['id', { type: DataType.Int64, values: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i)) }],
    ['v', { type: DataType.FloatVector, dim: DIM, values: Float32Array.from({ length: ROWS * DIM }, (_, i) => i) }],
  ]);
  const manifest = { id: 7, collectionId: 1, partitionId: 2, rows: ROWS, minLsn: 1, maxLsn: 1 };
  const rel = await writeSegment(root, manifest, columns, new Float64Array(ROWS).fill(1), new Float64Array(ROWS).fill(Date.now()));
  return SealedSegment.load(root, rel, 7, schema, engine);
}

it('reads a segment’s files only after they change, and then before the next request', async () => {
  const segment = await loadSegment();
  watched = new WatchedSegment(segment, engine, pino({ level: 'silent' }));
  const now = performance.now();
  // The first request checks once (deletes may have landed between the load and the watch).
  await watched.refresh(now);
  const readDeletes = vi.spyOn(segment, 'refreshDeletes');
  expect(watched.refresh(now)).toBeUndefined();
  expect(readDeletes).not.toHaveBeenCalled();

  await appendDeletes(root, segment.path, 5, [3n]);
  // The watch reports the append as an event of this process's loop (a busy machine may take
  // a while to deliver it: the bound is generous, the test ends as soon as it arrives).
  await vi.waitFor(() => expect(watched!.refresh(now)).toBeDefined(), { timeout: 20_000, interval: 10 });
  await watched.refresh(now);
  expect(segment.isDeleted(3)).toBe(true);
  expect(segment.liveRows).toBe(ROWS - 1);
  expect(watched.refresh(now)).toBeUndefined();

  // Changes a watch cannot see (another machine writing shared storage) are still read.
  const later = watched.refresh(now + RECHECK_MS + 1);
  expect(later).toBeDefined();
  await later;
  expect(readDeletes).toHaveBeenCalled();
});

it('reads a segment’s files for a request that needs fresh deletes, even when no change was reported', async () => {
  const segment = await loadSegment();
  watched = new WatchedSegment(segment, engine, pino({ level: 'silent' }));
  const now = performance.now();
  await watched.refresh(now);
  const readDeletes = vi.spyOn(segment, 'refreshDeletes');
  expect(watched.refresh(now)).toBeUndefined();
  // Strong and Session requests: the writer may have appended from another machine, which no watch reports.
  const forced = watched.refresh(now, true);
  expect(forced).toBeDefined();
  await forced;
  expect(readDeletes).toHaveBeenCalledTimes(1);
});

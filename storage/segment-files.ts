import type { MetricType } from '../core/vector-types.js';
import type { IndexType } from '../engine/engine.js';
import { statSync, watch, type FSWatcher } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Column, PrimaryKey } from '../core/columns.js';
import { DataType } from '../core/schema.js';
import { decodeColumns, encodeColumns, type DecodedColumns } from './column-codec.js';
import { frame, readFrames } from './framing.js';
import { syncDir, writeFileDurably } from './durable-files.js';

/**
 * Sealed segments on shared storage. One directory per segment:
 *
 *   <root>/<collectionId>/<partitionId>/<segmentId>/
 *     segment.json   what the segment holds (rows, LSN range)
 *     data.msc       every field's column plus `$ts`, the write timestamp of each row, and
 *                    `$inserted`, its insert time (unix ms; absent in files from before TTL)
 *     deletes.log    framed delete records appended after sealing
 *     index/         the vector index files, with index.json saying how it was built
 *
 * The data directory is written under a temporary name and renamed into place, so a
 * segment directory either is complete or does not exist.
 */

export const TS_COLUMN = '$ts';
export const INSERTED_COLUMN = '$inserted';

export interface SegmentManifest {
  id: number;
  collectionId: number;
  partitionId: number;
  rows: number;
  minLsn: number;
  maxLsn: number;
}

export interface IndexManifest {
  indexType: IndexType;
  metric: MetricType;
  params: Record<string, number>;
}

/** An error that names the segment whose files are missing or unreadable. */
export class SegmentFileError extends Error {
  constructor(
    readonly segmentId: number,
    message: string,
  ) {
    super(`segment ${segmentId}: ${message}`);
  }
}

export const segmentPath = (collectionId: number, partitionId: number, segmentId: number) => `${collectionId}/${partitionId}/${segmentId}`;

/** Writes a segment's rows (see RowSet: columns, write timestamps, insert times) under `m`'s path. */
export async function writeSegment(
  root: string,
  m: SegmentManifest,
  columns: Map<string, Column>,
  ts: Float64Array,
  inserted: Float64Array,
): Promise<string> {
  const rel = segmentPath(m.collectionId, m.partitionId, m.id);
  const dir = join(root, rel);
  const tmp = `${dir}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const all = new Map(columns);
  all.set(TS_COLUMN, { type: DataType.Double, values: ts });
  all.set(INSERTED_COLUMN, { type: DataType.Double, values: inserted });
  await writeSynced(join(tmp, 'data.msc'), encodeColumns(m.rows, all));
  await writeSynced(join(tmp, 'segment.json'), JSON.stringify(m));
  await syncDir(tmp);
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  await syncDir(join(dir, '..'));
  return rel;
}

async function writeSynced(path: string, data: Uint8Array | string): Promise<void> {
  const h = await open(path, 'w');
  try {
    await h.writeFile(data);
    await h.sync();
  } finally {
    await h.close();
  }
}

export interface LoadedSegmentData {
  manifest: SegmentManifest;
  /** Size of the data file. */
  bytes: number;
  columns: Map<string, Column>;
  ts: Float64Array;
  /** Insert times, unix ms; NaN (unknown) for a file written before they were recorded. */
  inserted: Float64Array;
  index: IndexManifest | undefined;
}

export async function readSegment(root: string, rel: string, segmentId: number): Promise<LoadedSegmentData> {
  const dir = join(root, rel);
  let manifest: SegmentManifest;
  let data: Buffer;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'segment.json'), 'utf8'));
    data = await readFile(join(dir, 'data.msc'));
  } catch (e) {
    throw new SegmentFileError(segmentId, `cannot read files in ${dir}: ${(e as Error).message}`);
  }
  let decoded: DecodedColumns;
  try {
    decoded = decodeColumns(data, join(dir, 'data.msc'));
  } catch (e) {
    throw new SegmentFileError(segmentId, (e as Error).message);
  }
  if (decoded.rows !== manifest.rows)
    throw new SegmentFileError(segmentId, `data.msc holds ${decoded.rows} rows, segment.json says ${manifest.rows}`);
  const tsCol = decoded.columns.get(TS_COLUMN);
  if (!tsCol) throw new SegmentFileError(segmentId, 'data.msc has no timestamp column');
  decoded.columns.delete(TS_COLUMN);
  const insertedCol = decoded.columns.get(INSERTED_COLUMN);
  decoded.columns.delete(INSERTED_COLUMN);
  return {
    manifest,
    bytes: data.length,
    columns: decoded.columns,
    ts: tsCol.values as Float64Array,
    inserted: insertedCol ? (insertedCol.values as Float64Array) : new Float64Array(manifest.rows).fill(Number.NaN),
    index: await readIndexManifest(root, rel),
  };
}

/** The published index of a segment, if there is one. */
export async function readIndexManifest(root: string, rel: string): Promise<IndexManifest | undefined> {
  try {
    return JSON.parse(await readFile(join(indexDir(root, rel), 'index.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

export const indexDir = (root: string, rel: string) => join(root, rel, 'index');

/** Publishes an index built into `<segment>/index.tmp` by renaming it into place. */
export async function publishIndex(root: string, rel: string, manifest: IndexManifest): Promise<void> {
  const tmp = `${indexDir(root, rel)}.tmp`;
  await writeFileDurably(join(tmp, 'index.json'), JSON.stringify(manifest));
  await syncDir(tmp);
  await rm(indexDir(root, rel), { recursive: true, force: true });
  await rename(tmp, indexDir(root, rel));
  await syncDir(join(root, rel));
}

export async function removeIndex(root: string, rel: string): Promise<void> {
  await rm(indexDir(root, rel), { recursive: true, force: true });
}

/** Delete records: `{ts, pks}` with Int64 keys as `{"i": "<decimal>"}` to stay exact. */
interface DeleteRecord {
  ts: number;
  pks: (string | { i: string })[];
}

const encodePk = (pk: PrimaryKey) => (typeof pk === 'bigint' ? { i: pk.toString() } : pk);
const decodePk = (v: string | { i: string }): PrimaryKey => (typeof v === 'string' ? v : BigInt(v.i));

export function encodeDeletes(ts: number, pks: PrimaryKey[]): Buffer {
  const rec: DeleteRecord = { ts, pks: pks.map(encodePk) };
  return Buffer.from(JSON.stringify(rec), 'utf8');
}

export function decodeDeletes(payload: Buffer): { ts: number; pks: PrimaryKey[] } {
  const rec = JSON.parse(payload.toString('utf8')) as DeleteRecord;
  return { ts: rec.ts, pks: rec.pks.map(decodePk) };
}

/** Appends delete records to a sealed segment's log (made durable by `syncDeletes`). */
export async function appendDeletes(root: string, rel: string, ts: number, pks: PrimaryKey[]): Promise<void> {
  const h = await open(join(root, rel, 'deletes.log'), 'a');
  try {
    await h.write(frame(encodeDeletes(ts, pks)));
  } finally {
    await h.close();
  }
}

export async function syncDeletes(root: string, rel: string): Promise<void> {
  const h = await open(join(root, rel, 'deletes.log'), 'a');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/**
 * Reads delete records from byte `from` on; returns them with the offset to continue from.
 * A torn tail (an append in progress) is left for the next read.
 */
export async function readDeletes(
  root: string,
  rel: string,
  from: number,
): Promise<{ records: { ts: number; pks: PrimaryKey[] }[]; next: number }> {
  const path = join(root, rel, 'deletes.log');
  // Readers call this whenever a segment's files may have changed, and most segments have no
  // log: a synchronous stat that reports a missing file without throwing costs about 1 us,
  // where an async stat costs ~50 us of CPU here (a thread-pool round trip, plus an ENOENT
  // exception when there is no log). Only the read of new records, when the log has grown,
  // goes through the thread pool.
  let size = 0;
  try {
    size = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    // Unreadable for now: no new records, as for a missing log.
  }
  if (size <= from) return { records: [], next: from };
  const h = await open(path, 'r');
  try {
    const buf = Buffer.alloc(size - from);
    await h.read(buf, 0, buf.length, from);
    const scan = readFrames(buf);
    return { records: scan.payloads.map(decodeDeletes), next: from + scan.validLength };
  } finally {
    await h.close();
  }
}

/**
 * Calls `onChange` when something in a segment's directory changes: records appended to its
 * `deletes.log`, an index published. The watch does not keep the process alive; `onError`
 * hears of a watch that stopped working. Throws when the directory cannot be watched.
 */
export function watchSegmentDir(root: string, rel: string, onChange: () => void, onError: (e: Error) => void): FSWatcher {
  const watcher = watch(join(root, rel), { persistent: false }, onChange);
  watcher.on('error', onError);
  return watcher;
}

export async function removeSegmentFiles(root: string, rel: string): Promise<void> {
  await rm(join(root, rel), { recursive: true, force: true });
}

/**
 * Removes every collection, partition and segment directory (and leftover `.tmp` directory)
 * under `root` whose relative path is not in `known`; returns the removed paths. For the
 * writer's start, before anything writes: what a crash left between writing a segment and
 * recording it, or between dropping a collection and removing its files.
 */
export async function removeOrphanSegmentFiles(root: string, known: Set<string>): Promise<string[]> {
  const removed: string[] = [];
  const visit = async (rel: string, depth: number): Promise<void> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (!known.has(child)) {
        await removeSegmentFiles(root, child);
        removed.push(child);
      } else if (depth < 3) {
        await visit(child, depth + 1);
      }
    }
  };
  await visit('', 1);
  return removed;
}

/**
 * A writable node in this process over SQLite metadata in a temporary directory, with the
 * "pile" collection (int64 key, 16-dimensional vector, nullable tag) and helpers to fill it:
 * for tests of the writer's units that need no gRPC server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { DataType, type CollectionSchema } from '../../core/schema.js';
import { createEngine } from '../../engine/index.js';
import { openMetaStore } from '../../meta/open-store.js';
import { DEFAULT_DATABASE } from '../../meta/store.js';
import type { MetaStore } from '../../meta/store.js';
import type { DatabaseState } from '../../nodes/writer/database-state.js';
import type { CollectionState } from '../../nodes/writer/collection-state.js';
import { Writer, type WriterOptions } from '../../nodes/writer/writer.js';
import { fieldSchema } from './schemas.js';

export const DIM = 16;

export const PILE: CollectionSchema = {
  name: 'pile',
  description: '',
  enableDynamicField: false,
  fields: [
    fieldSchema(100, 'id', DataType.Int64, { isPrimaryKey: true }),
    fieldSchema(101, 'v', DataType.FloatVector, { dim: DIM }),
    fieldSchema(102, 'tag', DataType.VarChar, { maxLength: 16, nullable: true }),
  ],
};

export type Compaction = Partial<WriterOptions['compaction']>;

const dirs: string[] = [];
const open: { close(): Promise<void> }[] = [];

/** Closes every writer started and removes their directories: a test file's afterEach. */
export async function closeWriters(): Promise<void> {
  for (const o of open.splice(0)) await o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Closes the writer started last, as a crash would leave its files (for restart tests). */
export async function closeLastWriter(): Promise<void> {
  await open.pop()!.close();
}

/**
 * A writer over `dir` (a restart when it was used before); compaction only on request unless
 * told; growing segments sealed by `sealRows` (by Flush only, by default).
 */
export async function startWriter(
  dir: string,
  compaction: Compaction = {},
  sealRows = 1_000_000,
): Promise<{ writer: Writer; meta: MetaStore }> {
  const meta = await openMetaStore(`sqlite:${join(dir, 'meta.sqlite')}`);
  const engine = createEngine({ threads: 1 });
  const writer = new Writer({
    dataDir: dir,
    storageDir: join(dir, 'storage'),
    meta,
    engine,
    log: pino({ level: 'silent' }),
    sealRows,
    sealAgeMs: 3_600_000,
    compaction: { target: { unit: 'rows', value: 100 }, deletedRatio: 0.2, intervalMs: 0, retentionMs: 3_600_000, ...compaction },
  });
  await writer.open();
  open.push({
    async close() {
      await writer.close();
      await engine.close();
      await meta.close();
    },
  });
  return { writer, meta };
}

/** The writer's default database, where the tests' collections are. */
export const defaultDatabase = (writer: Writer): DatabaseState => writer.databases.get(DEFAULT_DATABASE)!;

/** A writer in a new directory with the pile collection created. */
export async function freshWriter(
  compaction: Compaction = {},
): Promise<{ dir: string; writer: Writer; meta: MetaStore; state: CollectionState }> {
  const dir = mkdtempSync(join(tmpdir(), 'mishards-writer-'));
  dirs.push(dir);
  const { writer, meta } = await startWriter(dir, compaction);
  const state = await writer.createCollection(defaultDatabase(writer), PILE, 1, 2, {});
  return { dir, writer, meta, state };
}

export const vector = (id: number) => Float32Array.from({ length: DIM }, (_, j) => Math.sin(id * 0.37 + j));

export const defaultPartition = (state: CollectionState) => state.partitions.get('_default')!.id;

/** Inserts ids [from, from + count) as one mutation; every third tag is null. */
export async function insert(writer: Writer, state: CollectionState, from: number, count: number): Promise<void> {
  const ids = BigInt64Array.from({ length: count }, (_, i) => BigInt(from + i));
  const v = new Float32Array(count * DIM);
  for (let i = 0; i < count; i++) v.set(vector(from + i), i * DIM);
  const tag = Array.from({ length: count }, (_, i) => ((from + i) % 3 === 0 ? null : `t${from + i}`));
  const valid = Uint8Array.from(tag, (t) => (t === null ? 0 : 1));
  await writer.mutate({
    collectionId: state.id,
    partitionId: defaultPartition(state),
    insert: {
      rows: count,
      columns: new Map([
        ['id', { type: DataType.Int64, values: ids }],
        ['v', { type: DataType.FloatVector, dim: DIM, values: v }],
        ['tag', { type: DataType.VarChar, values: tag.map((t) => t ?? ''), valid }],
      ]),
    },
  });
}

export async function remove(writer: Writer, state: CollectionState, ids: number[]): Promise<void> {
  await writer.mutate({ collectionId: state.id, partitionId: defaultPartition(state), deletes: ids.map((id) => BigInt(id)) });
}

/** `segments` flushed segments of `rows` rows each, ids from 0. */
export async function seed(writer: Writer, state: CollectionState, segments: number, rows: number): Promise<void> {
  for (let s = 0; s < segments; s++) {
    await insert(writer, state, s * rows, rows);
    await writer.flush(state);
  }
}

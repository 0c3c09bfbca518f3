import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Column, PrimaryKey } from '../../core/columns.js';
import { DataType, type CollectionSchema, primaryField } from '../../core/schema.js';
import type { IndexType, MetricType, VectorEngine } from '../../engine/engine.js';
import type { CompiledFilter } from '../../filter/index.js';
import type { CollectionView } from '../../meta/collection-view.js';
import { nextLoadState, type LoadChange } from '../../meta/load-state.js';
import type { CollectionRecord, IndexRecord, MetaStore } from '../../meta/store.js';
import { GrowingSegment } from '../../segment/growing.js';
import { SealedSegment } from '../../segment/sealed.js';
import type { Segment } from '../../segment/segment.js';
import { queryRows } from '../../search/segment-search.js';
import {
  appendDeletes, indexDir, publishIndex, removeIndex, removeSegmentFiles, syncDeletes, writeSegment,
  type IndexManifest,
} from '../../storage/segment-files.js';
import { WriteAheadLog } from '../../storage/wal.js';
import { CollectionState } from './collection-state.js';
import { decodeMutation, encodeMutation, type Mutation } from './mutation-record.js';

export const DEFAULT_PARTITION = '_default';

export interface WriterOptions {
  dataDir: string;
  storageDir: string;
  meta: MetaStore;
  engine: VectorEngine;
  log: Logger;
  /** Seal a growing segment once it holds this many rows. */
  sealRows: number;
  /** Seal a non-empty growing segment once it is this old. */
  sealAgeMs: number;
}

/**
 * The state machine of the writable node: collections in memory, mutations through the
 * write-ahead log, growing segments sealed into files on shared storage, indexes built in
 * the background. Milvus request parsing lives in the API layer; this class speaks in
 * schemas, columns and keys.
 */
export class Writer {
  readonly collections = new Map<string, CollectionState>();
  private wal!: WriteAheadLog;
  /** Applies durable mutations and seal steps one at a time, in LSN order. */
  private applyChain: Promise<void> = Promise.resolve();
  private readonly dirtyDeleteLogs = new Set<string>();
  /** Background index builds. */
  private readonly builds = new Set<Promise<void>>();
  /** Delete-record appends not yet known to be written (a checkpoint waits for them). */
  private readonly deleteWrites = new Set<Promise<void>>();
  private sealTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /**
   * The highest LSN applied to memory. A checkpoint never passes it: a record appended but not
   * yet applied is in no segment, and only the log holds it.
   */
  private appliedLsn = 0;
  /**
   * Metadata changes: emits ('change', name, view | undefined) after every change the writer
   * makes; `version` counts them.
   */
  readonly changes = new EventEmitter().setMaxListeners(0);
  version = 0;

  constructor(readonly opts: WriterOptions) {}

  get meta(): MetaStore {
    return this.opts.meta;
  }

  get engine(): VectorEngine {
    return this.opts.engine;
  }

  /** Loads collections and sealed segments from the metadata store, then replays the log. */
  async open(): Promise<void> {
    await mkdir(this.opts.storageDir, { recursive: true });
    for (const rec of await this.meta.listCollections()) await this.loadCollection(rec);
    const { wal, records } = await WriteAheadLog.open(join(this.opts.dataDir, 'wal'));
    this.wal = wal;
    let replayed = 0;
    for (const r of records) {
      const writes = this.applyMutation(decodeMutation(r.payload), r.lsn, true);
      if (writes) {
        replayed++;
        await Promise.all(writes);
      }
    }
    if (records.length) this.opts.log.info({ records: records.length, replayed }, 'replayed write-ahead log');
    const tick = Math.max(50, Math.min(this.opts.sealAgeMs / 4, 10_000));
    this.sealTimer = setInterval(() => this.sealAged(), tick);
    this.sealTimer.unref();
  }

  private async loadCollection(rec: CollectionRecord): Promise<CollectionState> {
    const state = new CollectionState(rec);
    for (const p of await this.meta.listPartitions(rec.id)) state.partitions.set(p.name, p);
    state.indexes = await this.meta.listIndexes(rec.id);
    for (const segRec of await this.meta.listSegments(rec.id)) {
      if (segRec.state === 'growing' || segRec.state === 'dropped') continue;
      const seg = await SealedSegment.load(this.opts.storageDir, segRec.path, segRec.id, rec.schema, this.engine);
      state.sealed.set(seg.id, seg);
      const prev = state.persistedLsn.get(seg.partitionId) ?? 0;
      state.persistedLsn.set(seg.partitionId, Math.max(prev, seg.manifest.maxLsn));
      if (state.vectorIndex() && !seg.indexInfo()) this.scheduleIndexBuild(state, seg);
    }
    this.collections.set(rec.name, state);
    return state;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.changes.emit('close');
    if (this.sealTimer) clearInterval(this.sealTimer);
    await this.applyChain;
    await this.settle();
    await this.wal?.close();
  }

  // ---------------------------------------------------------------- metadata feed

  view(state: CollectionState): CollectionView {
    return {
      record: state.record,
      partitions: [...state.partitions.values()],
      indexes: state.indexes,
      segments: [...state.sealed.values()].map((s) => ({
        id: s.id, partitionId: s.partitionId, rows: s.length, state: s.indexInfo() ? 'indexed' : 'sealed',
      })),
      unsealedRows: hasUnsealedRows(state),
    };
  }

  private publish(state: CollectionState): void {
    this.version++;
    const live = this.collections.get(state.record.name) === state;
    this.changes.emit('change', state.record.name, live ? this.view(state) : undefined);
  }

  // ---------------------------------------------------------------- DDL

  async createCollection(schema: CollectionSchema, shardsNum: number, consistencyLevel: number, properties: Record<string, string>): Promise<CollectionState> {
    const rec = await this.meta.createCollection(
      { name: schema.name, schema, shardsNum, consistencyLevel, properties, loadNewPartitions: false, createdAt: Date.now() },
      DEFAULT_PARTITION,
    );
    const state = await this.loadCollection(rec);
    this.publish(state);
    return state;
  }

  async dropCollection(state: CollectionState): Promise<void> {
    this.collections.delete(state.record.name);
    await this.meta.dropCollection(state.id);
    this.publish(state);
    for (const seg of state.sealed.values()) await seg.release();
    await removeSegmentFiles(this.opts.storageDir, String(state.id));
  }

  /** A new partition starts loaded when the collection was loaded whole (LoadCollection). */
  createPartition(state: CollectionState, name: string): Promise<void> {
    return this.oneLoadChangeAtATime(async () => {
      const p = await this.meta.createPartition(state.id, name, state.record.loadNewPartitions);
      state.partitions.set(name, p);
      this.publish(state);
    });
  }

  async dropPartition(state: CollectionState, name: string): Promise<void> {
    const p = state.partitions.get(name)!;
    state.partitions.delete(name);
    state.growing.delete(p.id);
    for (const seg of [...state.sealed.values()].filter((s) => s.partitionId === p.id)) {
      state.sealed.delete(seg.id);
      await seg.release();
    }
    await this.meta.dropPartition(p.id);
    this.publish(state);
    await removeSegmentFiles(this.opts.storageDir, `${state.id}/${p.id}`);
  }

  /** Loads or releases partitions (or the whole collection); see nextLoadState. */
  changeLoadState(state: CollectionState, change: LoadChange): Promise<void> {
    return this.oneLoadChangeAtATime(async () => {
      const next = nextLoadState([...state.partitions.values()], state.record.loadNewPartitions, change);
      await this.meta.setLoadState(state.id, next);
      const loaded = new Set(next.loadedPartitionIds);
      state.record = { ...state.record, loadNewPartitions: next.loadNewPartitions };
      for (const [name, p] of state.partitions) state.partitions.set(name, { ...p, loaded: loaded.has(p.id) });
      this.publish(state);
    });
  }

  /**
   * Load changes and partition creation run one at a time: each computes from the state the
   * previous one left, so a partition created during a LoadCollection is loaded too.
   */
  private oneLoadChangeAtATime<T>(change: () => Promise<T>): Promise<T> {
    const run = this.loadChanges.then(change);
    this.loadChanges = run.catch(() => undefined);
    return run;
  }
  private loadChanges: Promise<unknown> = Promise.resolve();

  async createIndex(state: CollectionState, index: Omit<IndexRecord, 'id' | 'collectionId' | 'createdAt'>): Promise<void> {
    const rec = await this.meta.createIndex({ ...index, collectionId: state.id, createdAt: Date.now() });
    state.indexes.push(rec);
    this.publish(state);
    for (const seg of state.sealed.values()) this.scheduleIndexBuild(state, seg);
  }

  async dropIndex(state: CollectionState, index: IndexRecord): Promise<void> {
    await this.meta.dropIndex(index.id);
    state.indexes = state.indexes.filter((i) => i.id !== index.id);
    for (const seg of state.sealed.values()) {
      await seg.dropIndex();
      await removeIndex(this.opts.storageDir, seg.path);
      await this.meta.updateSegment(seg.id, { state: 'sealed' });
    }
    this.publish(state);
  }

  // ---------------------------------------------------------------- DML

  /**
   * Makes a mutation durable, then applies it. Resolves after both, so an acknowledged write
   * is on disk and visible to the next search.
   */
  async mutate(m: Mutation): Promise<number> {
    if (this.closed) throw new Error('writer is shutting down');
    const { lsn, durable } = this.wal.append(encodeMutation(m));
    const step = this.applyChain.then(async () => {
      await durable;
      return this.applyMutation(m, lsn, false);
    });
    this.applyChain = step.then(() => undefined, () => undefined);
    // Readers read sealed segments' delete records from their files: the acknowledgement
    // waits until this mutation's records are written there (durability is the log's job).
    await Promise.all((await step) ?? []);
    return lsn;
  }

  /**
   * Applies a durable mutation to memory. Returns the writes of delete records to sealed
   * segments' files it started, or undefined if its target no longer exists.
   */
  private applyMutation(m: Mutation, lsn: number, replay: boolean): Promise<void>[] | undefined {
    this.appliedLsn = Math.max(this.appliedLsn, lsn);
    const state = [...this.collections.values()].find((c) => c.id === m.collectionId);
    if (!state || !state.partitionById(m.partitionId)) return undefined;
    const writes = m.deletes?.length ? this.applyDeletes(state, m.deletes, lsn, m.deletePartitions) : [];
    if (m.insert && !(replay && lsn <= (state.persistedLsn.get(m.partitionId) ?? 0))) {
      const hadUnsealed = hasUnsealedRows(state);
      const seg = this.growingFor(state, m.partitionId);
      seg.append(m.insert.rows, m.insert.columns, lsn);
      // Coordinators skip the writer for Bounded searches while it holds no unsealed rows.
      if (!hadUnsealed) this.publish(state);
      if (seg.length >= this.opts.sealRows && !replay) {
        // Checkpoint after sealing so the log does not grow without bound between flushes.
        void this.sealGrowing(state, m.partitionId).then(() => this.checkpoint()).catch(() => undefined);
      }
    }
    return writes;
  }

  private applyDeletes(state: CollectionState, pks: PrimaryKey[], lsn: number, partitions?: number[]): Promise<void>[] {
    const writes: Promise<void>[] = [];
    const inScope = (s: Segment) => !partitions || partitions.includes(s.partitionId);
    for (const seg of state.growing.values()) if (inScope(seg)) for (const pk of pks) seg.applyDelete(pk, lsn);
    for (const s of state.sealing.values()) {
      if (!inScope(s.segment)) continue;
      for (const pk of pks) if (s.segment.applyDelete(pk, lsn)) s.pendingDeletes.push({ pk, ts: lsn });
    }
    for (const seg of state.sealed.values()) {
      if (!inScope(seg)) continue;
      const hit = pks.filter((pk) => seg.applyDelete(pk, lsn) > 0);
      if (hit.length) writes.push(this.persistDeletes(seg, hit, lsn));
    }
    return writes;
  }

  /** Delete records of sealed segments are appended now and synced before the next checkpoint. */
  private persistDeletes(seg: SealedSegment, pks: PrimaryKey[], ts: number): Promise<void> {
    this.dirtyDeleteLogs.add(seg.path);
    const write = appendDeletes(this.opts.storageDir, seg.path, ts, pks).catch((e) => {
      // The delete is durable in the write-ahead log and applied here; readers miss it until
      // the writer restarts and replays it. Loud, because it is a storage fault.
      this.opts.log.error({ err: e, segment: seg.id }, 'appending delete records failed; the log keeps them');
    });
    track(this.deleteWrites, write);
    return write;
  }

  private growingFor(state: CollectionState, partitionId: number): GrowingSegment {
    let seg = state.growing.get(partitionId);
    if (!seg) {
      // Segment ids come from a persistent counter, allocated lazily at seal time; a growing
      // segment's id is provisional until then (negative, never stored).
      seg = new GrowingSegment(-this.nextProvisionalId++, state.id, partitionId, state.schema);
      state.growing.set(partitionId, seg);
    }
    return seg;
  }
  private nextProvisionalId = 1;

  /** Keys of rows matching `filter` in the given partitions (for delete by expression). */
  matchingKeys(state: CollectionState, filter: CompiledFilter, partitionIds?: Set<number>): PrimaryKey[] {
    return queryRows(state.segments(partitionIds), filter).map((h) => h.pk);
  }

  // ---------------------------------------------------------------- sealing

  /** Seals every growing segment of the collection; resolves with the sealed segment ids. */
  async flush(state: CollectionState): Promise<number[]> {
    for (const pid of [...state.growing.keys()]) void this.sealGrowing(state, pid).catch(() => undefined);
    // Seals started earlier by size or age count too: Flush answers once all are persisted.
    const ids = await Promise.all([...state.sealTasks]);
    await this.checkpoint();
    return ids.filter((id): id is number => id !== undefined);
  }

  private sealAged(): void {
    const now = Date.now();
    for (const state of this.collections.values()) {
      for (const [pid, seg] of state.growing) {
        if (seg.length > 0 && now - seg.createdAt >= this.opts.sealAgeMs) void this.sealGrowing(state, pid).then(() => this.checkpoint()).catch(() => undefined);
      }
    }
  }

  /**
   * Detaches the growing segment of a partition (new inserts start a fresh one), writes its
   * live rows as a sealed segment, swaps the sealed copy in and re-applies deletes that hit
   * it meanwhile. Search sees the rows throughout.
   */
  private sealGrowing(state: CollectionState, partitionId: number): Promise<number | undefined> {
    const task = this.sealGrowingNow(state, partitionId);
    state.sealTasks.add(task);
    void task.finally(() => state.sealTasks.delete(task)).catch(() => undefined);
    return task;
  }

  private sealGrowingNow(state: CollectionState, partitionId: number): Promise<number | undefined> {
    const detached = this.applyChain.then(() => {
      const seg = state.growing.get(partitionId);
      if (!seg || seg.length === 0) return undefined;
      state.growing.delete(partitionId);
      const entry = { segment: seg, pendingDeletes: [] as { pk: PrimaryKey; ts: number }[] };
      state.sealing.set(seg.id, entry);
      return entry;
    });
    this.applyChain = detached.then(() => undefined, () => undefined);
    return detached.then(async (entry) => {
      if (!entry) return undefined;
      try {
        return await this.writeSealed(state, entry);
      } catch (e) {
        // The rows stay searchable in memory and in the log; a later flush retries.
        state.sealing.delete(entry.segment.id);
        state.growing.set(partitionId, entry.segment);
        this.opts.log.error({ err: e, collection: state.record.name }, 'sealing a segment failed');
        throw e;
      }
    });
  }

  private async writeSealed(state: CollectionState, entry: { segment: GrowingSegment; pendingDeletes: { pk: PrimaryKey; ts: number }[] }): Promise<number | undefined> {
    const g = entry.segment;
    const snap = g.snapshotLive();
    if (snap.rows === 0) {
      state.sealing.delete(g.id);
      return undefined;
    }
    const id = await this.meta.allocateIds('segment', 1);
    const manifest = { id, collectionId: state.id, partitionId: g.partitionId, rows: snap.rows, minLsn: g.firstLsn!, maxLsn: g.lastLsn };
    const path = await writeSegment(this.opts.storageDir, manifest, snap.columns, snap.ts);
    await this.meta.addSegment({ id, collectionId: state.id, partitionId: g.partitionId, state: 'sealed', rowCount: snap.rows, path, createdAt: g.createdAt, sealedAt: Date.now() });
    const sealed = await SealedSegment.load(this.opts.storageDir, path, id, state.schema, this.engine);
    // Swap in the apply chain so no mutation interleaves between re-applying deletes and the swap.
    const swap = this.applyChain.then(async () => {
      // Written before the segment is published, so no reader can load it without them.
      await Promise.all(entry.pendingDeletes.filter((d) => sealed.applyDelete(d.pk, d.ts)).map((d) => this.persistDeletes(sealed, [d.pk], d.ts)));
      state.sealing.delete(g.id);
      if (this.collections.get(state.record.name) !== state) return;
      state.sealed.set(id, sealed);
      state.persistedLsn.set(g.partitionId, Math.max(state.persistedLsn.get(g.partitionId) ?? 0, manifest.maxLsn));
      this.publish(state);
    });
    this.applyChain = swap.catch(() => undefined);
    await swap;
    if (state.vectorIndex()) this.scheduleIndexBuild(state, sealed);
    return id;
  }

  /**
   * Advances the log checkpoint past everything that is durable outside it: rows in sealed
   * segments and synced delete records. Rows still only in memory keep their records.
   */
  checkpoint(): Promise<void> {
    // One at a time: flushes and size- or age-triggered seals all checkpoint.
    const run = this.checkpointing.then(() => this.checkpointOnce());
    this.checkpointing = run.catch(() => undefined);
    return run;
  }
  private checkpointing: Promise<void> = Promise.resolve();

  private async checkpointOnce(): Promise<void> {
    await this.applyChain;
    const upTo = this.appliedLsn;
    let minMemory = Infinity;
    for (const state of this.collections.values()) {
      for (const seg of state.growing.values()) if (seg.firstLsn !== undefined) minMemory = Math.min(minMemory, seg.firstLsn);
      for (const s of state.sealing.values()) if (s.segment.firstLsn !== undefined) minMemory = Math.min(minMemory, s.segment.firstLsn);
    }
    await Promise.allSettled([...this.deleteWrites]);
    const dirty = [...this.dirtyDeleteLogs];
    this.dirtyDeleteLogs.clear();
    try {
      await Promise.all(dirty.map((p) => syncDeletes(this.opts.storageDir, p)));
    } catch (e) {
      // Not synced: keep them dirty so no checkpoint passes their records.
      for (const p of dirty) this.dirtyDeleteLogs.add(p);
      throw e;
    }
    await this.wal.drain();
    await this.wal.checkpoint(Math.min(upTo, minMemory - 1));
  }

  // ---------------------------------------------------------------- indexes

  private scheduleIndexBuild(state: CollectionState, seg: SealedSegment): void {
    const index = state.vectorIndex();
    if (!index) return;
    const build = this.buildIndex(state, seg, index).catch((e) => {
      this.opts.log.error({ err: e, segment: seg.id }, 'index build failed; the segment is searched exactly');
    });
    track(this.builds, build);
  }

  private async buildIndex(state: CollectionState, seg: SealedSegment, index: IndexRecord): Promise<void> {
    const manifest = indexManifestOf(index);
    const current = seg.indexInfo();
    if (current && current.indexType === manifest.indexType && current.metric === manifest.metric) return;
    const dim = seg.vectors().length / Math.max(1, seg.length);
    const built = await this.engine.build(seg.vectors(), dim, manifest.metric, manifest.indexType, manifest.params);
    try {
      await mkdir(`${indexDir(this.opts.storageDir, seg.path)}.tmp`, { recursive: true });
      await built.save(`${indexDir(this.opts.storageDir, seg.path)}.tmp`);
    } finally {
      await built.close();
    }
    if (!state.indexes.includes(index) || !state.sealed.has(seg.id)) return;
    await publishIndex(this.opts.storageDir, seg.path, manifest);
    await seg.openIndex(this.engine, manifest);
    await this.meta.updateSegment(seg.id, { state: 'indexed' });
    this.publish(state);
  }

  /** Waits for background index builds and delete-record writes started so far. */
  async settle(): Promise<void> {
    while (this.builds.size || this.deleteWrites.size) await Promise.allSettled([...this.builds, ...this.deleteWrites]);
  }

  /** Rows per collection that are indexed, for DescribeIndex progress. */
  indexProgress(state: CollectionState): { indexed: number; total: number } {
    let indexed = 0;
    let total = 0;
    for (const seg of state.segments()) {
      total += seg.liveRows;
      if (seg instanceof SealedSegment && seg.indexInfo()) indexed += seg.liveRows;
    }
    return { indexed, total };
  }

  /** Live row count, as GetCollectionStatistics reports it. */
  rowCount(state: CollectionState, partitionIds?: Set<number>): number {
    return state.segments(partitionIds).reduce((n, s) => n + s.liveRows, 0);
  }

  /** A fresh column map with `count` auto-generated primary keys added. */
  async withAutoIds(state: CollectionState, count: number, columns: Map<string, Column>): Promise<PrimaryKey[]> {
    const pk = primaryField(state.schema);
    const first = await this.meta.allocateIds(`rowid:${state.id}`, count);
    if (pk.dataType === DataType.Int64) {
      const values = new BigInt64Array(count);
      for (let i = 0; i < count; i++) values[i] = BigInt(first + i);
      columns.set(pk.name, { type: DataType.Int64, values });
      return Array.from(values);
    }
    const values = Array.from({ length: count }, (_, i) => String(first + i));
    columns.set(pk.name, { type: DataType.VarChar, values });
    return values;
  }
}

/** Rows only the writer can search: growing, or being sealed. */
function hasUnsealedRows(state: CollectionState): boolean {
  for (const g of state.growing.values()) if (g.length > 0) return true;
  return state.sealing.size > 0;
}

function track(set: Set<Promise<void>>, p: Promise<void>): void {
  set.add(p);
  void p.finally(() => set.delete(p));
}

/** How a collection's index record maps onto the engine: AUTOINDEX is HNSW. */
export function indexManifestOf(index: IndexRecord): IndexManifest {
  const type: IndexType = index.indexType === 'FLAT' ? 'FLAT' : 'HNSW';
  const params: Record<string, number> = {};
  for (const key of ['M', 'efConstruction']) {
    if (index.params[key] !== undefined) params[key] = Number(index.params[key]);
  }
  return { indexType: type, metric: index.metricType as MetricType, params };
}

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
  appendDeletes, indexDir, publishIndex, removeIndex, removeOrphanSegmentFiles, removeSegmentFiles, syncDeletes, writeSegment,
  type IndexManifest,
} from '../../storage/segment-files.js';
import { WriteAheadLog } from '../../storage/wal.js';
import { CollectionState, type DirtyDeleteLog } from './collection-state.js';
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
  /** Removals of dropped collections' and partitions' files, waiting for their index builds. */
  private readonly dropCleanups = new Set<Promise<void>>();
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
    await this.removeOrphanFiles();
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

  /**
   * Files the metadata does not know: a crash between writing a segment and recording it, or
   * between dropping a collection and removing its files. Nothing else writes storage yet.
   */
  private async removeOrphanFiles(): Promise<void> {
    const known: string[] = [];
    for (const state of this.collections.values()) {
      known.push(String(state.id));
      for (const p of state.partitions.values()) known.push(`${state.id}/${p.id}`);
      for (const seg of state.sealed.values()) known.push(seg.path);
    }
    const removed = await removeOrphanSegmentFiles(this.opts.storageDir, new Set(known));
    if (removed.length) this.opts.log.info({ removed }, 'removed segment files the metadata does not know');
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

  /**
   * Forgets the collection inside the apply chain, so no mutation, seal or checkpoint queued
   * after the drop sees it; waits for the seals and delete-record appends already under way,
   * so nothing they write outlives the metadata; then removes the metadata and, once index
   * builds under way are over, the files.
   */
  async dropCollection(state: CollectionState): Promise<void> {
    await this.serialized(() => {
      this.collections.delete(state.record.name);
      state.dropped = true;
      state.growing.clear();
      state.dirtyDeleteLogs.clear();
    });
    await settled(state.sealTasks, state.deleteWrites);
    await this.meta.dropCollection(state.id);
    this.publish(state);
    this.removeFilesAfterBuilds(state, [...state.sealed.values()], String(state.id));
  }

  /** A new partition starts loaded when the collection was loaded whole (LoadCollection). */
  createPartition(state: CollectionState, name: string): Promise<void> {
    return this.oneLoadChangeAtATime(async () => {
      const p = await this.meta.createPartition(state.id, name, state.record.loadNewPartitions);
      state.partitions.set(name, p);
      this.publish(state);
    });
  }

  /** As dropCollection, for one partition's rows, segments, delete logs and files. */
  async dropPartition(state: CollectionState, name: string): Promise<void> {
    const p = state.partitions.get(name)!;
    const segments = await this.serialized(() => {
      state.partitions.delete(name);
      state.growing.delete(p.id);
      state.persistedLsn.delete(p.id);
      for (const [path, log] of state.dirtyDeleteLogs) if (log.partitionId === p.id) state.dirtyDeleteLogs.delete(path);
      const gone = [...state.sealed.values()].filter((s) => s.partitionId === p.id);
      for (const seg of gone) state.sealed.delete(seg.id);
      return gone;
    });
    await settled(state.sealTasks, state.deleteWrites);
    await this.meta.dropPartition(p.id);
    this.publish(state);
    this.removeFilesAfterBuilds(state, segments, `${state.id}/${p.id}`);
  }

  /** Index builds write beside their segment: the files go once the builds under way are over. */
  private removeFilesAfterBuilds(state: CollectionState, segments: SealedSegment[], rel: string): void {
    const cleanup = settled(state.builds).then(async () => {
      for (const seg of segments) await seg.release();
      await removeSegmentFiles(this.opts.storageDir, rel);
    }).catch((e) => {
      this.opts.log.error({ err: e, collection: state.record.name, path: rel }, 'removing dropped segment files failed; the next start removes them');
    });
    track(this.dropCleanups, cleanup);
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
    const step = this.serialized(async () => {
      await durable;
      return this.applyMutation(m, lsn, false);
    });
    // Readers read sealed segments' delete records from their files: the acknowledgement
    // waits until this mutation's records are written there (durability is the log's job).
    await Promise.all((await step) ?? []);
    return lsn;
  }

  /** Runs `fn` after every mutation and seal step queued before it, and before any queued after. */
  private serialized<T>(fn: () => T | Promise<T>): Promise<T> {
    const step = this.applyChain.then(fn);
    this.applyChain = step.then(() => undefined, () => undefined);
    return step;
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
      if (hit.length) writes.push(this.persistDeletes(state, seg, hit, lsn));
    }
    return writes;
  }

  /** Delete records of sealed segments are appended now and synced before the next checkpoint. */
  private persistDeletes(state: CollectionState, seg: SealedSegment, pks: PrimaryKey[], ts: number): Promise<void> {
    markDirty(state, seg.path, { partitionId: seg.partitionId, minLsn: ts });
    const write = appendDeletes(this.opts.storageDir, seg.path, ts, pks).catch((e) => {
      // The delete is durable in the write-ahead log and applied here; readers miss it until
      // the writer restarts and replays it. Loud, because it is a storage fault.
      this.opts.log.error({ err: e, segment: seg.id }, 'appending delete records failed; the log keeps them');
    });
    track(state.deleteWrites, write);
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
    const detached = this.serialized(() => {
      const seg = state.growing.get(partitionId);
      if (!seg || seg.length === 0) return undefined;
      state.growing.delete(partitionId);
      const entry = { segment: seg, pendingDeletes: [] as { pk: PrimaryKey; ts: number }[] };
      state.sealing.set(seg.id, entry);
      return entry;
    });
    return detached.then(async (entry) => {
      if (!entry) return undefined;
      try {
        return await this.writeSealed(state, entry);
      } catch (e) {
        // The rows stay searchable in memory and in the log; a later flush retries.
        state.sealing.delete(entry.segment.id);
        if (!isGone(state, partitionId)) state.growing.set(partitionId, entry.segment);
        this.opts.log.error({ err: e, collection: state.record.name }, 'sealing a segment failed');
        throw e;
      }
    });
  }

  private async writeSealed(state: CollectionState, entry: { segment: GrowingSegment; pendingDeletes: { pk: PrimaryKey; ts: number }[] }): Promise<number | undefined> {
    const g = entry.segment;
    const snap = g.snapshotLive();
    // A drop waits for this seal before it removes metadata and files: what was written for a
    // dropped collection or partition goes with them.
    if (snap.rows === 0 || isGone(state, g.partitionId)) {
      state.sealing.delete(g.id);
      return undefined;
    }
    const id = await this.meta.allocateIds('segment', 1);
    const manifest = { id, collectionId: state.id, partitionId: g.partitionId, rows: snap.rows, minLsn: g.firstLsn!, maxLsn: g.lastLsn };
    const path = await writeSegment(this.opts.storageDir, manifest, snap.columns, snap.ts);
    if (isGone(state, g.partitionId)) {
      state.sealing.delete(g.id);
      return undefined;
    }
    await this.meta.addSegment({ id, collectionId: state.id, partitionId: g.partitionId, state: 'sealed', rowCount: snap.rows, path, createdAt: g.createdAt, sealedAt: Date.now() });
    const sealed = await SealedSegment.load(this.opts.storageDir, path, id, state.schema, this.engine);
    // Swap in the apply chain so no mutation interleaves between re-applying deletes and the swap.
    const published = await this.serialized(async () => {
      if (isGone(state, g.partitionId)) {
        state.sealing.delete(g.id);
        return false;
      }
      // Written before the segment is published, so no reader can load it without them.
      await Promise.all(entry.pendingDeletes.filter((d) => sealed.applyDelete(d.pk, d.ts)).map((d) => this.persistDeletes(state, sealed, [d.pk], d.ts)));
      // The growing copy leaves as the sealed one arrives: searches see the rows throughout.
      state.sealing.delete(g.id);
      state.sealed.set(id, sealed);
      state.persistedLsn.set(g.partitionId, Math.max(state.persistedLsn.get(g.partitionId) ?? 0, manifest.maxLsn));
      this.publish(state);
      return true;
    });
    if (!published) {
      await sealed.release();
      return undefined;
    }
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
    const live = [...this.collections.values()];
    let upTo = this.appliedLsn;
    for (const state of live) {
      for (const seg of state.growing.values()) if (seg.firstLsn !== undefined) upTo = Math.min(upTo, seg.firstLsn - 1);
      for (const s of state.sealing.values()) if (s.segment.firstLsn !== undefined) upTo = Math.min(upTo, s.segment.firstLsn - 1);
    }
    await settled(...live.map((s) => s.deleteWrites));
    const failures = await Promise.all(live.map((state) => this.syncDeleteLogs(state)));
    // A log that did not sync keeps its records in the write-ahead log and holds back only
    // the checkpoint: no flush waits on it.
    for (const minLsn of failures) upTo = Math.min(upTo, minLsn - 1);
    await this.wal.drain();
    await this.wal.checkpoint(upTo);
  }

  /** Syncs a collection's dirty delete logs; returns the oldest LSN of those that failed (Infinity if none). */
  private async syncDeleteLogs(state: CollectionState): Promise<number> {
    const dirty = [...state.dirtyDeleteLogs];
    state.dirtyDeleteLogs.clear();
    let oldestFailed = Infinity;
    for (const [path, log] of dirty) {
      try {
        await syncDeletes(this.opts.storageDir, path);
      } catch (e) {
        // A log dropped meanwhile went with its collection or partition: nothing to keep.
        if (isGone(state, log.partitionId)) continue;
        markDirty(state, path, log);
        oldestFailed = Math.min(oldestFailed, log.minLsn);
        this.opts.log.error({ err: e, collection: state.record.name, path }, 'syncing delete records failed; the write-ahead log keeps them');
      }
    }
    return oldestFailed;
  }

  // ---------------------------------------------------------------- indexes

  private scheduleIndexBuild(state: CollectionState, seg: SealedSegment): void {
    const index = state.vectorIndex();
    if (!index) return;
    const build = this.buildIndex(state, seg, index).catch((e) => {
      this.opts.log.error({ err: e, segment: seg.id }, 'index build failed; the segment is searched exactly');
    });
    track(state.builds, build);
  }

  private async buildIndex(state: CollectionState, seg: SealedSegment, index: IndexRecord): Promise<void> {
    const manifest = indexManifestOf(index);
    const current = seg.indexInfo();
    if (current && current.indexType === manifest.indexType && current.metric === manifest.metric) return;
    const dim = seg.vectors().length / Math.max(1, seg.length);
    const built = await this.engine.build(seg.vectors(), dim, manifest.metric, manifest.indexType, manifest.params);
    const wanted = () => !state.dropped && state.indexes.includes(index) && state.sealed.has(seg.id);
    try {
      if (!wanted()) return;
      await mkdir(`${indexDir(this.opts.storageDir, seg.path)}.tmp`, { recursive: true });
      await built.save(`${indexDir(this.opts.storageDir, seg.path)}.tmp`);
    } finally {
      await built.close();
    }
    if (!wanted()) return;
    await publishIndex(this.opts.storageDir, seg.path, manifest);
    await seg.openIndex(this.engine, manifest);
    await this.meta.updateSegment(seg.id, { state: 'indexed' });
    this.publish(state);
  }

  /** Waits for background index builds, delete-record writes and drop cleanups started so far. */
  async settle(): Promise<void> {
    const pending = () => [this.dropCleanups, ...[...this.collections.values()].flatMap((s) => [s.builds, s.deleteWrites])];
    while (pending().some((set) => set.size)) await settled(...pending());
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

/** Whether the collection or the partition was dropped: work under way must not publish into it. */
function isGone(state: CollectionState, partitionId: number): boolean {
  return state.dropped || !state.partitionById(partitionId);
}

function markDirty(state: CollectionState, path: string, log: DirtyDeleteLog): void {
  const known = state.dirtyDeleteLogs.get(path);
  state.dirtyDeleteLogs.set(path, known ? { ...known, minLsn: Math.min(known.minLsn, log.minLsn) } : log);
}

function track(set: Set<Promise<void>>, p: Promise<void>): void {
  set.add(p);
  void p.finally(() => set.delete(p));
}

/** Resolves once every promise now in the sets has settled. */
async function settled(...sets: Set<Promise<unknown>>[]): Promise<void> {
  await Promise.allSettled(sets.flatMap((set) => [...set]));
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

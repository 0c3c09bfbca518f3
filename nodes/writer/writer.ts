import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Column, PrimaryKey } from '../../core/columns.js';
import { DataType, type CollectionSchema, primaryField } from '../../core/schema.js';
import type { VectorEngine } from '../../engine/engine.js';
import type { CompiledFilter } from '../../filter/index.js';
import type { CollectionView } from '../../meta/collection-view.js';
import { nextLoadState, type LoadChange } from '../../meta/load-state.js';
import { serviceNotReady } from '../../milvus/status.js';
import type { CollectionRecord, IndexRecord, MetaStore } from '../../meta/store.js';
import { GrowingSegment } from '../../segment/growing.js';
import { SealedSegment } from '../../segment/sealed.js';
import type { Segment } from '../../segment/segment.js';
import { queryRows } from '../../search/segment-search.js';
import { removeIndex, removeOrphanSegmentFiles, removeSegmentFiles } from '../../storage/segment-files.js';
import { WriteAheadLog } from '../../storage/wal.js';
import { ApplyChain } from './apply-chain.js';
import { settled, track } from './background.js';
import { Checkpointer } from './checkpointer.js';
import { CollectionState } from './collection-state.js';
import { Compactions, type CompactionJob, type CompactionScope, type CompactionSettings } from './compactions.js';
import { Compactor } from './compactor.js';
import { DeleteLogs } from './delete-logs.js';
import { IndexBuilds } from './index-builds.js';
import { decodeMutation, encodeMutation, type Mutation } from './mutation-record.js';
import { Retirement } from './retirement.js';
import { Sealer } from './sealer.js';

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
  compaction: CompactionSettings & {
    /** How long a compaction's sources stay after the swap, for readers still serving them. */
    retentionMs: number;
  };
}

/**
 * The state machine of the writable node: collections in memory, DDL, mutations through the
 * write-ahead log and applied in LSN order. It composes the units that work over the
 * collections' state in the background: sealing growing segments into files on shared
 * storage (Sealer), checkpointing the log (Checkpointer), delete records of sealed segments
 * (DeleteLogs), index builds (IndexBuilds), compaction (Compactions, Compactor) and the end of
 * compacted segments (Retirement). Milvus request parsing lives in the API layer; this class
 * speaks in schemas, columns and keys.
 */
export class Writer {
  readonly collections = new Map<string, CollectionState>();
  private wal!: WriteAheadLog;
  /** Created with the log it checkpoints, before the log is replayed. */
  private checkpointer!: Checkpointer;
  /** Applies durable mutations and seal steps one at a time, in LSN order. */
  private readonly chain = new ApplyChain();
  private readonly deleteLogs: DeleteLogs;
  private readonly indexBuilds: IndexBuilds;
  private readonly sealer: Sealer;
  private readonly retirement: Retirement;
  private readonly compactions: Compactions;
  /** Removals of dropped collections' and partitions' files, waiting for their index builds. */
  private readonly dropCleanups = new Set<Promise<void>>();
  private closed = false;
  /**
   * Metadata changes: emits ('change', name, view | undefined) after every change the writer
   * makes; `version` counts them.
   */
  readonly changes = new EventEmitter().setMaxListeners(0);
  version = 0;

  constructor(readonly opts: WriterOptions) {
    const { storageDir, meta, engine, log, sealAgeMs, compaction } = opts;
    const publish = (state: CollectionState) => this.publish(state);
    const removeFiles = (state: CollectionState, segments: SealedSegment[]) => this.removeFilesAfterBuilds(state, segments);
    const { chain } = this;
    this.deleteLogs = new DeleteLogs(storageDir, log);
    this.indexBuilds = new IndexBuilds({ storageDir, meta, engine, log, publish });
    const { deleteLogs, indexBuilds } = this;
    this.retirement = new Retirement({
      storageDir,
      meta,
      log,
      chain,
      deleteLogs,
      retentionMs: compaction.retentionMs,
      publish,
      removeFiles,
    });
    const compactor = new Compactor({
      storageDir,
      meta,
      engine,
      log,
      chain,
      deleteLogs,
      indexBuilds,
      publish,
      removeFiles,
      retire: (state, ids) => this.retirement.schedule(state, ids),
    });
    this.compactions = new Compactions({ meta, log, compactor, collections: this.collections, settings: compaction });
    this.sealer = new Sealer({
      storageDir,
      meta,
      engine,
      log,
      sealAgeMs,
      publish,
      collections: this.collections,
      chain: this.chain,
      deleteLogs: this.deleteLogs,
      indexBuilds: this.indexBuilds,
      checkpoint: () => this.checkpointer.checkpoint(),
    });
  }

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
    this.checkpointer = new Checkpointer(wal, this.chain, this.collections, this.deleteLogs);
    let replayed = 0;
    for (const r of records) {
      const writes = this.applyMutation(decodeMutation(r.payload), r.lsn, true);
      if (writes) {
        replayed++;
        await Promise.all(writes);
      }
    }
    if (records.length) this.opts.log.info({ records: records.length, replayed }, 'replayed write-ahead log');
    // Every record up to the log's last is applied now: replayed, or in segments before its checkpoint.
    this.checkpointer.applied(wal.lastLsn);
    this.sealer.start();
    this.compactions.start();
  }

  private async loadCollection(rec: CollectionRecord): Promise<CollectionState> {
    const state = new CollectionState(rec);
    for (const p of await this.meta.listPartitions(rec.id)) state.partitions.set(p.name, p);
    state.indexes = await this.meta.listIndexes(rec.id);
    for (const segRec of await this.meta.listSegments(rec.id)) {
      if (segRec.state === 'growing' || segRec.state === 'dropped') continue;
      const seg = await SealedSegment.load(this.opts.storageDir, segRec.path, segRec.id, rec.schema, this.engine);
      if (segRec.compactedInto !== undefined) {
        state.retiring.set(seg.id, { segment: seg, into: segRec.compactedInto });
        continue;
      }
      state.sealed.set(seg.id, seg);
      const prev = state.persistedLsn.get(seg.partitionId) ?? 0;
      state.persistedLsn.set(seg.partitionId, Math.max(prev, seg.manifest.maxLsn));
      if (state.vectorIndex() && !seg.indexInfo()) this.indexBuilds.schedule(state, seg);
    }
    await this.retirement.recover(state);
    this.retirement.scheduleAll(state);
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
      for (const { segment } of state.retiring.values()) known.push(segment.path);
    }
    const removed = await removeOrphanSegmentFiles(this.opts.storageDir, new Set(known));
    if (removed.length) this.opts.log.info({ removed }, 'removed segment files the metadata does not know');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.changes.emit('close');
    this.sealer.stop();
    this.compactions.stop();
    this.retirement.stop();
    await this.chain.idle();
    await this.settle();
    await this.wal?.close();
  }

  // ---------------------------------------------------------------- metadata feed

  view(state: CollectionState): CollectionView {
    return {
      record: state.record,
      partitions: [...state.partitions.values()],
      indexes: state.indexes,
      segments: [
        ...[...state.sealed.values()].map((s) => segmentInfo(s)),
        ...[...state.retiring.values()].map((r) => ({ ...segmentInfo(r.segment), compactedInto: r.into })),
      ],
      unsealedRows: state.hasUnsealedRows(),
    };
  }

  private publish(state: CollectionState): void {
    this.version++;
    const live = this.collections.get(state.record.name) === state;
    this.changes.emit('change', state.record.name, live ? this.view(state) : undefined);
  }

  // ---------------------------------------------------------------- DDL

  async createCollection(
    schema: CollectionSchema,
    shardsNum: number,
    consistencyLevel: number,
    properties: Record<string, string>,
  ): Promise<CollectionState> {
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
   * after the drop sees it; waits for the seals, compactions and delete-record appends already
   * under way, so nothing they write outlives the metadata; then removes the metadata and,
   * once index builds under way are over, the files.
   */
  async dropCollection(state: CollectionState): Promise<void> {
    await this.chain.run(() => {
      this.collections.delete(state.record.name);
      state.dropped = true;
      state.growing.clear();
      state.dirtyDeleteLogs.clear();
    });
    await settled(state.sealTasks, state.compactionTasks, state.deleteWrites);
    await this.meta.dropCollection(state.id);
    this.publish(state);
    const held = [...state.sealed.values(), ...[...state.retiring.values()].map((r) => r.segment)];
    this.removeFilesAfterBuilds(state, held, [String(state.id)]);
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
    const segments = await this.chain.run(() => {
      state.partitions.delete(name);
      state.growing.delete(p.id);
      state.persistedLsn.delete(p.id);
      for (const [path, log] of state.dirtyDeleteLogs) if (log.partitionId === p.id) state.dirtyDeleteLogs.delete(path);
      const gone = [...state.sealed.values()].filter((s) => s.partitionId === p.id);
      for (const seg of gone) state.sealed.delete(seg.id);
      for (const [id, r] of state.retiring) {
        if (r.segment.partitionId !== p.id) continue;
        state.retiring.delete(id);
        gone.push(r.segment);
      }
      return gone;
    });
    await settled(state.sealTasks, state.compactionTasks, state.deleteWrites);
    await this.meta.dropPartition(p.id);
    this.publish(state);
    this.removeFilesAfterBuilds(state, segments, [`${state.id}/${p.id}`]);
  }

  /**
   * Releases segments that left the writer and removes their files (`rels`: each segment's
   * directory, unless a whole collection or partition directory goes). Index builds write
   * beside their segment: the files go once the builds under way are over.
   */
  private removeFilesAfterBuilds(state: CollectionState, segments: SealedSegment[], rels = segments.map((s) => s.path)): void {
    const cleanup = settled(state.builds)
      .then(async () => {
        for (const seg of segments) await seg.release();
        for (const rel of rels) await removeSegmentFiles(this.opts.storageDir, rel);
      })
      .catch((e) => {
        this.opts.log.error(
          { err: e, collection: state.record.name, paths: rels },
          'removing dropped segment files failed; the next start removes them',
        );
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
    for (const seg of state.sealed.values()) this.indexBuilds.schedule(state, seg);
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
   * The LSN of the newest write applied to memory. Writes are applied in LSN order, so every
   * write at or before it is visible to searches and queries, and every later one has a greater
   * LSN: rows stamped at or before it are a consistent snapshot (an iterator's, see
   * docs/coordinator.md "Iterators").
   */
  get appliedLsn(): number {
    return this.checkpointer.lastApplied;
  }

  /**
   * Makes a mutation durable, then applies it. Resolves after both, so an acknowledged write
   * is on disk and visible to the next search.
   */
  async mutate(m: Mutation): Promise<number> {
    if (this.closed) throw serviceNotReady('writer', 'Stopping');
    const { lsn, durable } = this.wal.append(encodeMutation(m));
    const step = this.chain.run(async () => {
      await durable;
      return this.applyMutation(m, lsn, false);
    });
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
    this.checkpointer.applied(lsn);
    const state = [...this.collections.values()].find((c) => c.id === m.collectionId);
    if (!state?.partitionById(m.partitionId)) return undefined;
    const writes = m.deletes?.length ? this.applyDeletes(state, m.deletes, lsn, m.deletePartitions) : [];
    if (m.insert && !(replay && lsn <= (state.persistedLsn.get(m.partitionId) ?? 0))) {
      const hadUnsealed = state.hasUnsealedRows();
      const seg = this.growingFor(state, m.partitionId);
      seg.append(m.insert.rows, m.insert.columns, lsn);
      // Coordinators skip the writer for Bounded searches while it holds no unsealed rows.
      if (!hadUnsealed) this.publish(state);
      if (seg.length >= this.opts.sealRows && !replay) this.sealer.sealInBackground(state, m.partitionId);
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
    // Retiring segments too: readers may still serve them.
    for (const seg of [...state.sealed.values(), ...[...state.retiring.values()].map((r) => r.segment)]) {
      if (!inScope(seg)) continue;
      const hit = pks.filter((pk) => seg.applyDelete(pk, lsn) > 0);
      if (!hit.length) continue;
      writes.push(this.deleteLogs.append(state, seg, hit, lsn));
      // A compaction copied this segment's rows before: the swap re-applies the delete.
      state.compacting.get(seg.id)?.push(...hit.map((pk) => ({ pk, ts: lsn })));
    }
    return writes;
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

  // ---------------------------------------------------------------- sealing and indexes

  /** Seals every growing segment of the collection; resolves with the sealed segment ids. */
  flush(state: CollectionState): Promise<number[]> {
    return this.sealer.flush(state);
  }

  /** Rows per collection that are indexed, for DescribeIndex progress. */
  indexProgress(state: CollectionState): { indexed: number; total: number } {
    return this.indexBuilds.progress(state);
  }

  // ---------------------------------------------------------------- compaction

  /** ManualCompaction: plans now, runs in the background; id -1 when there is nothing to do. */
  compact(state: CollectionState, scope: CompactionScope): Promise<{ id: number; plans: number }> {
    return this.compactions.manual(state, scope);
  }

  /** A compaction by id, while it is remembered. */
  compactionJob(id: number): CompactionJob | undefined {
    return this.compactions.job(id);
  }

  /** Waits for background index builds, compactions, delete-record writes and drop cleanups started so far. */
  async settle(): Promise<void> {
    const pending = () => [
      this.dropCleanups,
      ...[...this.collections.values()].flatMap((s) => [s.builds, s.compactionTasks, s.deleteWrites]),
    ];
    while (pending().some((set) => set.size)) await settled(...pending());
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

/** A sealed segment as the metadata feed lists it. */
const segmentInfo = (s: SealedSegment) => ({
  id: s.id,
  partitionId: s.partitionId,
  rows: s.length,
  state: s.indexInfo() ? ('indexed' as const) : ('sealed' as const),
});

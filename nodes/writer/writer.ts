import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Column, PrimaryKey } from '../../core/columns.js';
import { DataType, DYNAMIC_FIELD, type CollectionSchema, type FieldSchema, primaryField } from '../../core/schema.js';
import type { VectorEngine } from '../../engine/engine.js';
import type { CompiledFilter } from '../../filter/index.js';
import type { CollectionView } from '../../meta/collection-view.js';
import { nextLoadState, type LoadChange } from '../../meta/load-state.js';
import { DEFAULT_PARTITION } from '../../milvus/partition-key.js';
import { serviceNotReady } from '../../milvus/status.js';
import type { CollectionRecord, IndexRecord, MetaStore, SegmentRecord } from '../../meta/store.js';
import { GrowingSegment } from '../../segment/growing.js';
import { SealedSegment } from '../../segment/sealed.js';
import type { Segment } from '../../segment/segment.js';
import { queryRows } from '../../search/segment-search.js';
import { removeIndex, removeOrphanSegmentFiles, removeSegmentFiles } from '../../storage/segment-files.js';
import { WriteAheadLog } from '../../storage/wal.js';
import { FencedError } from '../../storage/wal-fence.js';
import { UnavailableError } from '../../runtime/unavailable.js';
import { ApplyChain } from './apply-chain.js';
import { settled, track } from './background.js';
import { Checkpointer } from './checkpointer.js';
import { CollectionState } from './collection-state.js';
import { DatabaseState } from './database-state.js';
import { Compactions, type CompactionJob, type CompactionScope, type CompactionSettings } from './compactions.js';
import { Compactor } from './compactor.js';
import { DeleteLogs } from './delete-logs.js';
import { IndexBuilds } from './index-builds.js';
import { decodeMutation, encodeMutation, type Mutation } from './mutation-record.js';
import { insertParts } from './partition-routing.js';
import type { ReportedPlacement } from '../data-node-api.js';
import { PlacementRecords } from './placement-records.js';
import { Retirement } from './retirement.js';
import { Sealer } from './sealer.js';
import { SecurityState } from './security-state.js';

export interface WriterOptions {
  dataDir: string;
  /** The write-ahead log's directory; `<dataDir>/wal` by default. Shared by the writers of an HA cluster. */
  walDir?: string;
  /**
   * A leader's fencing epoch (docs/writer-ha.md): the log is opened fenced by it (sealed for it
   * beforehand) and the metadata store given is fenced by it.
   */
  fencingEpoch?: number;
  /** Called once when a newer leader fenced this writer: it must step down. */
  onFenced?: (err: FencedError) => void;
  storageDir: string;
  meta: MetaStore;
  engine: VectorEngine;
  log: Logger;
  /** Seal a growing segment once it holds this many rows. */
  sealRows: number;
  /** Seal a non-empty growing segment once it is this old. */
  sealAgeMs: number;
  compaction: CompactionSettings & {
    /**
     * The longest a compaction's sources stay after the swap, for readers still serving them;
     * they go sooner once a coordinator reports no reader holds them.
     */
    retentionMs: number;
  };
  /** The wall clock (unix ms) rows are stamped with as they are inserted (collection TTL); Date.now by default. */
  clock?: () => number;
  /** Hears what operators chart: log syncs and the rows acknowledged (writer-metrics.ts). */
  observer?: WriterObserver;
  /**
   * A sealed segment loaded already (by a standby that became the leader: standby-segments.ts),
   * up to date with its files; undefined to load it from storage.
   */
  preloaded?: (rec: SegmentRecord, schema: CollectionSchema) => Promise<SealedSegment | undefined>;
}

/** What the writer reports as it works, for its metrics. */
export interface WriterObserver {
  /** A group commit of the log took this long (write and fdatasync). */
  walSynced(seconds: number): void;
  /** An acknowledged mutation inserted `inserted` rows and deleted `deleted` keys (an upsert does both). */
  mutated(inserted: number, deleted: number): void;
}

/**
 * The state machine of the writable node: collections in memory, DDL, mutations through the
 * write-ahead log and applied in LSN order. It composes the units that work over the
 * collections' state in the background: sealing growing segments into files on shared
 * storage (Sealer), checkpointing the log (Checkpointer), delete records of sealed segments
 * (DeleteLogs), index builds (IndexBuilds), compaction (Compactions, Compactor), the end of
 * compacted segments (Retirement) and the placement coordinators record (PlacementRecords).
 * Milvus request parsing lives in the API layer; this class
 * speaks in schemas, columns and keys.
 */
export class Writer {
  /** Databases by name; a request names a collection (or an alias) inside one. */
  readonly databases = new Map<string, DatabaseState>();
  /** Every collection of every database, by id. */
  readonly collections = new Map<number, CollectionState>();
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
  private readonly placements: PlacementRecords;
  /** Removals of dropped collections' and partitions' files, waiting for their index builds. */
  private readonly dropCleanups = new Set<Promise<void>>();
  private closed = false;
  /**
   * Metadata changes: emits ('change', collection id, view | undefined) after every change of a
   * collection, ('names', names) after every change of the databases or the aliases (see
   * names) and ('security', records) after every change of users, roles or grants; `version`
   * counts them.
   */
  readonly changes = new EventEmitter().setMaxListeners(0);
  version = 0;
  /** Stamps inserted rows (see WriterOptions.clock). */
  readonly clock: () => number;
  /** Users, roles and grants (Milvus's RBAC). */
  readonly security: SecurityState;

  constructor(readonly opts: WriterOptions) {
    this.clock = opts.clock ?? Date.now;
    const { storageDir, meta, engine, log, sealAgeMs, compaction } = opts;
    this.security = new SecurityState(meta, (records) => {
      this.version++;
      this.changes.emit('security', records);
    });
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
    this.placements = new PlacementRecords({ meta, collections: this.collections, publish });
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

  /** Loads the RBAC state, databases, collections and sealed segments from the metadata store, then replays the log. */
  async open(): Promise<void> {
    await mkdir(this.opts.storageDir, { recursive: true });
    await this.security.open();
    for (const rec of await this.meta.listDatabases()) this.databases.set(rec.name, new DatabaseState(rec));
    for (const rec of await this.meta.listCollections()) await this.loadCollection(rec);
    for (const a of await this.meta.listAliases()) this.databaseById(a.dbId).aliases.set(a.name, this.collections.get(a.collectionId)!);
    await this.removeOrphanFiles();
    const observer = this.opts.observer;
    const { wal, records } = await WriteAheadLog.open(this.opts.walDir ?? join(this.opts.dataDir, 'wal'), undefined, {
      epoch: this.opts.fencingEpoch,
      onSync: observer && ((s) => observer.walSynced(s)),
    });
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
      const seg =
        (await this.opts.preloaded?.(segRec, rec.schema)) ??
        (await SealedSegment.load(this.opts.storageDir, segRec.path, segRec.id, rec.schema, this.engine));
      if (segRec.compactedInto !== undefined) {
        state.retiring.set(seg.id, { segment: seg, into: segRec.compactedInto });
        continue;
      }
      state.addSealed(seg);
      if (segRec.placedGroup !== undefined) state.placedGroups.set(seg.id, segRec.placedGroup);
      const prev = state.persistedLsn.get(seg.partitionId) ?? 0;
      state.persistedLsn.set(seg.partitionId, Math.max(prev, seg.manifest.maxLsn));
      if (state.vectorIndex() && !seg.indexInfo()) this.indexBuilds.schedule(state, seg);
    }
    await this.retirement.recover(state);
    this.retirement.scheduleAll(state);
    this.collections.set(rec.id, state);
    this.databaseById(rec.dbId).collections.set(rec.name, state);
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

  /**
   * After close(), in a process that goes on (a writer leader stepping down to standby): the
   * engine lets go of every sealed segment this writer loaded.
   */
  async releaseSegments(): Promise<void> {
    for (const state of this.collections.values()) {
      for (const seg of [...state.sealed.values(), ...[...state.retiring.values()].map((r) => r.segment)]) await seg.release();
    }
  }

  // ---------------------------------------------------------------- metadata feed

  view(state: CollectionState): CollectionView {
    return {
      record: state.record,
      partitions: [...state.partitions.values()],
      indexes: state.indexes,
      segments: [
        ...[...state.sealed.values()].map((s) => {
          const placedGroup = state.placedGroups.get(s.id);
          return placedGroup === undefined ? segmentInfo(s) : { ...segmentInfo(s), placedGroup };
        }),
        ...[...state.retiring.values()].map((r) => ({ ...segmentInfo(r.segment), compactedInto: r.into })),
      ],
      unsealedRows: state.hasUnsealedRows(),
    };
  }

  private publish(state: CollectionState): void {
    this.version++;
    const live = this.collections.get(state.id) === state;
    this.changes.emit('change', state.id, live ? this.view(state) : undefined);
  }

  /** The databases and every alias, as the metadata feed carries them (the views name neither). */
  names(): MetadataNames {
    const databases = [...this.databases.values()];
    return {
      databases: databases.map((d) => ({ id: d.id, name: d.name })),
      aliases: databases.flatMap((d) => [...d.aliases].map(([alias, state]) => ({ databaseId: d.id, alias, collectionId: state.id }))),
    };
  }

  private publishNames(): void {
    this.version++;
    this.changes.emit('names', this.names());
  }

  // ---------------------------------------------------------------- names

  /** The database a collection is in. */
  databaseOf(state: CollectionState): DatabaseState {
    return this.databaseById(state.record.dbId);
  }

  private databaseById(id: number): DatabaseState {
    for (const d of this.databases.values()) if (d.id === id) return d;
    throw new Error(`database ${id} is not known to the writer`);
  }

  /** The aliases of a collection, by name. */
  aliasesOf(state: CollectionState): string[] {
    return this.databaseOf(state).aliasesOf(state);
  }

  /**
   * Runs a change of collection definitions (names, aliases, schemas, properties, truncation)
   * after every earlier one, so that the checks it makes (is a name free, is it an alias, is a
   * field new) hold until it is done.
   */
  definitionChange<T>(change: () => Promise<T>): Promise<T> {
    return this.definitionChanges.run(change);
  }
  private readonly definitionChanges = new ApplyChain();

  /** An alias of a collection, in the collection's database. */
  async createAlias(alias: string, state: CollectionState): Promise<void> {
    const db = this.databaseOf(state);
    await this.meta.createAlias({ dbId: db.id, name: alias, collectionId: state.id, createdAt: Date.now() });
    db.aliases.set(alias, state);
    this.publishNames();
  }

  /** Moves an alias to another collection in one step: no search finds it on both, or on neither. */
  async alterAlias(alias: string, state: CollectionState): Promise<void> {
    const db = this.databaseOf(state);
    await this.meta.alterAlias(db.id, alias, state.id);
    db.aliases.set(alias, state);
    this.publishNames();
  }

  async dropAlias(db: DatabaseState, alias: string): Promise<void> {
    await this.meta.dropAlias(db.id, alias);
    db.aliases.delete(alias);
    this.publishNames();
  }

  /**
   * Gives a collection a new name, possibly in another database (one without aliases of it: the
   * API refuses to move a collection that has some). Views and aliases name collections by id,
   * so one event tells the feed: an alias finds the collection before and after, never neither.
   */
  async renameCollection(state: CollectionState, target: DatabaseState, name: string): Promise<void> {
    const schema = { ...state.schema, name };
    await this.meta.renameCollection(state.id, target.id, name, schema);
    this.databaseOf(state).collections.delete(state.record.name);
    state.record = { ...state.record, dbId: target.id, name, schema };
    target.collections.set(name, state);
    this.publish(state);
  }

  // ---------------------------------------------------------------- databases

  async createDatabase(name: string, properties: Record<string, string>): Promise<DatabaseState> {
    const db = new DatabaseState(await this.meta.createDatabase({ name, properties, createdAt: Date.now() }));
    this.databases.set(name, db);
    this.publishNames();
    return db;
  }

  /** AlterDatabase: the database's properties become `properties` (the feed carries none). */
  async setDatabaseProperties(db: DatabaseState, properties: Record<string, string>): Promise<void> {
    await this.meta.setDatabaseProperties(db.id, properties);
    db.record = { ...db.record, properties };
  }

  /** Drops a database the API found empty (the store refuses one that is not). */
  async dropDatabase(db: DatabaseState): Promise<void> {
    await this.meta.dropDatabase(db.id);
    this.databases.delete(db.name);
    this.publishNames();
  }

  // ---------------------------------------------------------------- DDL

  /** Creates a collection in `db` with its first partitions (`_default` unless in partition-key mode; see milvus/partition-key.ts). */
  async createCollection(
    db: DatabaseState,
    schema: CollectionSchema,
    shardsNum: number,
    consistencyLevel: number,
    properties: Record<string, string>,
    partitionNames: readonly string[] = [DEFAULT_PARTITION],
  ): Promise<CollectionState> {
    const rec = await this.meta.createCollection(
      { dbId: db.id, name: schema.name, schema, shardsNum, consistencyLevel, properties, loadNewPartitions: false, createdAt: Date.now() },
      partitionNames,
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
      this.collections.delete(state.id);
      this.databaseOf(state).collections.delete(state.record.name);
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
    return this.loadChanges.run(async () => {
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
      return detachPartition(state, p.id);
    });
    await settled(state.sealTasks, state.compactionTasks, state.deleteWrites);
    await this.meta.dropPartition(p.id);
    this.publish(state);
    this.removeFilesAfterBuilds(state, segments, [`${state.id}/${p.id}`]);
  }

  /**
   * TruncateCollection: every row goes, the collection stays as it was (schema, indexes,
   * partitions with their load state, aliases, properties). Each partition is replaced by an
   * empty one of the same name in the metadata store, in one transaction (see
   * MetaStore.replacePartitions); then, in the apply chain, its rows leave memory as in
   * dropPartition. A write acknowledged while the truncation runs may go with it; the
   * write-ahead log's records of the old partitions are skipped on replay.
   */
  async truncateCollection(state: CollectionState): Promise<void> {
    // Seals and compactions under way record segments of the partitions about to go: let them
    // finish first (one started meanwhile fails to record its segment and publishes nothing).
    await settled(state.sealTasks, state.compactionTasks);
    // Among the load changes, which compute from the partitions as the previous change left them.
    const { old, segments } = await this.loadChanges.run(async () => {
      const fresh = await this.meta.replacePartitions(state.id);
      const old = [...state.partitions.values()];
      const segments = await this.chain.run(() => {
        state.partitions.clear();
        for (const p of fresh) state.partitions.set(p.name, p);
        return old.flatMap((p) => detachPartition(state, p.id));
      });
      return { old, segments };
    });
    await settled(state.sealTasks, state.compactionTasks, state.deleteWrites);
    this.publish(state);
    this.removeFilesAfterBuilds(
      state,
      segments,
      old.map((p) => `${state.id}/${p.id}`),
    );
  }

  /**
   * AddCollectionField: the field joins the schema, and every segment held gets its column,
   * which reads as the field's default value, or null, for the rows written before (sealed
   * segments loaded later, by this node or a reader, get it as they load).
   */
  async addField(state: CollectionState, field: FieldSchema): Promise<void> {
    // The dynamic field stays last, where Milvus shows it.
    const fields = [
      ...state.schema.fields.filter((f) => f.name !== DYNAMIC_FIELD),
      field,
      ...state.schema.fields.filter((f) => f.name === DYNAMIC_FIELD),
    ];
    const schema = { ...state.schema, fields };
    await this.meta.setCollectionSchema(state.id, schema);
    await this.chain.run(() => {
      state.record = { ...state.record, schema };
      for (const seg of heldSegments(state)) seg.addField(field);
    });
    this.publish(state);
  }

  /** AlterCollection / DropCollectionProperties: the collection's properties become `properties`. */
  async setProperties(state: CollectionState, properties: Record<string, string>): Promise<void> {
    await this.meta.setCollectionProperties(state.id, properties);
    state.record = { ...state.record, properties };
    this.publish(state);
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
    return this.loadChanges.run(async () => {
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
  private readonly loadChanges = new ApplyChain();

  async createIndex(state: CollectionState, index: Omit<IndexRecord, 'id' | 'collectionId' | 'createdAt'>): Promise<void> {
    const rec = await this.meta.createIndex({ ...index, collectionId: state.id, createdAt: Date.now() });
    state.indexes.push(rec);
    this.publish(state);
    // A scalar index is built by each segment when a filter first needs it (SealedSegment.scalarIndex).
    if (rec !== state.vectorIndex()) return;
    for (const seg of state.sealed.values()) this.indexBuilds.schedule(state, seg);
  }

  async dropIndex(state: CollectionState, index: IndexRecord): Promise<void> {
    const vector = index === state.vectorIndex();
    await this.meta.dropIndex(index.id);
    state.indexes = state.indexes.filter((i) => i.id !== index.id);
    if (!vector) {
      this.publish(state);
      return;
    }
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
  async mutate(request: Mutation): Promise<number> {
    if (this.closed) throw serviceNotReady('writer', 'Stopping');
    // Inserted rows carry their insert time into the log, so that a replay keeps it (TTL).
    const m = request.insert ? { ...request, insertedAt: this.clock() } : request;
    const { lsn, durable } = this.wal.append(encodeMutation(m));
    const step = this.chain.run(async () => {
      await durable.catch((e: unknown) => {
        if (!(e instanceof FencedError)) throw e;
        this.fenced(e);
        throw new UnavailableError(`writer fenced: ${e.message}`, e.applied === 'no');
      });
      return this.applyMutation(m, lsn, false);
    });
    // Readers read sealed segments' delete records from their files: the acknowledgement
    // waits until this mutation's records are written there (durability is the log's job).
    await Promise.all((await step) ?? []);
    this.opts.observer?.mutated(m.insert?.rows ?? 0, m.deletes?.length ?? 0);
    return lsn;
  }

  private fenced(e: FencedError): void {
    if (this.fencedBy) return;
    this.fencedBy = e;
    this.opts.log.warn({ newerEpoch: e.newerEpoch }, 'a newer writer leader fenced this one');
    this.opts.onFenced?.(e);
  }
  private fencedBy: FencedError | undefined;

  /**
   * Applies a durable mutation to memory. Returns the writes of delete records to sealed
   * segments' files it started, or undefined if its target no longer exists.
   */
  private applyMutation(m: Mutation, lsn: number, replay: boolean): Promise<void>[] | undefined {
    this.checkpointer.applied(lsn);
    const state = this.collections.get(m.collectionId);
    if (!state?.partitionById(m.partitionId)) return undefined;
    const writes = m.deletes?.length ? this.applyDeletes(state, m.deletes, lsn, m.deletePartitions) : [];
    for (const part of m.insert ? insertParts(state, m.partitionId, m.insert) : []) {
      if (replay && lsn <= (state.persistedLsn.get(part.partitionId) ?? 0)) continue;
      const hadUnsealed = state.hasUnsealedRows();
      const seg = this.growingFor(state, part.partitionId);
      // A record written before rows had insert times: unknown (NaN), such rows never expire.
      seg.append(part.rows, part.columns, lsn, m.insertedAt ?? Number.NaN);
      // Coordinators skip the writer for Bounded searches while it holds no unsealed rows.
      if (!hadUnsealed) this.publish(state);
      if (seg.length >= this.opts.sealRows && !replay) this.sealer.sealInBackground(state, part.partitionId);
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

  // ---------------------------------------------------------------- placement

  /**
   * A coordinator's report: the placement it computed (recorded when it was computed from the
   * current metadata, see PlacementRecords) and the retiring segments no reader holds, which
   * are dropped now instead of at the end of the retention.
   */
  async reportPlacement(placements: ReportedPlacement[], released: number[]): Promise<{ recorded: number; stale: boolean }> {
    this.retirement.released(released);
    return placements.length ? this.placements.record(placements) : { recorded: 0, stale: false };
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

/** What the metadata feed carries besides the collection views: the databases and their aliases, by id. */
export interface MetadataNames {
  databases: { id: number; name: string }[];
  aliases: { databaseId: number; alias: string; collectionId: number }[];
}

/**
 * Takes a partition's rows out of memory, in the apply chain: its growing data, its part of
 * the checkpoint and delete-log bookkeeping, its segments being sealed (their seal sees the
 * partition gone and publishes nothing); returns its sealed and retiring segments, for release.
 */
function detachPartition(state: CollectionState, partitionId: number): SealedSegment[] {
  state.growing.delete(partitionId);
  state.persistedLsn.delete(partitionId);
  for (const [id, s] of state.sealing) if (s.segment.partitionId === partitionId) state.sealing.delete(id);
  for (const [path, log] of state.dirtyDeleteLogs) if (log.partitionId === partitionId) state.dirtyDeleteLogs.delete(path);
  const gone = [...state.sealed.values()].filter((s) => s.partitionId === partitionId);
  for (const seg of gone) state.sealed.delete(seg.id);
  for (const [id, r] of state.retiring) {
    if (r.segment.partitionId !== partitionId) continue;
    state.retiring.delete(id);
    gone.push(r.segment);
  }
  return gone;
}

/** Every segment the writer holds for a collection: sealed, retiring, being sealed, growing. */
function heldSegments(state: CollectionState): Segment[] {
  return [...state.sealed.values(), ...[...state.retiring.values()].map((r) => r.segment), ...state.unsealedSegments()];
}

/** A sealed segment as the metadata feed lists it. */
const segmentInfo = (s: SealedSegment) => ({
  id: s.id,
  partitionId: s.partitionId,
  rows: s.length,
  state: s.indexInfo() ? ('indexed' as const) : ('sealed' as const),
});

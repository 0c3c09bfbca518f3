import type { Logger } from 'pino';
import { schemaVersion, type CollectionSchema } from '../../core/schema.js';
import type { VectorEngine } from '../../engine/engine.js';
import type { CollectionRecord, MetaStore } from '../../meta/store.js';
import { collectionNotFound } from '../../milvus/status.js';
import { SealedSegment } from '../../segment/sealed.js';
import { SegmentNotLoadedError, type SegmentSource, type WriterShare } from '../data-node-api.js';
import { RECHECK_MS, WatchedSegment } from './watched-segment.js';
import { indexedScalarFields } from '../../milvus/scalar-indexes.js';

/**
 * The loaded segments of a read-only node. Segment locations and schemas come from the
 * metadata store; files come from shared storage. Delete records appended and indexes
 * published by the writer are picked up before the next request that touches a segment (see
 * WatchedSegment).
 */
export class ReaderSegments implements SegmentSource {
  /** Loaded segments by collection id, then by segment id. */
  private readonly loaded = new Map<number, Map<number, WatchedSegment>>();
  private readonly schemas = new Map<number, CollectionSchema>();
  /** Per collection, the fields whose scalar indexes answer filters, and when they were read from the metadata store. */
  private readonly scalarFields = new Map<number, { fields: ReadonlySet<string>; at: number }>();

  constructor(
    private readonly meta: MetaStore,
    private readonly storageDir: string,
    private readonly engine: VectorEngine,
    private readonly log: Logger,
  ) {}

  async schema(collection: number, version: number): Promise<CollectionSchema> {
    const cached = this.schemas.get(collection);
    if (cached && schemaVersion(cached) >= version) return cached;
    return (await this.record(collection)).schema;
  }

  /** The collection's record from the metadata store, its schema adopted. */
  private async record(collection: number): Promise<CollectionRecord> {
    const rec = await this.meta.getCollectionById(collection);
    if (!rec) throw collectionNotFound(String(collection));
    this.adopt(collection, rec.schema);
    return rec;
  }

  /**
   * Takes `schema` as the collection's: the segments loaded under an older one get the fields
   * added since (AddCollectionField), read as their defaults or null.
   */
  private adopt(collection: number, schema: CollectionSchema): void {
    const known = this.schemas.get(collection);
    this.schemas.set(collection, schema);
    if (!known) return;
    const had = new Set(known.fields.map((f) => f.name));
    const added = schema.fields.filter((f) => !had.has(f.name));
    for (const w of this.loaded.get(collection)?.values() ?? []) for (const f of added) w.segment.addField(f);
  }

  async segments(
    collection: number,
    ids: number[],
    _share: WriterShare,
    _covered: number[],
    freshDeletes: boolean,
  ): Promise<SealedSegment[]> {
    const byId = this.loaded.get(collection);
    const watched = ids.map((id) => byId?.get(id));
    const missing = ids.filter((_, i) => !watched[i]);
    if (missing.length) throw new SegmentNotLoadedError(missing);
    await this.refreshScalarFields(collection);
    // The writer appends deletes and publishes indexes after a segment is loaded here; most
    // requests find nothing to read.
    const now = performance.now();
    const refreshes: Promise<void>[] = [];
    const segs = watched.map((w) => {
      const refresh = w!.refresh(now, freshDeletes);
      if (refresh) refreshes.push(refresh);
      return w!.segment;
    });
    if (refreshes.length) await Promise.all(refreshes);
    return segs;
  }

  async load(collection: number, ids: number[]): Promise<{ loaded: number[]; errors: { segment_id: string; reason: string }[] }> {
    const rec = await this.record(collection);
    const byId = this.loaded.get(collection) ?? new Map<number, WatchedSegment>();
    this.loaded.set(collection, byId);
    const loaded: number[] = [];
    const errors: { segment_id: string; reason: string }[] = [];
    for (const id of ids) {
      if (byId.has(id)) {
        loaded.push(id);
        continue;
      }
      try {
        const segRec = await this.meta.getSegment(id);
        if (!segRec || segRec.collectionId !== rec.id || segRec.state === 'growing' || segRec.state === 'dropped') {
          throw new Error(`segment ${id} is not a sealed segment of collection ${rec.name} (id ${collection})`);
        }
        const segment = await SealedSegment.load(this.storageDir, segRec.path, id, rec.schema, this.engine);
        segment.useScalarIndexes(() => this.scalarFields.get(collection)?.fields ?? new Set());
        byId.set(id, new WatchedSegment(segment, this.engine, this.log));
        loaded.push(id);
      } catch (e) {
        // A missing or corrupt segment is reported and skipped; the node keeps serving.
        this.log.warn({ segment: id, err: (e as Error).message }, 'segment load failed');
        errors.push({ segment_id: String(id), reason: (e as Error).message });
      }
    }
    return { loaded, errors };
  }

  /**
   * Reads the collection's scalar indexes from the metadata store when the copy is older than
   * RECHECK_MS: an index created or dropped since answers the filters from then on. Filters
   * answer the same with or without an index, so no request waits for a fresher copy, and a
   * failed read keeps the old one.
   */
  private async refreshScalarFields(collection: number): Promise<void> {
    const now = performance.now();
    const known = this.scalarFields.get(collection);
    if (known && now - known.at < RECHECK_MS) return;
    const schema = this.schemas.get(collection);
    if (!schema) return;
    try {
      this.scalarFields.set(collection, { fields: indexedScalarFields(await this.meta.listIndexes(collection), schema), at: now });
    } catch (e) {
      this.log.warn({ collection, err: (e as Error).message }, 'reading scalar indexes failed; filters scan');
    }
  }

  async release(collection: number, ids: number[]): Promise<void> {
    const byId = this.loaded.get(collection);
    if (!byId) return;
    for (const id of ids) {
      await byId.get(id)?.release();
      byId.delete(id);
    }
  }

  list() {
    const out: ReturnType<SegmentSource['list']> = [];
    for (const [collection, byId] of this.loaded) {
      for (const { segment } of byId.values())
        out.push({ collection, segment, indexType: segment.indexInfo()?.indexType ?? '', growing: false });
    }
    return out;
  }

  async close(): Promise<void> {
    for (const byId of this.loaded.values()) for (const s of byId.values()) await s.release();
    this.loaded.clear();
  }
}

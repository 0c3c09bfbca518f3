import { columnRows, type Column, type PrimaryKey, type ScalarIndex } from '../core/columns.js';
import { buildScalarIndex } from '../filter/scalar-index.js';
import { DataType, type CollectionSchema, type FieldSchema, primaryField, vectorField } from '../core/schema.js';
import type { VectorEngine, VectorIndex } from '../engine/engine.js';
import { sharedSet, type VectorSet } from '../engine/vectors.js';
import {
  indexDir,
  readDeletes,
  readIndexManifest,
  readSegment,
  SegmentFileError,
  type IndexManifest,
  type SegmentManifest,
} from '../storage/segment-files.js';
import { absentColumn } from './rows.js';
import { Segment } from './segment.js';
import { vectorSetOf } from './vector-column.js';

/**
 * An immutable segment loaded from shared storage, with its delete records applied and its
 * vector index opened. Deletes that arrive after loading are picked up by `refreshDeletes`.
 */
const NO_FIELDS: ReadonlySet<string> = new Set();

export class SealedSegment extends Segment {
  private deleteOffset = 0;
  private vectorIndex: VectorIndex | undefined;
  private indexManifest: IndexManifest | undefined;
  private scalarFields: () => ReadonlySet<string> = () => NO_FIELDS;
  /** Built scalar indexes by field; null: the column cannot be indexed (it holds NaN). */
  private readonly scalarIndexes = new Map<string, ScalarIndex | null>();

  private constructor(
    readonly manifest: SegmentManifest,
    /** Size of the data file (compaction sizes segments in MiB by it). */
    readonly dataBytes: number,
    schema: CollectionSchema,
    pkName: string,
    private readonly columns: Map<string, Column>,
    private readonly ts: Float64Array,
    private readonly inserted: Float64Array,
    private readonly vectorData: VectorSet,
    readonly root: string,
    readonly path: string,
  ) {
    super(manifest.id, manifest.collectionId, manifest.partitionId, schema, pkName, manifest.rows);
    const pks = columns.get(pkName)!.values as ArrayLike<PrimaryKey>;
    for (let i = 0; i < manifest.rows; i++) this.indexKey(pks[i]!, i);
  }

  static async load(root: string, path: string, segmentId: number, schema: CollectionSchema, engine: VectorEngine): Promise<SealedSegment> {
    const data = await readSegment(root, path, segmentId);
    const pk = primaryField(schema);
    const vector = vectorField(schema);
    for (const f of schema.fields) {
      if (f.isDynamic || data.columns.has(f.name)) continue;
      // Written before the field was added (AddCollectionField, which only adds nullable fields).
      if (!f.nullable) throw new SegmentFileError(segmentId, `data file has no column for field ${f.name}`);
      data.columns.set(f.name, absentColumn(f, data.manifest.rows));
    }
    const raw = data.columns.get(vector.name);
    if (!raw || raw.type !== vector.dataType || columnRows(raw) !== data.manifest.rows) {
      const what = raw ? `${columnRows(raw)} ${DataType[raw.type]} rows` : 'no rows';
      throw new SegmentFileError(
        segmentId,
        `vector column holds ${what}, expected ${data.manifest.rows} ${DataType[vector.dataType]} rows`,
      );
    }
    // Engine workers read vectors from shared memory without copying per search.
    const shared = sharedSet(vectorSetOf(vector, raw));
    if (shared.element !== 'sparse') data.columns.set(vector.name, { ...raw, values: shared.values });
    const seg = new SealedSegment(data.manifest, data.bytes, schema, pk.name, data.columns, data.ts, data.inserted, shared, root, path);
    await seg.refreshDeletes();
    if (data.index) await seg.openIndex(engine, data.index);
    return seg;
  }

  get length(): number {
    return this.manifest.rows;
  }

  column(name: string): Column | undefined {
    return this.columns.get(name);
  }

  /**
   * Declares the fields with a scalar index (`fields` is read at each use, so indexes created
   * or dropped later take effect): filters on them are answered from an index of the column,
   * built on first use and kept, as the segment's rows never change (filter/scalar-index.ts).
   */
  useScalarIndexes(fields: () => ReadonlySet<string>): void {
    this.scalarFields = fields;
  }

  scalarIndex(name: string): ScalarIndex | undefined {
    if (!this.scalarFields().has(name)) return undefined;
    let index = this.scalarIndexes.get(name);
    if (index === undefined) {
      const col = this.columns.get(name);
      index = (col && buildScalarIndex(col, this.length)) ?? null;
      this.scalarIndexes.set(name, index);
    }
    return index ?? undefined;
  }

  vectorSet(): VectorSet {
    return this.vectorData;
  }

  timestamps(): Float64Array {
    return this.ts;
  }

  insertTimes(): Float64Array {
    return this.inserted;
  }

  addField(field: FieldSchema): void {
    if (!this.columns.has(field.name)) this.columns.set(field.name, absentColumn(field, this.length));
  }

  override index(): VectorIndex | undefined {
    return this.vectorIndex;
  }

  indexInfo(): IndexManifest | undefined {
    return this.indexManifest;
  }

  async openIndex(engine: VectorEngine, manifest: IndexManifest): Promise<void> {
    try {
      const next = await engine.load(indexDir(this.root, this.path), this.vectorData, manifest.metric, manifest.indexType);
      const prev = this.vectorIndex;
      this.vectorIndex = next;
      this.indexManifest = manifest;
      await prev?.close();
    } catch (e) {
      throw new SegmentFileError(this.id, `cannot open index: ${(e as Error).message}`);
    }
  }

  /** Opens an index published after this segment was loaded (readers call it before searches). */
  async refreshIndex(engine: VectorEngine): Promise<void> {
    if (this.vectorIndex) return;
    // Concurrent requests share one attempt: opening twice would close an index in use.
    this.opening ??= (async () => {
      const manifest = await readIndexManifest(this.root, this.path);
      if (manifest && !this.vectorIndex) await this.openIndex(engine, manifest);
    })().finally(() => (this.opening = undefined));
    await this.opening;
  }
  private opening: Promise<void> | undefined;

  async dropIndex(): Promise<void> {
    const prev = this.vectorIndex;
    this.vectorIndex = undefined;
    this.indexManifest = undefined;
    await prev?.close();
  }

  /** Applies delete records appended since the last call. */
  async refreshDeletes(): Promise<number> {
    const { records, next } = await readDeletes(this.root, this.path, this.deleteOffset);
    this.deleteOffset = next;
    let n = 0;
    for (const r of records) for (const pk of r.pks) n += this.applyDelete(pk, r.ts);
    return n;
  }

  async release(): Promise<void> {
    await this.dropIndex();
  }
}

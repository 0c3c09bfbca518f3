import { rowWidth, typedArrayFor, type Column, type PrimaryKey, type TypedArrayConstructor } from '../core/columns.js';
import { type DataType, type CollectionSchema, type FieldSchema, isVectorType, primaryField, vectorField } from '../core/schema.js';
import { vectorTypeOf, type DenseElement } from '../core/vector-types.js';
import { sharedDense } from '../engine/index.js';
import type { VectorSet } from '../engine/vectors.js';
import { absentColumn, selectRows, type RowSet } from './rows.js';
import { Segment } from './segment.js';
import { vectorSetOf } from './vector-column.js';

type TypedArray = InstanceType<TypedArrayConstructor>;

/**
 * Storage of `n` elements of field `f`, grown by doubling; dense vectors live in shared memory
 * so engine workers read them in place.
 */
function allocTyped(f: FieldSchema, ctor: TypedArrayConstructor, n: number): TypedArray {
  return isVectorType(f.dataType) ? sharedDense(vectorTypeOf(f).element as DenseElement, n) : new ctor(n);
}

interface GrowingColumn {
  field: FieldSchema;
  type: DataType;
  elementType?: DataType;
  dim?: number;
  /** Typed-array elements per row (see rowWidth). */
  width: number;
  typed?: TypedArray;
  list?: unknown[];
  valid?: Uint8Array;
}

/**
 * The in-memory segment that receives inserts until it is sealed. Appends happen only after
 * the write-ahead log has made them durable.
 */
export class GrowingSegment extends Segment {
  private rows = 0;
  private capacity: number;
  private readonly cols = new Map<string, GrowingColumn>();
  private ts: Float64Array;
  private inserted: Float64Array;
  /** Exact-length column views, rebuilt lazily after appends. */
  private views = new Map<string, Column>();
  readonly vectorName: string;
  /** The vector column as the engine reads it, while the rows are as many as it holds. */
  private cachedVectors: { rows: number; set: VectorSet } | undefined;
  /** LSN of the first row appended, for checkpointing; undefined while empty. */
  firstLsn: number | undefined;
  lastLsn = 0;
  readonly createdAt = Date.now();

  constructor(id: number, collectionId: number, partitionId: number, schema: CollectionSchema, initialCapacity = 1024) {
    const pk = primaryField(schema);
    super(id, collectionId, partitionId, schema, pk.name, initialCapacity);
    this.capacity = initialCapacity;
    this.ts = new Float64Array(initialCapacity);
    this.inserted = new Float64Array(initialCapacity);
    this.vectorName = vectorField(schema).name;
    for (const f of schema.fields) this.cols.set(f.name, this.newColumn(f));
  }

  private newColumn(f: FieldSchema): GrowingColumn {
    const ctor = typedArrayFor(f.dataType);
    const col: GrowingColumn = { field: f, type: f.dataType, width: rowWidth(f.dataType, f.dim) };
    if (f.elementType !== undefined) col.elementType = f.elementType;
    if (f.dim !== undefined) col.dim = f.dim;
    if (ctor) col.typed = allocTyped(f, ctor, this.capacity * col.width);
    else col.list = [];
    if (f.nullable) col.valid = new Uint8Array(this.capacity);
    return col;
  }

  addField(field: FieldSchema): void {
    if (this.cols.has(field.name)) return;
    const col = this.newColumn(field);
    this.cols.set(field.name, col);
    this.fill(col, absentColumn(field, this.rows), 0, this.rows);
    this.views.delete(field.name);
  }

  get length(): number {
    return this.rows;
  }

  private grow(needed: number): void {
    if (needed <= this.capacity) return;
    let cap = this.capacity;
    while (cap < needed) cap *= 2;
    for (const col of this.cols.values()) {
      if (col.typed) {
        const next = allocTyped(col.field, col.typed.constructor as TypedArrayConstructor, cap * col.width);
        (next as Float32Array).set(col.typed as Float32Array);
        col.typed = next;
      }
      if (col.valid) {
        const v = new Uint8Array(cap);
        v.set(col.valid);
        col.valid = v;
      }
    }
    const ts = new Float64Array(cap);
    ts.set(this.ts);
    this.ts = ts;
    const inserted = new Float64Array(cap);
    inserted.set(this.inserted);
    this.inserted = inserted;
    const del = new Uint8Array(cap);
    del.set(this.deletedBits);
    this.deletedBits = del;
    this.capacity = cap;
  }

  /**
   * Appends `count` rows given as columns (every schema field; one missing, such as `$meta` or
   * a field added after the rows were logged, reads as absentColumn says), all written at
   * `lsn` and inserted at `insertedAt` (unix ms, NaN: unknown).
   */
  append(count: number, columns: Map<string, Column>, lsn: number, insertedAt: number): void {
    const start = this.rows;
    this.grow(start + count);
    for (const col of this.cols.values()) this.fill(col, columns.get(col.field.name) ?? absentColumn(col.field, count), start, count);
    this.ts.fill(lsn, start, start + count);
    this.inserted.fill(insertedAt, start, start + count);
    this.rows += count;
    const pks = this.cols.get(this.pkName)!;
    for (let i = start; i < this.rows; i++) {
      this.indexKey((pks.typed ? pks.typed[i] : pks.list![i]) as PrimaryKey, i);
    }
    this.firstLsn ??= lsn;
    this.lastLsn = lsn;
    this.views.clear();
    this.cachedLiveMask = undefined;
    this.cachedOldestInsert = undefined;
  }

  /** Writes `count` rows of `src` into `col` from row `start` (room is there already). */
  private fill(col: GrowingColumn, src: Column, start: number, count: number): void {
    if (col.typed) {
      (col.typed as Float32Array).set(src.values as Float32Array, start * col.width);
    } else {
      const list = col.list!;
      for (let i = 0; i < count; i++) list[start + i] = (src.values as unknown[])[i];
    }
    if (col.valid) {
      if (src.valid) col.valid.set(src.valid, start);
      else col.valid.fill(1, start, start + count);
    }
  }

  column(name: string): Column | undefined {
    let view = this.views.get(name);
    if (view) return view;
    const col = this.cols.get(name);
    if (!col) return undefined;
    view = {
      type: col.type,
      values: col.typed ? col.typed.subarray(0, this.rows * col.width) : col.list!,
    };
    if (col.elementType !== undefined) view.elementType = col.elementType;
    if (col.dim !== undefined) view.dim = col.dim;
    if (col.valid) view.valid = col.valid.subarray(0, this.rows);
    this.views.set(name, view);
    return view;
  }

  vectorSet(): VectorSet {
    if (this.cachedVectors?.rows !== this.rows) {
      const field = this.cols.get(this.vectorName)!.field;
      this.cachedVectors = { rows: this.rows, set: vectorSetOf(field, this.column(this.vectorName)!) };
    }
    return this.cachedVectors.set;
  }

  timestamps(): Float64Array {
    return this.ts.subarray(0, this.rows);
  }

  insertTimes(): Float64Array {
    return this.inserted.subarray(0, this.rows);
  }

  /** Live rows as columns (deleted rows dropped) plus their timestamps and insert times, for sealing. */
  snapshotLive(): RowSet {
    const keep: number[] = [];
    for (let i = 0; i < this.rows; i++) if (!this.deletedBits[i]) keep.push(i);
    const columns = new Map<string, Column>();
    for (const name of this.cols.keys()) {
      columns.set(name, selectRows(this.column(name)!, keep));
    }
    const ts = Float64Array.from(keep, (r) => this.ts[r]!);
    const inserted = Float64Array.from(keep, (r) => this.inserted[r]!);
    return { rows: keep.length, columns, ts, inserted };
  }
}

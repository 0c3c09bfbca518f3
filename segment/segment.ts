import type { Column, ColumnBatch, PrimaryKey } from '../core/columns.js';
import type { CollectionSchema, FieldSchema } from '../core/schema.js';
import type { VectorIndex, VectorSet } from '../engine/engine.js';

/**
 * A segment as search and query see it: columnar rows with a primary key, a write
 * timestamp per row (the log sequence number of the insert) and a deletion bitmap. Both
 * growing (in-memory, appendable) and sealed (loaded from shared storage) segments are this.
 *
 * Delete semantics follow Milvus: a delete of key k at time T removes the rows with key k
 * written before T; an upsert is a delete and an insert at the same time, so the new row
 * survives its own delete.
 *
 * Each row also has its insert time (wall clock, unix ms; NaN when unknown: rows written before
 * Mishards recorded it), which a collection TTL compares to: a row inserted before the
 * request's expiry time has expired and no read sees it, as in Milvus.
 */
export abstract class Segment implements ColumnBatch {
  /** Row offsets per key; most keys have one row, duplicates (plain re-inserts) more. */
  protected readonly pkIndex = new Map<PrimaryKey, number | number[]>();
  protected deletedBits: Uint8Array;
  protected deletedRows = 0;
  /** liveMask() result, kept until the next delete or append. */
  protected cachedLiveMask: Uint8Array | undefined;
  /** The earliest known insert time, kept until the next append. */
  protected cachedOldestInsert: number | undefined;

  constructor(
    readonly id: number,
    readonly collectionId: number,
    readonly partitionId: number,
    readonly schema: CollectionSchema,
    protected readonly pkName: string,
    capacity: number,
  ) {
    this.deletedBits = new Uint8Array(capacity);
  }

  abstract get length(): number;
  abstract column(name: string): Column | undefined;
  /** The vectors of rows [0, length), as the engine reads them. */
  abstract vectorSet(): VectorSet;
  /** Write timestamp of each row. */
  abstract timestamps(): Float64Array;
  /** Insert time of each row, unix ms (NaN: unknown). */
  abstract insertTimes(): Float64Array;
  /**
   * Gives the segment a column for a field added to the schema after its rows were written:
   * each row reads the field's default value, or null (see absentColumn). A field it has
   * already is left alone.
   */
  abstract addField(field: FieldSchema): void;
  /** The vector index, for sealed segments that have one. */
  index(): VectorIndex | undefined {
    return undefined;
  }

  pk(row: number): PrimaryKey {
    return this.pkValues()[row]!;
  }

  /** The primary key of every row (of a growing segment: its rows so far, and room for more). */
  pkValues(): ArrayLike<PrimaryKey> {
    return this.column(this.pkName)!.values as ArrayLike<PrimaryKey>;
  }

  protected indexKey(pk: PrimaryKey, row: number): void {
    const prev = this.pkIndex.get(pk);
    if (prev === undefined) this.pkIndex.set(pk, row);
    else if (typeof prev === 'number') this.pkIndex.set(pk, [prev, row]);
    else prev.push(row);
  }

  rowsOf(pk: PrimaryKey): number[] {
    const r = this.pkIndex.get(pk);
    return r === undefined ? [] : typeof r === 'number' ? [r] : r;
  }

  hasKey(pk: PrimaryKey): boolean {
    return this.pkIndex.has(pk);
  }

  /** Marks the rows of `pk` written before `ts` deleted; returns how many were newly deleted. */
  applyDelete(pk: PrimaryKey, ts: number): number {
    const rows = this.pkIndex.get(pk);
    if (rows === undefined) return 0;
    const times = this.timestamps();
    let n = 0;
    for (const row of typeof rows === 'number' ? [rows] : rows) {
      if (times[row]! < ts && !this.deletedBits[row]) {
        this.deletedBits[row] = 1;
        n++;
      }
    }
    this.deletedRows += n;
    if (n) this.cachedLiveMask = undefined;
    return n;
  }

  isDeleted(row: number): boolean {
    return this.deletedBits[row] === 1;
  }

  get liveRows(): number {
    return this.length - this.deletedRows;
  }

  get hasDeletes(): boolean {
    return this.deletedRows > 0;
  }

  /**
   * The rows a read may see, as a 0/1 mask: not deleted and, with a collection TTL, not
   * expired (inserted before `expireBefore`, unix ms; 0 expires nothing). Undefined when every
   * row may be seen. Without expired rows it is liveMask's shared mask: callers must not
   * modify it.
   */
  visibleRows(expireBefore = 0): Uint8Array | undefined {
    if (!this.expiresAny(expireBefore)) return this.hasDeletes ? this.liveMask() : undefined;
    const times = this.insertTimes();
    const out = this.hasDeletes ? this.liveMask().slice() : new Uint8Array(this.length).fill(1);
    for (let i = 0; i < out.length; i++) if (times[i]! < expireBefore) out[i] = 0;
    return out;
  }

  /** Whether a row has expired at `expireBefore` (see visibleRows). */
  isExpired(row: number, expireBefore: number): boolean {
    return expireBefore > 0 && this.insertTimes()[row]! < expireBefore;
  }

  private expiresAny(expireBefore: number): boolean {
    if (expireBefore <= 0 || this.length === 0) return false;
    if (this.cachedOldestInsert === undefined) {
      let oldest = Number.POSITIVE_INFINITY;
      // NaN (unknown) compares false: such rows never expire.
      for (const t of this.insertTimes()) if (t < oldest) oldest = t;
      this.cachedOldestInsert = oldest;
    }
    return this.cachedOldestInsert < expireBefore;
  }

  /**
   * Rows not deleted, as a 0/1 mask of length `length`. Shared and cached until the next
   * change: callers must not modify it.
   */
  liveMask(): Uint8Array {
    if (this.cachedLiveMask && this.cachedLiveMask.length === this.length) return this.cachedLiveMask;
    const n = this.length;
    const out = new Uint8Array(n);
    const del = this.deletedBits;
    for (let i = 0; i < n; i++) out[i] = del[i] ? 0 : 1;
    this.cachedLiveMask = out;
    return out;
  }
}

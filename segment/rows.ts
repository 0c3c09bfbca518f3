import { columnRows, rowWidth, typedArrayFor, type Column, type ColumnValues } from '../core/columns.js';
import { wkbFromWkt } from '../core/geometry.js';
import { DataType, type CollectionSchema, type FieldSchema } from '../core/schema.js';
import type { Segment } from './segment.js';

/**
 * Rows copied out of segments: the live rows of a growing segment when it is sealed, the live
 * rows of several sealed segments when a compaction merges them.
 */

/**
 * The column of `rows` rows written before `field` was added to the schema (AddCollectionField,
 * or the dynamic field of a collection that gained one): every row holds the field's default
 * value when it has one, else null (a nullable field's rows invalid, other fields' rows null).
 */
export function absentColumn(field: FieldSchema, rows: number): Column {
  // A geometry's default is kept as its WKT (what Describe shows); its rows hold WKB.
  const fallback =
    field.dataType === DataType.Geometry && field.defaultValue !== undefined ? wkbFromWkt(String(field.defaultValue)) : field.defaultValue;
  const ctor = typedArrayFor(field.dataType);
  const col: Column = { type: field.dataType, values: [] };
  if (field.elementType !== undefined) col.elementType = field.elementType;
  if (ctor) {
    const values = new ctor(rows);
    if (fallback !== undefined) {
      // Int64 and Timestamptz defaults are bigints, which fill a BigInt64Array as they are.
      const v = typeof fallback === 'bigint' ? fallback : Number(fallback);
      (values as unknown as { fill(v: unknown): void }).fill(v);
    }
    col.values = values;
  } else {
    col.values = new Array<unknown>(rows).fill(fallback ?? null);
  }
  if (field.nullable) col.valid = new Uint8Array(rows).fill(fallback === undefined ? 0 : 1);
  return col;
}

/** A copy of `col` holding only `rows`, in order. */
export function selectRows(col: Column, rows: number[]): Column {
  const out: Column = { type: col.type, values: [] };
  if (col.elementType !== undefined) out.elementType = col.elementType;
  if (col.dim !== undefined) out.dim = col.dim;
  if (ArrayBuffer.isView(col.values)) {
    const width = rowWidth(col.type, col.dim);
    const src = col.values as Float32Array;
    const dst = new (src.constructor as Float32ArrayConstructor)(rows.length * width);
    for (const [i, r] of rows.entries()) dst.set(src.subarray(r * width, (r + 1) * width), i * width);
    out.values = dst;
  } else {
    const src = col.values as unknown[];
    out.values = rows.map((r) => src[r]);
  }
  if (col.valid) out.valid = Uint8Array.from(rows, (r) => col.valid![r]!);
  return out;
}

/** The columns of `parts`, one after the other (every part of the same field). */
export function concatColumns(parts: Column[]): Column {
  const first = parts[0]!;
  const out: Column = { type: first.type, values: [] };
  if (first.elementType !== undefined) out.elementType = first.elementType;
  if (first.dim !== undefined) out.dim = first.dim;
  if (ArrayBuffer.isView(first.values)) {
    const total = parts.reduce((n, p) => n + (p.values as Float32Array).length, 0);
    const dst = new ((first.values as Float32Array).constructor as Float32ArrayConstructor)(total);
    let at = 0;
    for (const p of parts) {
      dst.set(p.values as Float32Array, at);
      at += (p.values as Float32Array).length;
    }
    out.values = dst as ColumnValues;
  } else {
    out.values = parts.flatMap((p) => p.values as unknown[]);
  }
  if (parts.some((p) => p.valid)) {
    const rows = (p: Column) => (p.valid ? p.valid.length : columnRows(p));
    out.valid = new Uint8Array(parts.reduce((n, p) => n + rows(p), 0));
    let at = 0;
    for (const p of parts) {
      if (p.valid) out.valid.set(p.valid, at);
      else out.valid.fill(1, at, at + rows(p));
      at += rows(p);
    }
  }
  return out;
}

/** Live rows of one segment: `live[i]` is 1 for each row to keep. */
export interface LiveRows {
  segment: Segment;
  live: Uint8Array;
}

/** Rows as columns with their write timestamps and insert times: what a segment file holds. */
export interface RowSet {
  rows: number;
  columns: Map<string, Column>;
  ts: Float64Array;
  inserted: Float64Array;
}

/**
 * The kept rows of several segments of one collection as one set of columns (every schema
 * field; a field a segment does not store reads as absentColumn says), with their write
 * timestamps and insert times, in segment order.
 */
export function gatherRows(schema: CollectionSchema, parts: LiveRows[]): RowSet {
  const kept = parts.map(({ live }) => {
    const rows: number[] = [];
    for (let i = 0; i < live.length; i++) if (live[i]) rows.push(i);
    return rows;
  });
  const rows = kept.reduce((n, k) => n + k.length, 0);
  const columns = new Map<string, Column>();
  for (const field of schema.fields) {
    const selected = parts.map(({ segment }, i) => {
      const col = segment.column(field.name) ?? absentColumn(field, segment.length);
      return selectRows(col, kept[i]!);
    });
    columns.set(field.name, concatColumns(selected));
  }
  const ts = new Float64Array(rows);
  const inserted = new Float64Array(rows);
  let at = 0;
  parts.forEach(({ segment }, i) => {
    const times = segment.timestamps();
    const insertTimes = segment.insertTimes();
    for (const r of kept[i]!) {
      ts[at] = times[r]!;
      inserted[at++] = insertTimes[r]!;
    }
  });
  return { rows, columns, ts, inserted };
}

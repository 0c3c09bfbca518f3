import { endianness } from 'node:os';
import { bytesOf, rowWidth, typedArrayFor } from '../core/columns.js';
import { DataType, primaryField, type CollectionSchema, type FieldSchema } from '../core/schema.js';
import type { PartialColumn, PartialColumn__Output } from '../proto/generated/mishards/data/PartialColumn.js';
import type { PartialResult, PartialResult__Output } from '../proto/generated/mishards/data/PartialResult.js';
import type { FieldData__Output } from '../proto/generated/milvus/proto/schema/FieldData.js';
import { fieldKey, type FieldKey } from '../search/field-keys.js';
import type { Hit } from '../search/hits.js';
import { FieldDataMessage } from './proto.js';
import { encodeField, fieldColumn, outputColumns, resolveOutputFields, scalarKey, type OutputColumn } from './results.js';
import { dataTypeName, parseDataType } from './schema-codec.js';

/**
 * A data node's partial answer (`mishards.data.PartialResult`, see proto/mishards/data_node.proto):
 * written by the node straight from its columns' typed arrays, read by the coordinator as
 * typed-array views of the received bytes. Keys, scores, write stamps and fixed-width columns
 * are never turned into per-row values on the way; VarChar, JSON, Array, nullable and dynamic
 * columns travel as a Milvus `FieldData`.
 */

// Typed arrays use the platform's byte order; the format is little-endian.
if (endianness() !== 'LE') throw new Error('partial results are little-endian; this platform is big-endian');

/** Bytes per row of a column sent as fixed-width values, or undefined for one sent as `FieldData`. */
function fixedRowBytes(type: DataType, dim: number, nullable: boolean): number | undefined {
  const typed = typedArrayFor(type);
  if (!typed || nullable) return undefined;
  return typed.BYTES_PER_ELEMENT * rowWidth(type, dim);
}

function encodeColumn(c: OutputColumn, hits: Hit[]): PartialColumn {
  const f: FieldSchema = c.field;
  const header = { field_name: f.name, field_id: String(f.fieldId), type: dataTypeName(f.dataType), is_dynamic: f.isDynamic };
  const rowBytes = f.isDynamic ? undefined : fixedRowBytes(f.dataType, f.dim ?? 1, Boolean(f.nullable));
  if (rowBytes === undefined) return { ...header, field_data: FieldDataMessage.encode(encodeField(f, hits, c.value)) };
  const out = new Uint8Array(hits.length * rowBytes);
  hits.forEach((h, i) => {
    const values = h.segment.column(f.name)!.values as ArrayBufferView;
    out.set(new Uint8Array(values.buffer, values.byteOffset + h.row * rowBytes, rowBytes), i * rowBytes);
  });
  return { ...header, dim: String(f.dim ?? 0), fixed: out };
}

/** Fields whose values a partial answer carries besides its output columns, for the coordinator to merge by. */
export interface PartialKeyFields {
  /** A grouping search's group_by field. */
  group?: FieldSchema | undefined;
  /** The order_by fields, in order. */
  order?: FieldSchema[] | undefined;
}

/**
 * The partial answer of a search (each query's hits in order) or a query (one list): unrounded
 * scores (the coordinator merges them), write stamps, the requested output columns and the
 * values of `keys`.
 */
export function encodePartial(
  schema: CollectionSchema,
  outputFields: string[],
  perQuery: Hit[][],
  keys: PartialKeyFields = {},
): PartialResult {
  const hits = perQuery.flat();
  const scores = new Float32Array(hits.length);
  const timestamps = new Float64Array(hits.length);
  hits.forEach((h, i) => {
    scores[i] = h.score;
    timestamps[i] = h.ts;
  });
  const intKeys = primaryField(schema).dataType === DataType.Int64;
  const selection = resolveOutputFields(schema, outputFields, true);
  return {
    topks: perQuery.map((q) => q.length),
    int_ids: intKeys ? bytesOf(BigInt64Array.from(hits, (h) => h.pk as bigint)) : new Uint8Array(0),
    str_ids: intKeys ? [] : hits.map((h) => h.pk as string),
    scores: bytesOf(scores),
    timestamps: bytesOf(timestamps),
    columns: outputColumns(schema, selection).map((c) => encodeColumn(c, hits)),
    group_values: keys.group ? encodeColumn(fieldColumn(keys.group), hits) : null,
    order_values: (keys.order ?? []).map((f) => encodeColumn(fieldColumn(f), hits)),
  };
}

/** A column of a received partial: fixed-width rows as bytes, or a decoded `FieldData`. */
export type ColumnView = { header: PartialColumn__Output } & (
  | { fixed: Buffer; rowBytes: number; fieldData?: undefined }
  | { fixed?: undefined; fieldData: FieldData__Output }
);

/** A received partial answer over typed-array views of its bytes. */
export interface PartialView {
  /** Rows per query. */
  topks: number[];
  /** The rows' primary keys: bigints for Int64 keys, strings for VarChar keys. */
  keys: BigInt64Array | string[];
  scores: Float32Array;
  timestamps: Float64Array;
  columns: ColumnView[];
  /** A grouping search's group values. */
  groupValues: ColumnView | undefined;
  /** The order_by fields' values, in order. */
  orderValues: ColumnView[];
}

/** Raised for a partial answer whose parts disagree: a node and the coordinator out of step. */
function malformed(what: string): Error {
  return new Error(`malformed partial answer from a data node: ${what}`);
}

/** A typed array's constructor, as a view over given bytes. */
interface ViewType<T> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/** `bytes` as a typed array: a view where aligned, else a copy (a received message may start anywhere). */
function typedView<T>(bytes: Buffer, type: ViewType<T>, rows: number, what: string): T {
  const size = type.BYTES_PER_ELEMENT;
  if (bytes.byteLength !== rows * size) throw malformed(`${what}: ${bytes.byteLength} bytes for ${rows} rows`);
  if (bytes.byteOffset % size === 0) return new type(bytes.buffer, bytes.byteOffset, rows);
  return new type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), 0, rows);
}

function columnView(c: PartialColumn__Output, rows: number): ColumnView {
  if (c.field_data) return { header: c, fieldData: FieldDataMessage.decode(c.field_data) };
  const rowBytes = fixedRowBytes(parseDataType(c.type), Number(c.dim), false);
  const fixed = c.fixed ?? Buffer.alloc(0);
  if (rowBytes === undefined || fixed.byteLength !== rows * rowBytes) {
    throw malformed(`column ${c.field_name} (${c.type}) has ${fixed.byteLength} bytes for ${rows} rows`);
  }
  return { header: c, fixed, rowBytes };
}

/** Reads a received partial answer; `intKeys` when the collection's primary key is Int64. */
export function readPartial(p: PartialResult__Output | null | undefined, intKeys: boolean): PartialView {
  if (!p) throw malformed('no partial result');
  const rows = p.topks.reduce((n, k) => n + k, 0);
  const keys = intKeys ? typedView(p.int_ids, BigInt64Array, rows, 'ids') : p.str_ids;
  if (keys.length !== rows) throw malformed(`${keys.length} keys for ${rows} rows`);
  return {
    topks: p.topks,
    keys,
    scores: typedView(p.scores, Float32Array, rows, 'scores'),
    timestamps: typedView(p.timestamps, Float64Array, rows, 'timestamps'),
    columns: p.columns.map((c) => columnView(c, rows)),
    groupValues: p.group_values ? columnView(p.group_values, rows) : undefined,
    orderValues: p.order_values.map((c) => columnView(c, rows)),
  };
}

/** Each row's key (search/field-keys.ts) in a received scalar column. */
export function columnKeys(c: ColumnView, rows: number): FieldKey[] {
  const type = parseDataType(c.header.type);
  if (c.fixed) {
    const values = typedView(c.fixed, typedArrayFor(type)! as ViewType<ArrayLike<number | bigint>>, rows, c.header.field_name);
    return Array.from(values, (v) => fieldKey(type, v));
  }
  const valid = c.fieldData.valid_data ?? [];
  const data = (c.fieldData.scalars?.[scalarKey[type] as 'long_data']?.data ?? []) as unknown[];
  return Array.from({ length: rows }, (_, i) => (valid.length && !valid[i] ? null : fieldKey(type, data[i])));
}

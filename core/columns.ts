import { DataType } from './schema.js';
import { denseRowWidth, vectorType } from './vector-types.js';

/**
 * Columnar row storage shared by the segments, the filter evaluator and the result
 * encoder. One representation per Milvus type, chosen so that hot filters run over
 * typed arrays:
 *
 * | DataType              | values                                   |
 * |-----------------------|------------------------------------------|
 * | Bool                  | Uint8Array (0 or 1)                      |
 * | Int8, Int16, Int32    | Int32Array                               |
 * | Int64                 | BigInt64Array (exact 64-bit values)      |
 * | Timestamptz           | BigInt64Array (UTC microseconds)         |
 * | Float                 | Float32Array                             |
 * | Double                | Float64Array                             |
 * | VarChar               | string[]                                 |
 * | JSON                  | unknown[] (parsed JSON; null when absent) |
 * | Array                 | unknown[][] (elements: boolean, number, string) |
 * | Geometry              | Uint8Array[]: each row's WKB (core/geometry.ts); empty for a null row |
 * | FloatVector           | Float32Array of length rows * dim        |
 * | Float16Vector, BFloat16Vector | Uint16Array of rows * dim (the bits) |
 * | Int8Vector            | Int8Array of rows * dim                  |
 * | BinaryVector          | Uint8Array of rows * dim / 8 (packed bits) |
 * | SparseFloatVector     | Uint8Array[]: each row as Milvus's wire form, little-endian (uint32 index, float32 value) pairs sorted by index |
 *
 * `valid` is present only for nullable fields: valid[i] === 0 means row i is null (its slot
 * in `values` holds a zero/empty placeholder).
 */
export type ColumnValues =
  | Uint8Array
  | Uint16Array
  | Int8Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array
  | string[]
  | unknown[];

export interface Column {
  type: DataType;
  /** Element type of Array columns. */
  elementType?: DataType;
  /** Dimension of dense vector columns. */
  dim?: number;
  values: ColumnValues;
  valid?: Uint8Array;
}

/** A set of rows in columnar form: a sealed segment, a growing segment, a test table. */
export interface ColumnBatch {
  readonly length: number;
  /** The column of a schema field by name (`$meta` for dynamic keys), if stored. */
  column(name: string): Column | undefined;
  /** The scalar index of a field's column, when the field is indexed and its index built (filter/scalar-index.ts). */
  scalarIndex?(name: string): ScalarIndex | undefined;
}

/** A column's non-null rows ordered by value, as the filter compares them (filter/scalar-index.ts builds it). */
export interface ScalarIndex {
  /** Non-null rows, ascending by value (ties by row). */
  readonly order: Int32Array;
  /** keys[i] is the value of row order[i]. */
  readonly keys: readonly unknown[];
}

/** Primary key values: Int64 keys are bigints, VarChar keys are strings. */
export type PrimaryKey = bigint | string;

/** Orders primary keys (of one type): numerically for Int64 keys, by code units for VarChar keys. */
export const comparePks = (a: PrimaryKey, b: PrimaryKey) => (a < b ? -1 : a > b ? 1 : 0);

type TypedValues = Uint8Array | Uint16Array | Int8Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

/** The typed-array constructor of a column type in the table above, with the usual constructor forms. */
export interface TypedArrayConstructor {
  new (length: number): TypedValues;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedValues;
  readonly BYTES_PER_ELEMENT: number;
}

/** The typed array holding a column type, or undefined for variable-length types. */
export function typedArrayFor(type: DataType): TypedArrayConstructor | undefined {
  switch (type) {
    case DataType.Bool:
    case DataType.BinaryVector:
      return Uint8Array;
    case DataType.Float16Vector:
    case DataType.BFloat16Vector:
      return Uint16Array;
    case DataType.Int8Vector:
      return Int8Array;
    case DataType.Int8:
    case DataType.Int16:
    case DataType.Int32:
      return Int32Array;
    case DataType.Int64:
    case DataType.Timestamptz:
      return BigInt64Array as unknown as TypedArrayConstructor;
    case DataType.Float:
    case DataType.FloatVector:
      return Float32Array;
    case DataType.Double:
      return Float64Array;
    default:
      return undefined;
  }
}

/**
 * Typed-array elements per row of a column stored in one typed array: a dense vector's row
 * width (dim, or dim / 8 bytes of a binary vector), 1 for a scalar.
 */
export function rowWidth(type: DataType, dim: number | undefined): number {
  const v = vectorType(type);
  return v && v.element !== 'sparse' ? denseRowWidth(v.element, dim!) : 1;
}

/**
 * Whether a column stores each row as bytes of its own (a Uint8Array per row): a sparse
 * vector's pairs, a geometry's WKB.
 */
export const storesByteRows = (type: DataType): boolean => type === DataType.SparseFloatVector || type === DataType.Geometry;

/** Rows of a column. */
export function columnRows(c: Column): number {
  return c.values.length / rowWidth(c.type, c.dim);
}

/** The bytes of a typed array, not copied. */
export const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** A ColumnBatch over a plain map of columns. */
export class ColumnMap implements ColumnBatch {
  constructor(
    readonly length: number,
    private readonly columns: Map<string, Column>,
  ) {}

  column(name: string): Column | undefined {
    return this.columns.get(name);
  }

  names(): string[] {
    return [...this.columns.keys()];
  }
}

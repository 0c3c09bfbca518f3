import { bytesOf, type Column } from '../core/columns.js';
import { bfloat16IsNotFinite, float16IsNotFinite, float32ToBFloat16, float32ToFloat16 } from '../core/half-float.js';
import { DataType, type FieldSchema } from '../core/schema.js';
import { denseElementBytes, denseRowWidth, vectorTypeOf, type DenseElement, type VectorType } from '../core/vector-types.js';
import { newDense, rowCount, sparseSetFromRows, type DenseValues, type VectorSet } from '../engine/vectors.js';
import type { VectorField } from '../proto/generated/milvus/proto/schema/VectorField.js';
import type { OutgoingFieldData } from './result-fields.js';
import { invalidParameter } from './status.js';

/**
 * The vector types on the wire: an insert's `schema.VectorField` payload into a column, a
 * search's placeholder values into the engine's query set, and a column's rows back into a
 * `VectorField` for results. Validation follows Milvus's proxy (validate_util.go, typeutil),
 * with its messages:
 *
 * | type              | VectorField member            | one row on the wire                         |
 * |-------------------|-------------------------------|---------------------------------------------|
 * | FloatVector       | float_vector (packed floats)  | dim float32                                 |
 * | Float16Vector     | float16_vector (bytes)        | dim IEEE halves, little-endian              |
 * | BFloat16Vector    | bfloat16_vector (bytes)       | dim bfloat16s, little-endian                |
 * | Int8Vector        | int8_vector (bytes)           | dim int8                                    |
 * | BinaryVector      | binary_vector (bytes)         | dim / 8 bytes, bits packed                  |
 * | SparseFloatVector | sparse_float_vector.contents  | (uint32 index, float32 value) pairs, LE, indices strictly ascending |
 */

/** What the writer's Insert decoder and grpc-js hand over as a VectorField (float vectors possibly a Float32Array). */
export type IncomingVectors = Omit<VectorField, 'float_vector' | 'dim' | 'sparse_float_vector'> & {
  dim?: string | number | null;
  float_vector?: { data: number[] | Float32Array } | null;
  sparse_float_vector?: { contents: Uint8Array[]; dim?: string | number | null } | null;
};

/** merr.WrapErrParameterInvalid's shape: `msg: invalid parameter[expected=...][actual=...]`. */
const invalidWith = (msg: string, expected: string, actual: string) =>
  invalidParameter(`${msg}: invalid parameter[expected=${expected}][actual=${actual}]`);

/** The refusal of a payload of the wrong kind (or none), in the words of Milvus's check for each type. */
function missingPayload(t: VectorType, field: string): Error {
  switch (t.element) {
    case 'float32':
      return invalidWith(`float vector field '${field}' is illegal, array type mismatch`, 'need float vector', 'got nil');
    case 'float16':
      return invalidWith(`float16 float field '${field}' is illegal, nil Vector_Float16 type`, 'need vector_float16 array', 'got nil');
    case 'bfloat16':
      return invalidWith(`bfloat16 float field '${field}' is illegal, nil Vector_BFloat16 type`, 'need vector_bfloat16 array', 'got nil');
    case 'int8':
      return invalidWith(`int8 vector field '${field}' is illegal, nil Vector_Int8 type`, 'need vector_int8 array', 'got nil');
    case 'binary':
      return invalidWith(`binary float vector field '${field}' is illegal, array type mismatch`, 'need bytes array', 'got nil');
    case 'sparse':
      return invalidWith(`sparse float field '${field}' is illegal, nil SparseFloatVector`, 'need sparse float array', 'got nil');
  }
}

/** Go's %f of a float32 value, as VerifyFloat's refusal prints it. */
const goFloat = (v: number) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : v.toFixed(6));

/**
 * Checks sparse rows as Milvus's typeutil.ValidateSparseFloatRows does: whole pairs, indices
 * below 2^32 - 1 and strictly ascending, values finite and not negative.
 */
export function validateSparseRows(rows: readonly Uint8Array[]): void {
  for (const row of rows) {
    if (row.length % 8 !== 0) throw invalidParameter(`invalid data length in sparse float vector: ${row.length}`);
    const view = new DataView(row.buffer, row.byteOffset, row.byteLength);
    let previous = -1;
    for (let at = 0; at < row.length; at += 8) {
      const index = view.getUint32(at, true);
      if (index === 0xffffffff) throw invalidParameter('invalid index in sparse float vector: must be less than 2^32-1');
      if (index <= previous) throw invalidParameter('unsorted or same indices in sparse float vector');
      previous = index;
      const value = view.getFloat32(at + 4, true);
      if (!Number.isFinite(value)) throw invalidParameter(`value '${goFloat(value)}' is not a number or infinity`);
      if (value < 0) throw invalidParameter('negative value in sparse float vector');
    }
  }
}

/** Refuses float16 and bfloat16 rows holding NaN or infinity, as Milvus does (VerifyFloats16, VerifyBFloats16). */
function checkHalves(element: 'float16' | 'bfloat16', halves: Uint16Array): void {
  const notFinite = element === 'float16' ? float16IsNotFinite : bfloat16IsNotFinite;
  for (let i = 0; i < halves.length; i++) {
    if (notFinite(halves[i]!)) throw invalidParameter(`${element} vector contain nan or infinity value.`);
  }
}

/** Refuses float32 values that are NaN or infinite (Milvus's VerifyFloats32). */
function checkFloats(values: Float32Array, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw invalidParameter(`${what} contains NaN or Inf`);
  }
}

/** `bytes` as a typed array of the element's kind, in a buffer of its own (the request's is not kept). */
function denseFromBytes(element: DenseElement, bytes: Uint8Array): DenseValues {
  const out = newDense(element, bytes.length / denseElementBytes(element));
  bytesOf(out).set(bytes);
  return out;
}

/** A copy of a sparse row, aligned in a buffer of its own. */
const ownRow = (row: Uint8Array) => Uint8Array.from(row);

/**
 * The column of a vector field from an insert's payload: `rows` rows of the field's type,
 * each checked as Milvus checks it.
 */
export function decodeVectorColumn(v: IncomingVectors | null | undefined, field: FieldSchema, rows: number): Column {
  const t = vectorTypeOf(field);
  const name = field.name;
  const payload = v?.data === t.payload ? v[t.payload] : undefined;
  if (!v || payload === undefined || payload === null) throw missingPayload(t, name);
  if (t.element === 'sparse') {
    const contents = (payload as { contents: Uint8Array[] }).contents ?? [];
    if (contents.length !== rows) {
      throw invalidParameter(`the num_rows (${contents.length}) of field (${name}) is not equal to passed num_rows (${rows})`);
    }
    validateSparseRows(contents);
    return { type: field.dataType, values: contents.map(ownRow) };
  }
  const dim = field.dim!;
  const sentDim = Number(v.dim ?? 0);
  if (sentDim !== dim) throw invalidParameter(`the dim (${sentDim}) of field data(${name}) is not equal to schema dim (${dim})`);
  const width = denseRowWidth(t.element, dim);
  let values: DenseValues;
  if (t.element === 'float32') {
    const data = (payload as { data: number[] | Float32Array }).data ?? [];
    // The Insert decoder's array is already a copy of our own; the generic decoding's numbers are not.
    values = data instanceof Float32Array ? data : new Float32Array(data);
  } else {
    const bytes = payload as Uint8Array;
    const rowBytes = width * denseElementBytes(t.element);
    if (bytes.length % rowBytes !== 0) {
      throw invalidParameter(
        `the length (${bytes.length}) of ${t.payload} of field ${name} is not a multiple of ${rowBytes} bytes (dim ${dim})`,
      );
    }
    values = denseFromBytes(t.element, bytes);
  }
  const sent = values.length / width;
  if (sent !== rows) throw invalidParameter(`the num_rows (${sent}) of field (${name}) is not equal to passed num_rows (${rows})`);
  if (t.element === 'float32') checkFloats(values as Float32Array, `float vector field ${name}`);
  if (t.element === 'float16' || t.element === 'bfloat16') checkHalves(t.element, values as Uint16Array);
  return { type: field.dataType, dim, values };
}

/** Rows in an insert's vector payload, when no other field says (0 if it holds none of the type's data). */
export function payloadRows(v: IncomingVectors): number {
  if (v.data === 'sparse_float_vector') return v.sparse_float_vector?.contents?.length ?? 0;
  const dim = Number(v.dim) || 1;
  if (v.data === 'float_vector') return (v.float_vector?.data?.length ?? 0) / dim;
  const bytes = v.data ? (v[v.data] as Uint8Array | undefined) : undefined;
  if (!bytes) return 0;
  const perRow = { binary_vector: dim / 8, float16_vector: dim * 2, bfloat16_vector: dim * 2, int8_vector: dim }[v.data as string] ?? 1;
  return bytes.length / perRow;
}

/** Query vectors as a placeholder carries them: its type's name and one value (bytes) per query. */
export interface QueryPlaceholder {
  type: string;
  values: Uint8Array[];
}

/** Float32 queries for a float16 or bfloat16 field, converted to its type (Milvus's proxy does the same). */
function convertedFloatQueries(element: 'float16' | 'bfloat16', values: readonly Uint8Array[], dim: number): Uint16Array {
  const convert = element === 'float16' ? float32ToFloat16 : float32ToBFloat16;
  const out = new Uint16Array(values.length * dim);
  values.forEach((v, q) => {
    const view = new DataView(v.buffer, v.byteOffset, v.byteLength);
    for (let d = 0; d < dim; d++) {
      const x = view.getFloat32(d * 4, true);
      if (!Number.isFinite(x)) throw invalidParameter(`query vector ${q} contains NaN or Inf`);
      out[q * dim + d] = convert(x);
    }
  });
  return out;
}

/**
 * The query vectors of a search on `field`, checked: of the field's type (float32 queries are
 * also taken for float16 and bfloat16 fields), each of the field's dimension.
 */
export function decodeQueries(ph: QueryPlaceholder, field: FieldSchema): VectorSet {
  const t = vectorTypeOf(field);
  const { values } = ph;
  if (values.length === 0) throw invalidParameter('search request carries no query vectors (nq = 0)');
  const fromFloats = ph.type === 'FloatVector' && (t.element === 'float16' || t.element === 'bfloat16');
  if (ph.type !== typeName(t) && !fromFloats) {
    throw invalidParameter(`query vectors of type ${ph.type} cannot search field ${field.name} of type ${typeName(t)}`);
  }
  if (t.element === 'sparse') {
    validateSparseRows(values);
    return sparseSetFromRows(values.map(ownRow));
  }
  const dim = field.dim!;
  const width = denseRowWidth(t.element, dim);
  const rowBytes = width * (fromFloats ? 4 : denseElementBytes(t.element));
  values.forEach((v, q) => {
    if (v.length !== rowBytes) {
      const sentDim = (v.length / rowBytes) * dim;
      throw invalidParameter(`vector dimension mismatch: query ${q} has dim ${sentDim}, the collection's vector field has dim ${dim}`);
    }
  });
  let set: DenseValues;
  if (fromFloats) set = convertedFloatQueries(t.element as 'float16' | 'bfloat16', values, dim);
  else {
    set = newDense(t.element, values.length * width);
    // One block copy per vector (the platform is little-endian, as the wire is).
    const bytes = bytesOf(set);
    values.forEach((v, q) => {
      bytes.set(v, q * rowBytes);
    });
  }
  if (t.element === 'float32') checkFloats(set as Float32Array, 'query vector');
  if ((t.element === 'float16' || t.element === 'bfloat16') && !fromFloats) checkHalves(t.element, set as Uint16Array);
  return { element: t.element, dim, values: set };
}

/** The name of a vector type, as Milvus's DataType and PlaceholderType enums spell it. */
const typeName = (t: VectorType) => DataType[t.dataType];

/** Sparse rows' dimension on the wire: the highest index + 1 over the rows (0 with no entries). */
export function sparseDim(rows: readonly Uint8Array[]): number {
  let dim = 0;
  for (const row of rows) {
    if (row.length < 8) continue;
    const last = new DataView(row.buffer, row.byteOffset, row.byteLength).getUint32(row.length - 8, true);
    dim = Math.max(dim, last + 1);
  }
  return dim;
}

/**
 * The `VectorField` of result rows: `rows` are the values read from the column, one per hit
 * (a typed-array row of a dense vector, a Uint8Array of a sparse one). Float vectors are one
 * Float32Array, for a serializer that writes it as a block (result-fields.ts).
 */
export function encodeVectorRows(field: FieldSchema, rows: readonly ArrayBufferView[]): NonNullable<OutgoingFieldData['vectors']> {
  const t = vectorTypeOf(field);
  if (t.element === 'sparse') {
    const contents = rows as Uint8Array[];
    const dim = String(sparseDim(contents));
    return { dim, sparse_float_vector: { dim, contents } };
  }
  const dim = field.dim!;
  const width = denseRowWidth(t.element, dim);
  const out = newDense(t.element, rows.length * width);
  rows.forEach((r, i) => {
    out.set(r as never, i * width);
  });
  if (t.element === 'float32') return { dim: String(dim), float_vector: { data: out as Float32Array } };
  return { dim: String(dim), [t.payload]: bytesOf(out) };
}

/** Each query of a set in its type's wire form, as a placeholder's values carry them. */
export function queryValues(set: VectorSet): Uint8Array[] {
  const rows = rowCount(set);
  if (set.element === 'sparse') {
    return Array.from({ length: rows }, (_, q) => {
      const start = set.offsets[q]!;
      const end = set.offsets[q + 1]!;
      const out = new Uint8Array((end - start) * 8);
      const view = new DataView(out.buffer);
      for (let j = start; j < end; j++) {
        view.setUint32((j - start) * 8, set.ids[j]!, true);
        view.setFloat32((j - start) * 8 + 4, set.weights[j]!, true);
      }
      return out;
    });
  }
  const bytes = bytesOf(set.values);
  const rowBytes = bytes.length / Math.max(1, rows);
  return Array.from({ length: rows }, (_, q) => bytes.slice(q * rowBytes, (q + 1) * rowBytes));
}

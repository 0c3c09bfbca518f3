import { float32ToBFloat16, float32ToFloat16 } from '../../core/half-float.js';
import { DataType } from '../../core/schema.js';
import { denseElementBytes, denseRowWidth, vectorType, type VectorType } from '../../core/vector-types.js';
import type { ResultFieldData } from '../../milvus/result-fields.js';
import { sparseDim, validateSparseRows } from '../../milvus/vector-codecs.js';
import type { FieldData } from '../../proto/generated/milvus/proto/schema/FieldData.js';
import type { FieldSchema__Output } from '../../proto/generated/milvus/proto/schema/FieldSchema.js';

/**
 * Vector values in REST v2's JSON, as Milvus's HTTP server reads and writes them
 * (httpserver/utils.go):
 *
 * | type              | in (insert rows, search `data`)                         | out (query, search)          |
 * |-------------------|---------------------------------------------------------|------------------------------|
 * | FloatVector       | array of numbers                                        | array of numbers             |
 * | Float16Vector     | array of numbers (converted), or base64 of the LE bytes | base64 of the LE bytes       |
 * | BFloat16Vector    | as Float16Vector                                        | base64 of the LE bytes       |
 * | Int8Vector        | array of integers in [-128, 127]                        | base64 of the bytes          |
 * | BinaryVector      | base64 of the packed bits, or array of bytes            | base64 of the packed bits    |
 * | SparseFloatVector | `{"index": value}` or `{"indices": [...], "values": [...]}` | `{"index": value}`       |
 *
 * Milvus decodes with Go's encoding/json, so a value of the wrong JSON kind is refused with
 * Go's words ("json: cannot unmarshal string into Go value of type float32"), and the byte
 * forms are Go's `[]byte`: a standard base64 string or an array of numbers 0-255.
 * Conversions and checks beyond the JSON shape are milvus/vector-codecs.ts's and
 * core/half-float.ts's, as for gRPC.
 */

/** A value Milvus's REST layer refuses, with its reason (the caller adds the envelope). */
export class VectorValueError extends Error {}

/** The vector type of a described field, or undefined for a scalar field. */
export const restVectorType = (field: FieldSchema__Output): VectorType | undefined =>
  vectorType(DataType[field.data_type as keyof typeof DataType]);

const typeName = (t: VectorType) => DataType[t.dataType];

/** merr.WrapErrParameterInvalid's shape: `msg: invalid parameter[expected=...][actual=...]`. */
const invalidWith = (t: VectorType, actual: unknown, msg: string) =>
  new VectorValueError(`${msg}: invalid parameter[expected=${typeName(t)}][actual=${JSON.stringify(actual)}]`);

/** The JSON kind of a value, as Go's decoder names it in its refusals. */
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;
}

/** Go's refusal of a JSON value it cannot decode into `goType`. */
const cannotUnmarshal = (v: unknown, goType: string) =>
  `json: cannot unmarshal ${typeof v === 'number' ? `number ${v}` : jsonKind(v)} into Go value of type ${goType}`;

/** Numbers as Go decodes a JSON array into []float32: each finite in float32. */
function floatList(v: unknown): number[] | string {
  if (!Array.isArray(v)) return cannotUnmarshal(v, '[]float32');
  for (const x of v) {
    if (typeof x !== 'number' || !Number.isFinite(Math.fround(x))) return cannotUnmarshal(x, 'float32');
  }
  return v as number[];
}

/** Integers as Go decodes a JSON array into []int8 or []uint8 (only the latter takes base64 text). */
function integerList(v: unknown, goType: 'int8' | 'uint8', min: number, max: number): number[] | string {
  if (!Array.isArray(v)) return cannotUnmarshal(v, `[]${goType}`);
  for (const x of v) {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) return cannotUnmarshal(x, goType);
  }
  return v as number[];
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Bytes as Go decodes a JSON value into []byte: standard base64 text, or an array of numbers 0-255. */
function byteList(v: unknown): Uint8Array | string {
  if (typeof v === 'string') {
    if (!BASE64.test(v)) {
      // Go's decoder reports the offset of the first character (or group) it cannot take.
      const bad = v.search(/[^A-Za-z0-9+/=]/);
      return `illegal base64 data at input byte ${bad === -1 ? v.length - (v.length % 4 || 4) : bad}`;
    }
    return new Uint8Array(Buffer.from(v, 'base64'));
  }
  const list = integerList(v, 'uint8', 0, 255);
  return typeof list === 'string' ? list : Uint8Array.from(list);
}

/** float32 values as the little-endian bytes of a float16 or bfloat16 vector (ties to even). */
function halfBytes(element: 'float16' | 'bfloat16', values: readonly number[]): Uint8Array {
  const convert = element === 'float16' ? float32ToFloat16 : float32ToBFloat16;
  const halves = Uint16Array.from(values, convert);
  return new Uint8Array(halves.buffer);
}

/** float32 values as little-endian bytes (a FloatVector query). */
const floatBytes = (values: readonly number[]) => new Uint8Array(Float32Array.from(values).buffer);

/** A sparse row from `{"index": value}` or `{"indices": [...], "values": [...]}`, sorted by index and checked. */
function sparseRow(t: VectorType, v: unknown): Uint8Array {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw invalidWith(t, v, cannotUnmarshal(v, 'map[string]interface {}'));
  }
  const o = v as Record<string, unknown>;
  let pairs: [unknown, unknown][];
  if ('indices' in o || 'values' in o) {
    const { indices, values } = o;
    if (!Array.isArray(indices) || !Array.isArray(values)) throw invalidWith(t, v, 'indices and values of a sparse vector must be arrays');
    if (indices.length !== values.length) throw invalidWith(t, v, 'indices and values of a sparse vector must have the same length');
    pairs = indices.map((index, j) => [index, values[j]]);
  } else {
    // Keys are the indices as decimal text.
    pairs = Object.entries(o).map(([k, value]) => [/^\d+$/.test(k) ? Number(k) : k, value]);
  }
  for (const [index, value] of pairs) {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= 2 ** 32) {
      throw invalidWith(t, v, `invalid index ${JSON.stringify(index)} in sparse float vector: must be an integer in [0, 2^32-1)`);
    }
    if (typeof value !== 'number')
      throw invalidWith(t, v, `invalid value ${JSON.stringify(value)} in sparse float vector: must be a number`);
  }
  pairs.sort((a, b) => (a[0] as number) - (b[0] as number));
  const row = new Uint8Array(pairs.length * 8);
  const view = new DataView(row.buffer);
  pairs.forEach(([index, value], j) => {
    view.setUint32(j * 8, index as number, true);
    view.setFloat32(j * 8 + 4, value as number, true);
  });
  try {
    validateSparseRows([row]);
  } catch (e) {
    throw invalidWith(t, v, (e as Error).message);
  }
  return row;
}

/**
 * One row of an insert, as the field's wire form: float32 values for a FloatVector, the bytes of
 * its `VectorField` member otherwise. Refusals quote Milvus (checkAndSetData, anyToColumns).
 */
function insertVector(field: FieldSchema__Output, t: VectorType, dim: number, v: unknown): number[] | Uint8Array {
  const name = typeName(t);
  const sizeMismatch = (what: string, size: number) =>
    new VectorValueError(`${what} size ${size} doesn't equal to vector dimension ${dim} of ${name}: invalid parameter`);
  const parsed = <T>(r: T | string): T => {
    if (typeof r === 'string') throw invalidWith(t, v, r);
    return r;
  };
  switch (t.element) {
    case 'sparse':
      return sparseRow(t, v);
    case 'float32': {
      const values = parsed(floatList(v));
      if (values.length !== dim) throw sizeMismatch('[]float32', values.length);
      return values;
    }
    case 'int8': {
      const values = parsed(integerList(v, 'int8', -128, 127));
      if (values.length !== dim) throw sizeMismatch('[]int8', values.length);
      return new Uint8Array(Int8Array.from(values).buffer);
    }
    case 'binary': {
      const bytes = parsed(byteList(v));
      if (bytes.length !== dim / 8) throw sizeMismatch('[]byte', bytes.length);
      return bytes;
    }
    case 'float16':
    case 'bfloat16': {
      // Clients may send float32 values rather than encode half floats themselves.
      let bytes: Uint8Array;
      if (Array.isArray(v)) bytes = halfBytes(t.element, parsed(floatList(v)));
      else if (typeof v === 'string') bytes = parsed(byteList(v));
      else throw invalidWith(t, v, `invalid vector field: ${field.name}`);
      if (bytes.length !== dim * 2) throw sizeMismatch('[]byte', bytes.length);
      return bytes;
    }
  }
}

/**
 * The column of a vector field from the rows' values (each present); a refused value becomes
 * `refuse(row, reason)`.
 */
export function vectorColumn(
  field: FieldSchema__Output,
  t: VectorType,
  values: unknown[],
  refuse: (row: number, reason: string) => Error,
): FieldData['vectors'] {
  const dim = Number(field.type_params.find((p) => p.key === 'dim')?.value ?? 0);
  const rows = values.map((v, i) => {
    try {
      return insertVector(field, t, dim, v);
    } catch (e) {
      if (e instanceof VectorValueError) throw refuse(i, e.message);
      throw e;
    }
  });
  if (t.element === 'float32') return { dim: String(dim), float_vector: { data: (rows as number[][]).flat() } };
  const bytes = rows as Uint8Array[];
  if (t.element === 'sparse') {
    const sparse = String(sparseDim(bytes));
    return { dim: sparse, sparse_float_vector: { dim: sparse, contents: bytes } };
  }
  return { dim: String(dim), [t.payload]: Buffer.concat(bytes) };
}

/**
 * The query vectors of a search's `data` for `field`, each in its type's wire form (the values
 * of a placeholder of the field's type). Refusals quote Milvus (convertQueries2Placeholder).
 */
export function queryVectors(t: VectorType, dim: number, data: unknown[]): Uint8Array[] {
  const name = typeName(t);
  const refuse = (msg: string) => new VectorValueError(`${msg}: invalid parameter[expected=${name}][actual=${JSON.stringify(data)}]`);
  const parsed = <T>(r: T | string): T => {
    if (typeof r === 'string') throw refuse(r);
    return r;
  };
  const ofDim = <T extends { length: number }>(v: T, what: string): T => {
    if (v.length !== dim) throw refuse(`dimension: ${dim}, but length of ${what}: ${v.length}`);
    return v;
  };
  const ofBytes = (bytes: Uint8Array, bytesLen: number) => {
    if (bytes.length !== bytesLen) throw refuse(`dimension: ${dim}, bytesLen: ${bytesLen}, but length of []byte: ${bytes.length}`);
    return bytes;
  };
  switch (t.element) {
    case 'float32':
      return data.map((q) => floatBytes(ofDim(parsed(floatList(q)), '[]float')));
    case 'int8':
      return data.map((q) => new Uint8Array(Int8Array.from(ofDim(parsed(integerList(q, 'int8', -128, 127)), '[]int8')).buffer));
    case 'binary':
      return data.map((q) => ofBytes(parsed(byteList(q)), dim / 8));
    case 'float16':
    case 'bfloat16': {
      // The first query decides: arrays are float32 values to convert, strings the half floats' bytes.
      const element = t.element;
      if (Array.isArray(data[0])) return data.map((q) => halfBytes(element, ofDim(parsed(floatList(q)), '[]float')));
      if (typeof data[0] === 'string') return data.map((q) => ofBytes(parsed(byteList(q)), dim * 2));
      throw refuse('invalid type');
    }
    case 'sparse':
      return data.map((q) => sparseRow(t, q));
  }
}

type ResultVectors = NonNullable<ResultFieldData['vectors']>;

const BYTE_MEMBERS = [
  ['binary_vector', 'binary'],
  ['float16_vector', 'float16'],
  ['bfloat16_vector', 'bfloat16'],
  ['int8_vector', 'int8'],
] as const;

/**
 * What a result column holds, told by the member that carries rows (the coordinator's merged
 * columns do not name it in `data`; a decoded message may hold the others empty).
 */
function resultPayload(v: ResultVectors): { element: VectorType['element']; bytes?: Uint8Array } {
  if (v.sparse_float_vector?.contents?.length) return { element: 'sparse' };
  for (const [member, element] of BYTE_MEMBERS) {
    const bytes = v[member];
    if (bytes?.length) return { element, bytes };
  }
  return { element: 'float32' };
}

/** The number of rows a vector result column holds. */
export function vectorRows(v: ResultVectors): number {
  const { element, bytes } = resultPayload(v);
  if (element === 'sparse') return v.sparse_float_vector!.contents.length;
  if (element === 'float32') return (v.float_vector?.data?.length ?? 0) / Number(v.dim);
  return bytes!.length / (denseRowWidth(element, Number(v.dim)) * denseElementBytes(element));
}

/**
 * Row `i` of a vector result column as Milvus renders it: Go's JSON of the row's value, so
 * float vectors as numbers (each the shortest decimal of its float32, `float32`), byte
 * vectors as base64, sparse rows as `{"index": value}` in ascending index order.
 */
export function vectorReader(v: ResultVectors, float32: (x: number) => number): (i: number) => unknown {
  const { element, bytes } = resultPayload(v);
  const dim = Number(v.dim);
  if (element === 'sparse') {
    const contents = v.sparse_float_vector!.contents;
    return (i) => {
      const row = contents[i]!;
      const view = new DataView(row.buffer, row.byteOffset, row.byteLength);
      const out: Record<string, number> = {};
      for (let at = 0; at < row.length; at += 8) out[String(view.getUint32(at, true))] = float32(view.getFloat32(at + 4, true));
      return out;
    };
  }
  if (element === 'float32') {
    const data = v.float_vector?.data ?? [];
    return (i) => Array.from({ length: dim }, (_, j) => float32(data[i * dim + j]!));
  }
  const rowBytes = denseRowWidth(element, dim) * denseElementBytes(element);
  return (i) => Buffer.from(bytes!.buffer, bytes!.byteOffset + i * rowBytes, rowBytes).toString('base64');
}

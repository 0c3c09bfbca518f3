import protobuf from 'protobufjs';
import { LOADER_OPTIONS } from '../proto/loader-options.js';
import type { IncomingFieldData } from './field-data.js';
import { milvusRoot } from './proto.js';

/**
 * The writer's decoding of InsertRequest and UpsertRequest. The generic decoding turns every
 * float of a vector into a JS number and every int64 into a decimal string (~7 us per 128-d
 * row); here the packed floats of `float_vector` are copied once into a Float32Array and the
 * varints of `long_data` are read straight into a BigInt64Array. Everything else, and any
 * FieldData whose encoding is not the plain one (unpacked floats, a repeated sub-message,
 * unknown fields inside the payload, malformed bytes), goes through the generic decoding, so
 * its result, and the errors validation reports on it, are unchanged.
 */

const { Reader } = protobuf;
type ProtoReader = protobuf.Reader;

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const tag = (field: number, wire: number) => (field << 3) | wire;

/** `fields_data` has the same number in InsertRequest and UpsertRequest. */
const FIELDS_DATA = tag(5, WIRE_LEN);
const FIELD_DATA_SCALARS = tag(3, WIRE_LEN);
const FIELD_DATA_VECTORS = tag(4, WIRE_LEN);
const VECTOR_DIM = tag(1, WIRE_VARINT);
const VECTOR_FLOAT_VECTOR = tag(2, WIRE_LEN);
const SCALAR_LONG_DATA = tag(3, WIRE_LEN);
/** `data` of FloatArray and LongArray, packed. */
const PACKED_DATA = tag(1, WIRE_LEN);

const fieldDataType = milvusRoot.lookupType('milvus.proto.schema.FieldData');

/** The generic decoding, with the options grpc-js uses for every other message. */
function decodeGeneric<T>(type: protobuf.Type, bytes: Uint8Array): T {
  return type.toObject(type.decode(bytes), LOADER_OPTIONS) as T;
}

/** The body of the length-delimited field whose tag `r` has just read; `r` moves past it. */
function lengthDelimited(r: ProtoReader, bytes: Uint8Array): Uint8Array {
  const length = r.uint32();
  const start = r.pos;
  if (start + length > r.len) throw new RangeError(`index out of range: ${start} + ${length} > ${r.len}`);
  r.pos = start + length;
  return bytes.subarray(start, start + length);
}

/** The single packed `data` field of a FloatArray or LongArray, or undefined for any other encoding. */
function packedData(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length === 0) return bytes;
  const r = Reader.create(bytes);
  if (r.uint32() !== PACKED_DATA) return undefined;
  const data = lengthDelimited(r, bytes);
  return r.pos === r.len ? data : undefined;
}

/** A VectorField holding only `dim` and packed `float_vector` floats, each at most once. */
function floatVectors(bytes: Uint8Array): { dim: string; values: Float32Array } | undefined {
  const r = Reader.create(bytes);
  let dim: string | undefined;
  let packed: Uint8Array | undefined;
  while (r.pos < r.len) {
    const t = r.uint32();
    if (t === VECTOR_DIM && dim === undefined) dim = r.int64().toString();
    else if (t === VECTOR_FLOAT_VECTOR && packed === undefined) {
      packed = packedData(lengthDelimited(r, bytes));
      if (!packed) return undefined;
    } else return undefined;
  }
  if (!packed || packed.length % 4 !== 0) return undefined;
  // One copy, into an aligned array of our own (the request buffer is not kept). Float32Array
  // is little-endian like the wire on every platform Node runs on.
  const values = new Float32Array(packed.length / 4);
  new Uint8Array(values.buffer).set(packed);
  return { dim: dim ?? '0', values };
}

/** Varints longer than this are not valid int64 encodings. */
const MAX_VARINT_BYTES = 10;

/** Packed int64 varints as a BigInt64Array, or undefined if they are malformed. */
function int64Varints(bytes: Uint8Array): BigInt64Array | undefined {
  let count = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! < 0x80) count++;
  // Every varint must end inside the field.
  if (bytes.length > 0 && bytes[bytes.length - 1]! >= 0x80) return undefined;
  const out = new BigInt64Array(count);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const start = pos;
    // Up to seven bytes (49 bits) fit a double exactly: the common case, without BigInt arithmetic.
    let b = bytes[pos++]!;
    let n = b & 0x7f;
    let scale = 0x80;
    while (b >= 0x80 && pos - start < 7) {
      b = bytes[pos++]!;
      n += (b & 0x7f) * scale;
      scale *= 0x80;
    }
    if (b < 0x80) {
      out[i] = BigInt(n);
      continue;
    }
    let wide = BigInt(n);
    let shift = 49n;
    do {
      b = bytes[pos++]!;
      wide |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    } while (b >= 0x80);
    if (pos - start > MAX_VARINT_BYTES) return undefined;
    out[i] = BigInt.asIntN(64, wide);
  }
  return out;
}

/** A ScalarField holding only packed `long_data`. */
function longValues(bytes: Uint8Array): BigInt64Array | undefined {
  if (bytes.length === 0) return undefined;
  const r = Reader.create(bytes);
  if (r.uint32() !== SCALAR_LONG_DATA) return undefined;
  const array = lengthDelimited(r, bytes);
  if (r.pos !== r.len) return undefined;
  const packed = packedData(array);
  return packed && int64Varints(packed);
}

/**
 * One FieldData: a plain float-vector or int64 payload read directly, the other members
 * (name, type, valid_data, ...) decoded generically.
 */
function decodeFieldData(bytes: Uint8Array): IncomingFieldData {
  const r = Reader.create(bytes);
  const others: Uint8Array[] = [];
  let payloads = 0;
  let vectors: ReturnType<typeof floatVectors>;
  let longs: BigInt64Array | undefined;
  while (r.pos < r.len) {
    const start = r.pos;
    const t = r.uint32();
    if (t === FIELD_DATA_VECTORS || t === FIELD_DATA_SCALARS) {
      // Two payloads merge (or compete in the oneof): the generic decoding settles that.
      if (++payloads > 1) return decodeGeneric(fieldDataType, bytes);
      const body = lengthDelimited(r, bytes);
      if (t === FIELD_DATA_VECTORS) vectors = floatVectors(body);
      else longs = longValues(body);
      if (!vectors && !longs) return decodeGeneric(fieldDataType, bytes);
      continue;
    }
    r.skipType(t & 7);
    others.push(bytes.subarray(start, r.pos));
  }
  const fd = decodeGeneric<IncomingFieldData>(fieldDataType, Buffer.concat(others));
  if (vectors) {
    fd.vectors = { dim: vectors.dim, data: 'float_vector', float_vector: { data: vectors.values } };
    fd.field = 'vectors';
  } else if (longs) {
    fd.scalars = { data: 'long_data', long_data: { data: longs } };
    fd.field = 'scalars';
  }
  return fd;
}

/** An Insert or Upsert request as the writer's handlers receive it. */
function decodeInsertOrUpsert(type: protobuf.Type, bytes: Buffer): object {
  const r = Reader.create(bytes);
  const others: Uint8Array[] = [];
  const fieldsData: IncomingFieldData[] = [];
  while (r.pos < r.len) {
    const start = r.pos;
    const t = r.uint32();
    if (t === FIELDS_DATA) {
      fieldsData.push(decodeFieldData(lengthDelimited(r, bytes)));
      continue;
    }
    r.skipType(t & 7);
    others.push(bytes.subarray(start, r.pos));
  }
  const request = decodeGeneric<{ fields_data: IncomingFieldData[] }>(type, Buffer.concat(others));
  request.fields_data = fieldsData;
  return request;
}

const insertRequestType = milvusRoot.lookupType('milvus.proto.milvus.InsertRequest');
const upsertRequestType = milvusRoot.lookupType('milvus.proto.milvus.UpsertRequest');

export const decodeInsertRequest = (bytes: Buffer) => decodeInsertOrUpsert(insertRequestType, bytes);
export const decodeUpsertRequest = (bytes: Buffer) => decodeInsertOrUpsert(upsertRequestType, bytes);

import protobuf from 'protobufjs';
import { bytesOf } from '../core/columns.js';
import type { FieldData, FieldData__Output } from '../proto/generated/milvus/proto/schema/FieldData.js';
import type { VectorField, VectorField__Output } from '../proto/generated/milvus/proto/schema/VectorField.js';
import { milvusDescriptor } from '../proto/milvus-descriptor.js';
import type { MilvusResponse } from './methods.js';

/**
 * Result columns whose float vectors stay a Float32Array from the rows they were copied from
 * to the wire: the coordinator gathers the rows it keeps into one, the writer reads its hits'
 * rows into one, and both fronts write it as the packed floats `schema.FloatArray` is on the
 * wire (see resultSerializer), so no vector becomes a JS number array.
 */

/** A decoded `schema.FieldData`, or one whose float vectors are a Float32Array (as the coordinator builds them). */
export type ResultFieldData = Omit<FieldData__Output, 'vectors'> & {
  vectors?: (Omit<VectorField__Output, 'float_vector'> & { float_vector?: { data: Float32Array | number[] } | null }) | null;
};

/** A `schema.FieldData` as a sender builds it, its float vectors possibly a Float32Array (as the writer builds them). */
export type OutgoingFieldData = Omit<FieldData, 'vectors'> & {
  vectors?: (Omit<VectorField, 'float_vector'> & { float_vector?: { data: Float32Array | number[] } | null }) | null;
};

interface Namespace {
  nested: Record<string, Namespace & { fields: Record<string, { type: string; id: number }> }>;
}

/**
 * The Milvus protocol with `VectorField.float_vector` declared as a message holding bytes: a
 * packed `repeated float` field and a `bytes` field of the same number are the same bytes on
 * the wire (tag, length, the little-endian floats), so a reply encoded with it decodes as the
 * original message anywhere, and the floats are copied as a block.
 */
function withVectorBytes(): protobuf.Root {
  const descriptor = structuredClone(milvusDescriptor) as unknown as Namespace;
  const schema = descriptor.nested.milvus!.nested.proto!.nested.schema!;
  schema.nested.PackedFloatArray = { nested: {}, fields: { data: { type: 'bytes', id: 1 } } };
  schema.nested.VectorField!.fields.float_vector!.type = 'PackedFloatArray';
  return protobuf.Root.fromJSON(descriptor as unknown as protobuf.INamespace);
}

let packedRoot: protobuf.Root | undefined;
function packedType(typeName: string): protobuf.Type {
  packedRoot ??= withVectorBytes();
  return packedRoot.lookupType(typeName);
}

function encodeAs(type: protobuf.Type, message: Record<string, unknown>): Buffer {
  const bytes = type.encode(type.fromObject(message)).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The MilvusService methods whose replies carry result columns, and their reply types. */
export const RESULT_REPLY_TYPES: Readonly<Record<string, string>> = {
  Search: 'milvus.proto.milvus.SearchResults',
  HybridSearch: 'milvus.proto.milvus.SearchResults',
  Query: 'milvus.proto.milvus.QueryResults',
};

/** A reply carrying result columns: SearchResults (in `results`) or QueryResults. */
interface ResultReply {
  results?: { fields_data?: OutgoingFieldData[] } | null;
  fields_data?: OutgoingFieldData[];
}

/** A reply of a method in RESULT_REPLY_TYPES, typed as its handler answers: resultSerializer writes its Float32Array vectors. */
export const resultReply = <M extends 'Search' | 'HybridSearch' | 'Query'>(
  reply: Omit<MilvusResponse<M>, 'results' | 'fields_data'> & ResultReply,
): MilvusResponse<M> => reply as unknown as MilvusResponse<M>;

function packedColumn(fd: OutgoingFieldData): unknown {
  const data = fd.vectors?.float_vector?.data;
  if (!data) return fd;
  const floats = data instanceof Float32Array ? data : Float32Array.from(data);
  // proto3 leaves an empty packed field out; so does this.
  const packed = floats.length ? { data: bytesOf(floats) } : {};
  return { ...fd, vectors: { ...fd.vectors, float_vector: packed } };
}

/**
 * grpc-js's `responseSerialize` for a Milvus reply type carrying result columns (SearchResults,
 * QueryResults) with float vectors as Float32Arrays; the rest is encoded as proto-loader would.
 */
export function resultSerializer(typeName: string): (reply: ResultReply) => Buffer {
  const type = packedType(typeName);
  return (reply) => {
    const packed: Record<string, unknown> = { ...reply };
    if (reply.fields_data) packed.fields_data = reply.fields_data.map(packedColumn);
    if (reply.results?.fields_data) packed.results = { ...reply.results, fields_data: reply.results.fields_data.map(packedColumn) };
    return encodeAs(type, packed);
  };
}

let fieldDataType: protobuf.Type | undefined;

/** Encodes one result column (a `schema.FieldData`), its float vectors possibly a Float32Array, as protobufjs would. */
export function encodeResultField(fd: OutgoingFieldData): Buffer {
  fieldDataType ??= packedType('milvus.proto.schema.FieldData');
  return encodeAs(fieldDataType, packedColumn(fd) as Record<string, unknown>);
}

import protobuf from 'protobufjs';
import { bytesOf } from '../core/columns.js';
import type { FieldData__Output } from '../proto/generated/milvus/proto/schema/FieldData.js';
import type { VectorField__Output } from '../proto/generated/milvus/proto/schema/VectorField.js';
import { milvusDescriptor } from '../proto/milvus-descriptor.js';

/**
 * Result columns whose float vectors stay a Float32Array from the rows they were copied from
 * to the wire: the coordinator gathers the rows it keeps into one, and its front writes it as
 * the packed floats `schema.FloatArray` is on the wire (see resultSerializer), so no vector
 * becomes a JS number array.
 */

/** A decoded `schema.FieldData`, or one whose float vectors are a Float32Array (as the coordinator builds them). */
export type ResultFieldData = Omit<FieldData__Output, 'vectors'> & {
  vectors?: (Omit<VectorField__Output, 'float_vector'> & { float_vector?: { data: Float32Array | number[] } | null }) | null;
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

/** A reply carrying result columns: SearchResults (in `results`) or QueryResults. */
interface ResultReply {
  results?: { fields_data?: ResultFieldData[] } | null;
  fields_data?: ResultFieldData[];
}

function packedColumn(fd: ResultFieldData): unknown {
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
  packedRoot ??= withVectorBytes();
  const type = packedRoot.lookupType(typeName);
  return (reply) => {
    const packed: Record<string, unknown> = { ...reply };
    if (reply.fields_data) packed.fields_data = reply.fields_data.map(packedColumn);
    if (reply.results?.fields_data) packed.results = { ...reply.results, fields_data: reply.results.fields_data.map(packedColumn) };
    const bytes = type.encode(type.fromObject(packed)).finish();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

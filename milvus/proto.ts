import * as protoLoader from '@grpc/proto-loader';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import type { ProtoGrpcType } from '../proto/generated/milvus.js';
import type { PlaceholderGroup, PlaceholderGroup__Output } from '../proto/generated/milvus/proto/common/PlaceholderGroup.js';
import type { CollectionSchema, CollectionSchema__Output } from '../proto/generated/milvus/proto/schema/CollectionSchema.js';
import type { FieldSchema, FieldSchema__Output } from '../proto/generated/milvus/proto/schema/FieldSchema.js';
import type { FieldData__Output } from '../proto/generated/milvus/proto/schema/FieldData.js';
import { LOADER_OPTIONS } from '../proto/loader-options.js';
import { milvusDescriptor } from '../proto/milvus-descriptor.js';
import { encodeResultField, type OutgoingFieldData } from './result-fields.js';

/**
 * The Milvus 2.x protocol, loaded from the descriptors that the official Node SDK ships, with
 * the SDK's own loader options (proto/loader-options.ts).
 */

/** protobufjs root for messages carried as bytes inside requests (schema, placeholders). */
export const milvusRoot = protobuf.Root.fromJSON(milvusDescriptor);

const packageDefinition = protoLoader.fromJSON(milvusDescriptor, LOADER_OPTIONS);
const grpcObject = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

/** The `milvus.proto.milvus.MilvusService` service definition for grpc-js servers and clients. */
export const MilvusService = grpcObject.milvus.proto.milvus.MilvusService;

/** A message Milvus carries serialized inside another one (a bytes field). */
export interface CarriedMessage<Input, Output> {
  /** Decodes into the plain shape grpc-js gives decoded messages (LOADER_OPTIONS). */
  decode(bytes: Uint8Array): Output;
  encode(message: Input): Buffer;
}

function carriedMessage<Input extends object, Output>(name: string, encode?: (message: Input) => Buffer): CarriedMessage<Input, Output> {
  const type = milvusRoot.lookupType(name);
  return {
    // protobufjs returns untyped objects; under these options they have the generated Output shape.
    decode: (bytes) => type.toObject(type.decode(bytes), LOADER_OPTIONS) as Output,
    encode: encode ?? ((message) => Buffer.from(type.encode(type.fromObject(message)).finish())),
  };
}

export const CollectionSchemaMessage = carriedMessage<CollectionSchema, CollectionSchema__Output>('milvus.proto.schema.CollectionSchema');
/** AddCollectionField's field. */
export const FieldSchemaMessage = carriedMessage<FieldSchema, FieldSchema__Output>('milvus.proto.schema.FieldSchema');
export const PlaceholderGroupMessage = carriedMessage<PlaceholderGroup, PlaceholderGroup__Output>('milvus.proto.common.PlaceholderGroup');
/**
 * A result column inside a data node's partial answer (proto/mishards/data_node.proto); its
 * float vectors may be a Float32Array (milvus/result-fields.ts).
 */
export const FieldDataMessage = carriedMessage<OutgoingFieldData, FieldData__Output>('milvus.proto.schema.FieldData', encodeResultField);

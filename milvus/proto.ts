import { createRequire } from 'node:module';
import * as protoLoader from '@grpc/proto-loader';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';

/**
 * The Milvus 2.x protocol, loaded from the descriptors that the official Node SDK ships
 * (compiled JSON, no .proto files). Loader options match the SDK's own: int64 as decimal
 * strings (exact), enums as names, defaults filled, oneofs named.
 */
const require = createRequire(import.meta.url);
const descriptorJson = require('@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus.js').default as protobuf.INamespace;

export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
};

/** protobufjs root for messages carried as bytes inside requests (schema, placeholders). */
export const milvusRoot = protobuf.Root.fromJSON(descriptorJson);

const packageDefinition = protoLoader.fromJSON(descriptorJson as protobuf.INamespace, LOADER_OPTIONS);
const grpcObject = grpc.loadPackageDefinition(packageDefinition) as any;

/** The `milvus.proto.milvus.MilvusService` service definition for grpc-js servers and clients. */
export const MilvusService: grpc.ServiceClientConstructor = grpcObject.milvus.proto.milvus.MilvusService;

export const CollectionSchemaType = milvusRoot.lookupType('milvus.proto.schema.CollectionSchema');
export const PlaceholderGroupType = milvusRoot.lookupType('milvus.proto.common.PlaceholderGroup');
export const SearchResultDataType = milvusRoot.lookupType('milvus.proto.schema.SearchResultData');

/** Decodes a protobufjs message into the same plain shape grpc-js hands to handlers. */
export function toPlainObject(type: protobuf.Type, bytes: Uint8Array): any {
  return type.toObject(type.decode(bytes), {
    longs: String,
    enums: String,
    bytes: Buffer,
    defaults: true,
    oneofs: true,
  });
}

import { createRequire } from 'node:module';
import type protobuf from 'protobufjs';

/**
 * The Milvus 2.x protocol as the official Node SDK ships it: compiled protobufjs JSON, no
 * .proto files. milvus/proto.ts loads it at run time; proto/generate-types.ts types it.
 */
const require = createRequire(import.meta.url);

export const milvusDescriptor = require('@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus.js').default as protobuf.INamespace;

/** The client API's service, the only one of the descriptors that Mishards serves. */
export const MILVUS_SERVICE = 'milvus.proto.milvus.MilvusService';

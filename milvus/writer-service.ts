import type * as grpc from '@grpc/grpc-js';
import { decodeInsertRequest, decodeUpsertRequest } from './insert-request.js';
import { MilvusService } from './proto.js';
import { RESULT_REPLY_TYPES, resultSerializer } from './result-fields.js';

/** The size on the wire of each write request decoded here: what Milvus's DML rates count. */
const wireSizes = new WeakMap<object, number>();

/** The bytes `request` (an Insert, Upsert or Delete this service decoded) took on the wire. */
export const wireBytes = (request: object): number => wireSizes.get(request) ?? 0;

/** `decode`, remembering the size of what it decoded. */
const sized =
  (decode: (bytes: Buffer) => object) =>
  (bytes: Buffer): object => {
    const request = decode(bytes);
    wireSizes.set(request, bytes.length);
    return request;
  };

/**
 * The writer's MilvusService definition: Insert and Upsert decoded straight into columns
 * (insert-request.ts), the replies carrying result columns written with their float vectors
 * as one block (result-fields.ts), every other method as proto-loader defines it. Writes
 * keep their wire size for the DML rate limits (milvus/quotas.ts).
 */
export function writerServiceDefinition(): grpc.ServiceDefinition {
  const service = MilvusService.service;
  const replies = Object.entries(RESULT_REPLY_TYPES).map(([method, replyType]) => [
    method,
    { ...service[method]!, responseSerialize: resultSerializer(replyType) },
  ]);
  return {
    ...service,
    Insert: { ...service.Insert, requestDeserialize: sized(decodeInsertRequest) },
    Upsert: { ...service.Upsert, requestDeserialize: sized(decodeUpsertRequest) },
    Delete: { ...service.Delete, requestDeserialize: sized(service.Delete!.requestDeserialize) },
    ...Object.fromEntries(replies),
  };
}

import type * as grpc from '@grpc/grpc-js';
import { decodeInsertRequest, decodeUpsertRequest } from './insert-request.js';
import { MilvusService } from './proto.js';
import { RESULT_REPLY_TYPES, resultSerializer } from './result-fields.js';

/**
 * The writer's MilvusService definition: Insert and Upsert decoded straight into columns
 * (insert-request.ts), the replies carrying result columns written with their float vectors
 * as one block (result-fields.ts), every other method as proto-loader defines it.
 */
export function writerServiceDefinition(): grpc.ServiceDefinition {
  const service = MilvusService.service;
  const replies = Object.entries(RESULT_REPLY_TYPES).map(([method, replyType]) => [
    method,
    { ...service[method]!, responseSerialize: resultSerializer(replyType) },
  ]);
  return {
    ...service,
    Insert: { ...service.Insert, requestDeserialize: decodeInsertRequest },
    Upsert: { ...service.Upsert, requestDeserialize: decodeUpsertRequest },
    ...Object.fromEntries(replies),
  };
}

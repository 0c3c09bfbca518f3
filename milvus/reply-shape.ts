import type protobuf from 'protobufjs';
import { milvusRoot } from './proto.js';
import type { Status } from './status.js';

/**
 * How a MilvusService method's response carries its outcome, read from the protocol's
 * descriptors so that every method (present and future) gets a reply the SDK can read:
 * most responses hold a `status` field, some are a bare Status, AlterCollectionSchema's
 * outcome is `alter_status`, and a few (Dummy, GetReplicateInfo, the streams) have none.
 */
export interface ReplyShape {
  /** The response message is itself a common.Status. */
  bare: boolean;
  /** Request or response streaming: the SDK does not call these. */
  streaming: boolean;
  /** The response's fields typed common.Status; empty when it cannot carry one. */
  statusFields: string[];
  /** Fields a failure still has to fill (see FILLED_ON_FAILURE). */
  failureFields: Record<string, unknown>;
}

const STATUS_TYPE = '.milvus.proto.common.Status';

/**
 * Fields the SDK reads from a reply whatever its status, so a failure must fill them too:
 * getMetric JSON.parses `response` unconditionally (an empty string throws inside the SDK);
 * getPkFieldName and friends (behind get, delete by ids, queryIterator) read
 * DescribeCollection's `schema.fields` without checking the status, so a missing collection
 * gets an empty schema and the call goes on to fail with the server's "collection not found".
 * Every other SDK wrapper either checks the status first or reads repeated and map fields,
 * which the client decodes as empty when absent.
 */
const FILLED_ON_FAILURE: Record<string, Record<string, unknown>> = {
  GetMetrics: { response: '{}' },
  DescribeCollection: { schema: {} },
};

const service = milvusRoot.lookupService('milvus.proto.milvus.MilvusService');
service.resolveAll();

const isStatus = (type: protobuf.Type | null | undefined) => type?.fullName === STATUS_TYPE;

const shapes = new Map<string, ReplyShape>(
  service.methodsArray.map((m) => {
    const response = m.resolvedResponseType!;
    const statusFields = response.fieldsArray
      .filter((f) => !f.repeated && !f.map && isStatus(f.resolvedType as protobuf.Type))
      .map((f) => f.name);
    return [
      m.name,
      {
        bare: isStatus(response),
        streaming: Boolean(m.requestStream || m.responseStream),
        statusFields,
        failureFields: FILLED_ON_FAILURE[m.name] ?? {},
      },
    ];
  }),
);

export function replyShape(method: string): ReplyShape {
  const shape = shapes.get(method);
  if (!shape) throw new Error(`MilvusService has no method ${method}`);
  return shape;
}

/** Whether the response can carry a status at all (else failures travel as gRPC errors). */
export const carriesStatus = (shape: ReplyShape) => shape.bare || shape.statusFields.length > 0;

/**
 * A handler's response with `status` put where the method keeps it. A status the handler
 * set itself (a failure that still fills other fields) is kept.
 */
export function withStatus(shape: ReplyShape, response: Record<string, unknown>, status: Status): Record<string, unknown> {
  if (shape.bare) return response.error_code ? response : { ...status };
  const out: Record<string, unknown> = { ...response };
  for (const field of shape.statusFields) out[field] ??= status;
  return out;
}

/** The reply to a failed call: the status where the method keeps it, plus the fields the SDK reads anyway. */
export function failureReply(shape: ReplyShape, status: Status): Record<string, unknown> {
  return withStatus(shape, shape.failureFields, status);
}

/** The status a reply carries (for metrics and logs). */
export function statusOfReply(shape: ReplyShape, reply: object): Status | undefined {
  return (shape.bare ? reply : (reply as Record<string, unknown>)[shape.statusFields[0] ?? '']) as Status | undefined;
}

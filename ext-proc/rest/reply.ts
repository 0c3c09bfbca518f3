import * as grpc from '@grpc/grpc-js';
import { Code, MilvusError } from '../../milvus/status.js';
import { AccessError } from '../../security/access.js';

/**
 * Response bodies of the REST API. Milvus answers HTTP 200 with `{code: 0, data}` on success
 * and `{code, message}` on a business error; only transport-level problems (unknown path,
 * wrong method, oversized body) use other HTTP statuses.
 */

/** Codes of Milvus's catalogue that only the REST layer produces. */
export const RestCode = {
  /** Not JSON, or JSON of the wrong shape. */
  IncorrectParameterFormat: 1801,
  MissingRequiredParameters: 1802,
  InvalidInsertData: 1804,
  CheckPrimaryKey: 1806,
} as const;

/** An error answered as `{code, message}` with the given HTTP status. */
export class RestError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly httpStatus = 200,
  ) {
    super(message);
    this.name = 'RestError';
  }
}

/**
 * What a handler returns: `data` plus any sibling fields (search's `topks`); a few answers
 * have no `data` (resource group describe's `resource_group`).
 */
export type Reply = { data?: unknown } & Record<string, unknown>;

/**
 * JSON text where bigints are written as plain numbers with all their digits, so int64
 * values beyond 2^53 reach clients that asked for numbers (Accept-Type-Allow-Int64) intact.
 */
export function toJsonText(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : toJsonText(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface ErrorReply {
  httpStatus: number;
  body: { code: number; message: string };
  /** Not a Milvus business error: a bug or an I/O failure worth a log line. */
  unexpected: boolean;
}

/**
 * A refusal of access as Milvus's HTTP server answers it: no valid credentials, HTTP 401 with
 * merr.ErrNeedAuthenticate; no privilege, HTTP 403 with the privilege interceptor's gRPC error
 * as Go prints it (its code is not Milvus's, hence 65535).
 */
function accessReply(grpcCode: number, details: string): ErrorReply | undefined {
  if (grpcCode === grpc.status.UNAUTHENTICATED)
    return { httpStatus: 401, body: { code: Code.NeedAuthenticate, message: "user hasn't authenticated" }, unexpected: false };
  if (grpcCode === grpc.status.PERMISSION_DENIED)
    return {
      httpStatus: 403,
      body: { code: Code.Unexpected, message: `rpc error: code = PermissionDenied desc = ${details}` },
      unexpected: false,
    };
  return undefined;
}

/** Turns anything a handler throws into the `{code, message}` Milvus would answer. */
export function errorReply(err: unknown): ErrorReply {
  if (err instanceof RestError) return { httpStatus: err.httpStatus, body: { code: err.code, message: err.message }, unexpected: false };
  if (err instanceof MilvusError) return { httpStatus: 200, body: { code: err.code, message: err.message }, unexpected: false };
  if (err instanceof AccessError) return accessReply(err.grpcCode, err.message)!;
  // A gRPC failure talking to the writer: a refusal of access (the writer checks the client's
  // credentials too), else (down, deadline passed) Milvus's "service unavailable".
  const grpcCode = (err as { code?: unknown })?.code;
  if (typeof grpcCode === 'number' && typeof (err as { details?: unknown }).details === 'string') {
    const refused = accessReply(grpcCode, (err as { details: string }).details);
    if (refused) return refused;
    return {
      httpStatus: 200,
      body: { code: Code.ServiceUnavailable, message: `writable node: ${(err as Error).message}` },
      unexpected: false,
    };
  }
  return { httpStatus: 200, body: { code: Code.ServiceInternal, message: (err as Error)?.message ?? String(err) }, unexpected: true };
}

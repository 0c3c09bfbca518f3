import type { RestAnswer } from '../rest/api.js';
import { setHeaders, type HeaderMap } from './headers.js';
import type { Struct } from './attributes.js';

/**
 * The ext_proc messages this service reads and writes, in the proto loader's shape
 * (`envoy/service/ext_proc/v3/external_processor.proto`).
 */

export interface HttpHeaders {
  headers?: HeaderMap;
  end_of_stream?: boolean;
}

export interface HttpBody {
  body?: Buffer;
  end_of_stream?: boolean;
}

export type RequestKind =
  | 'request_headers'
  | 'response_headers'
  | 'request_body'
  | 'response_body'
  | 'request_trailers'
  | 'response_trailers';

export interface ProcessingRequest {
  /** Which member of the `request` oneof is set. */
  request?: RequestKind;
  request_headers?: HttpHeaders;
  response_headers?: HttpHeaders;
  request_body?: HttpBody;
  response_body?: HttpBody;
  /** Values of the filter's `request_attributes`, by namespace (the filter's name). */
  attributes?: Record<string, Struct>;
  observability_mode?: boolean;
}

export type ProcessingResponse = Record<string, unknown>;

type BodySendMode = 'NONE' | 'BUFFERED';

/**
 * The rest of this HTTP request and its response as this service wants them: the request body
 * in `requestBody` mode, nothing of the response (an answered request has none; a forwarded
 * one is none of our business). Every field is set because a mode override replaces the
 * filter's mode as a whole, and DEFAULT would mean "send" for response headers.
 */
const mode = (requestBody: BodySendMode) => ({
  request_body_mode: requestBody,
  response_header_mode: 'SKIP',
  response_body_mode: 'NONE',
  request_trailer_mode: 'SKIP',
  response_trailer_mode: 'SKIP',
});

/** CONTINUE for request headers, asking Envoy for the whole body buffered, or for nothing more. */
export function continueHeaders(body: BodySendMode): ProcessingResponse {
  return { request_headers: { response: { status: 'CONTINUE' } }, mode_override: mode(body) };
}

/** The matching "continue unchanged" answer for a message this service does not act on. */
export function continueUnchanged(kind: RequestKind): ProcessingResponse {
  switch (kind) {
    case 'request_headers':
    case 'response_headers':
    case 'request_body':
    case 'response_body':
      return { [kind]: { response: { status: 'CONTINUE' } } };
    case 'request_trailers':
    case 'response_trailers':
      return { [kind]: {} };
  }
}

/** Envoy answers the client with `answer` itself; the upstream never sees the request. */
export function immediate(answer: RestAnswer): ProcessingResponse {
  return {
    immediate_response: {
      status: { code: answer.status },
      headers: { set_headers: setHeaders(answer.headers) },
      body: Buffer.from(answer.body, 'utf8'),
      // %RESPONSE_CODE_DETAILS% in Envoy's access log: a token without spaces.
      details: 'mishards_ext_proc',
    },
  };
}

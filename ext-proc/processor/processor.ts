import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type Context, type Span } from '@opentelemetry/api';
import { childSpan } from '../../runtime/tracing.js';
import type { ServiceHooks } from '../../milvus/service.js';
import { jsonAnswer, type RestAnswer, type RestApi, type RestHeaders } from '../rest/api.js';
import { checkBodySize } from '../rest/body.js';
import { envoyAttributes, type Struct } from './attributes.js';
import { ANSWERED_PATHS } from '../../cluster/front-contract.js';
import { requestHeaders } from './headers.js';
import {
  continueHeaders,
  continueUnchanged,
  immediate,
  type HttpBody,
  type HttpHeaders,
  type ProcessingRequest,
  type ProcessingResponse,
} from './messages.js';

const tracer = trace.getTracer('mishards-ext-proc');

/** A message no state of the protocol allows; the stream is ended with INVALID_ARGUMENT. */
export class ProtocolError extends Error {}

/** What to do after a message: the response to write (none in observability mode), and whether to end the stream. */
export interface Step {
  response?: ProcessingResponse;
  end: boolean;
}

export interface ProcessorOptions {
  api: RestApi;
  hooks: ServiceHooks;
  /** Aborted when Envoy cancels the stream (client gone, message_timeout): cancels the fan-out. */
  signal: AbortSignal;
  /** The stream's gRPC deadline, when Envoy set one (epoch ms). */
  deadline?: number;
}

interface Answered {
  method: string;
  path: string;
  headers: RestHeaders;
  span: Span;
  /** The caller's trace context with this request's span in it. */
  trace: Context;
}

/**
 * One ext_proc stream, which Envoy opens per HTTP request, as a state machine: request headers
 * decide whether the request is ours (a REST search, query, get or hybrid_search POST: ask for
 * the buffered body) or is forwarded to the route's upstream untouched; the buffered body is
 * answered through the REST core with an ImmediateResponse. Each message gets exactly one
 * response (none in observability mode), computed one at a time by the caller.
 */
export class RequestProcessor {
  private phase: 'headers' | 'body' | 'forwarded' | 'answered' = 'headers';
  private request: Answered | undefined;
  private spanOpen = false;

  constructor(private readonly o: ProcessorOptions) {}

  async next(msg: ProcessingRequest): Promise<Step> {
    // In observability mode Envoy ignores responses and does not wait: nothing can be
    // answered from here, so the stream is closed to say no more messages are needed.
    if (msg.observability_mode) return { end: true };
    const kind = msg.request;
    if (!kind) throw new ProtocolError('a ProcessingRequest with no request member set');
    try {
      if (kind === 'request_headers') return await this.onHeaders(msg.request_headers ?? {}, msg.attributes);
      if (kind === 'request_body') return await this.onBody(msg.request_body ?? {});
    } catch (e) {
      return this.fail(`internal error: ${(e as Error).message}`);
    }
    // Trailers and anything of the response: this service changes none of them.
    return { response: continueUnchanged(kind), end: false };
  }

  /** Ends the request's span when the stream goes away before the answer. */
  close(reason: string): void {
    if (!this.spanOpen || !this.request) return;
    this.spanOpen = false;
    this.request.span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
    this.request.span.end();
  }

  private async onHeaders(h: HttpHeaders, attributes: Record<string, Struct> | undefined): Promise<Step> {
    if (this.phase !== 'headers') return this.fail('request headers arrived twice on one stream');
    const headers = requestHeaders(h.headers);
    const method = String(headers[':method'] ?? '');
    const path = String(headers[':path'] ?? '').split('?')[0]!;
    if (method !== 'POST' || !ANSWERED_PATHS.has(path)) {
      this.phase = 'forwarded';
      return { response: continueHeaders('NONE'), end: false };
    }
    this.request = this.begin(method, path, headers, attributes);
    // A POST without a body: answered now, as the REST endpoint answers an empty body.
    if (h.end_of_stream) return this.answer(Buffer.alloc(0));
    this.phase = 'body';
    return { response: continueHeaders('BUFFERED'), end: false };
  }

  private async onBody(b: HttpBody): Promise<Step> {
    switch (this.phase) {
      case 'forwarded':
        // The filter's own mode sends bodies this service did not ask for: passed on unchanged.
        return { response: continueUnchanged('request_body'), end: false };
      case 'headers':
        return this.fail('a request body arrived before the request headers');
      case 'answered':
        return { end: true };
      case 'body':
        if (!b.end_of_stream) {
          return this.fail(
            'the request body arrived in chunks (STREAMED or BUFFERED_PARTIAL mode); Mishards needs it whole: set allow_mode_override: true (or processing_mode.request_body_mode: BUFFERED) on the ext_proc filter',
          );
        }
        return this.answer(b.body ?? Buffer.alloc(0));
    }
  }

  private begin(method: string, path: string, headers: RestHeaders, attributes: Record<string, Struct> | undefined): Answered {
    // Envoy forwards the client's traceparent (or its own tracer's) among the request headers.
    const parent = propagation.extract(ROOT_CONTEXT, headers);
    const { span, context } = childSpan(tracer, `ext_proc ${path}`, parent, { kind: SpanKind.SERVER });
    if (span.isRecording()) {
      const requestId = headers['x-request-id'];
      span.setAttributes({
        'http.request.method': method,
        'url.path': path,
        ...(requestId ? { 'http.request.header.x-request-id': String(requestId) } : {}),
        ...envoyAttributes(attributes),
      });
    }
    this.spanOpen = true;
    return { method, path, headers, span, trace: context };
  }

  private async answer(body: Buffer): Promise<Step> {
    const r = this.request!;
    this.phase = 'answered';
    const answer = await this.o.api.serve(
      {
        method: r.method,
        path: r.path,
        headers: r.headers,
        signal: this.o.signal,
        trace: r.trace,
        deadline: this.o.deadline,
        body: async () => {
          checkBodySize(body.length, this.o.api.maxBodyBytes);
          return body;
        },
      },
      this.o.hooks,
    );
    this.endSpan(answer);
    return { response: immediate(answer), end: true };
  }

  /** A failure of this processor or of Envoy's side of the protocol: HTTP 500 with the reason. */
  private fail(reason: string): Step {
    this.phase = 'answered';
    const answer = jsonAnswer(500, { code: 500, message: `ext_proc: ${reason}` });
    this.endSpan(answer);
    return { response: immediate(answer), end: true };
  }

  private endSpan(answer: RestAnswer): void {
    if (!this.spanOpen || !this.request) return;
    this.spanOpen = false;
    this.request.span.setAttribute('http.response.status_code', answer.status);
    if (answer.status >= 500) this.request.span.setStatus({ code: SpanStatusCode.ERROR, message: answer.body });
    this.request.span.end();
  }
}

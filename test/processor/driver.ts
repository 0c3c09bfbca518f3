/**
 * Envoy's side of the ext_proc protocol, for the processing mode Mishards uses: a real gRPC
 * client of `envoy.service.ext_proc.v3.ExternalProcessor` that plays one HTTP request the way
 * Envoy's ext_proc filter does with `failure_mode_allow: false`, `allow_mode_override: true`
 * and a default mode of "request headers only":
 *
 *   1. request_headers (pseudo-headers first, values in `raw_value` as current Envoy sends
 *      them, `end_of_stream` when the request has no body, the filter's request attributes);
 *   2. waits for exactly one response, at most `message_timeout`: an ImmediateResponse ends
 *      the request; a CONTINUE with a mode override asking for the BUFFERED body gets
 *      3. request_body with the whole body and `end_of_stream`, and one response again;
 *   anything else (a second response to one message, a response of the wrong kind, the
 *   stream failing) is what Envoy turns into its own 500, a timeout into its 504.
 *
 * Written from the proto comments of external_processor.proto and ext_proc.proto; it shares
 * no code with the service beyond loading the proto files.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { envoyLoaderOptions } from '../../proto/envoy-protos.js';

const definition = protoLoader.loadSync('envoy/service/ext_proc/v3/external_processor.proto', envoyLoaderOptions(false));
const ExternalProcessor = (grpc.loadPackageDefinition(definition) as any).envoy.service.ext_proc.v3
  .ExternalProcessor as grpc.ServiceClientConstructor;

/** What the filter's `request_attributes` would carry: values of Envoy attributes by name. */
export type Attributes = Record<string, string | number | boolean>;

export interface EnvoyRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  attributes?: Attributes;
  /** The downstream client going away: Envoy resets the ext_proc stream. */
  signal?: AbortSignal;
}

export type EnvoyOutcome =
  /** The processor answered: Envoy sends this reply downstream, the upstream sees nothing. */
  | { kind: 'immediate'; status: number; headers: Record<string, string>; body: Buffer; details: string }
  /** Processing ended with CONTINUE: Envoy forwards the request to the route's upstream. */
  | { kind: 'forwarded'; bodySent: boolean; modeOverride: Record<string, string> | undefined }
  /** Envoy's own local reply: 504 when message_timeout expired, 500 when the stream failed or broke the protocol. */
  | { kind: 'local'; status: 500 | 504; reason: string }
  /** The downstream client went away first. */
  | { kind: 'cancelled' };

export interface DriverOptions {
  /** The filter's `message_timeout` (Envoy's default is 200 ms). */
  messageTimeoutMs: number;
}

/** Streams the driver opened and how each ended (for assertions that none was left open). */
export interface StreamRecord {
  responses: number;
  status?: grpc.StatusObject;
}

let requestCounter = 0;

function headerMap(r: EnvoyRequest, body: Buffer): { headers: { key: string; raw_value: Buffer }[] } {
  const all: [string, string][] = [
    [':method', r.method],
    [':path', r.path],
    [':authority', 'mishards.example'],
    [':scheme', 'http'],
    ...(body.length ? [['content-length', String(body.length)] as [string, string]] : []),
    ...Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v] as [string, string]),
  ];
  // Envoy generates an x-request-id when the client sent none.
  if (!all.some(([k]) => k === 'x-request-id')) all.push(['x-request-id', `driver-${++requestCounter}`]);
  return { headers: all.map(([key, value]) => ({ key, raw_value: Buffer.from(value, 'utf8') })) };
}

function struct(values: Attributes): object {
  const field = (v: string | number | boolean) =>
    // The well-known types keep protobufjs's camelCase field names.
    typeof v === 'string' ? { stringValue: v } : typeof v === 'number' ? { numberValue: v } : { boolValue: v };
  return { fields: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, field(v)])) };
}

function replyHeaders(mutation: any): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of mutation?.set_headers ?? []) {
    const h = o.header;
    out[h.key.toLowerCase()] = h.raw_value?.length ? Buffer.from(h.raw_value).toString('utf8') : (h.value ?? '');
  }
  return out;
}

/** One Process stream: responses queued as they arrive, read one per message sent. */
class Conversation {
  readonly record: StreamRecord = { responses: 0 };
  private readonly received: any[] = [];
  private wake: (() => void) | undefined;
  private ended: grpc.StatusObject | undefined;
  readonly closed: Promise<grpc.StatusObject>;

  constructor(readonly call: grpc.ClientDuplexStream<any, any>) {
    this.closed = new Promise((resolve) => {
      call.on('status', (s: grpc.StatusObject) => {
        this.ended = s;
        this.record.status = s;
        this.wake?.();
        resolve(s);
      });
    });
    call.on('data', (m: any) => {
      this.record.responses++;
      this.received.push(m);
      this.wake?.();
    });
    // A non-OK status is also emitted as 'error'; 'status' carries it.
    call.on('error', () => {});
  }

  send(message: object): void {
    this.call.write(message);
  }

  /** The next response, or why there is none: the stream ended, or message_timeout passed. */
  async next(
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<{ response: any } | { timeout: true } | { ended: grpc.StatusObject } | { cancelled: true }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (signal?.aborted) return { cancelled: true };
      const m = this.received.shift();
      if (m) return { response: m };
      if (this.ended) return { ended: this.ended };
      const left = deadline - Date.now();
      if (left <= 0) return { timeout: true };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        }
        this.wake = done;
        signal?.addEventListener('abort', done, { once: true });
      });
      this.wake = undefined;
    }
  }

  /** Responses that arrived beyond the one per message. */
  get unexpected(): number {
    return this.received.length;
  }
}

export class ExtProcDriver {
  private readonly client: grpc.Client & Record<string, any>;
  readonly streams: StreamRecord[] = [];

  constructor(
    address: string,
    private readonly opts: DriverOptions,
  ) {
    this.client = new ExternalProcessor(address, grpc.credentials.createInsecure(), {
      // Envoy's gRPC client has no message size limit by default.
      'grpc.max_send_message_length': -1,
      'grpc.max_receive_message_length': -1,
    }) as grpc.Client & Record<string, any>;
  }

  /** Opens a raw Process stream, for tests of the protocol's corners. */
  open(): grpc.ClientDuplexStream<any, any> {
    return this.client.Process();
  }

  async request(r: EnvoyRequest): Promise<EnvoyOutcome> {
    const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body);
    const c = new Conversation(this.client.Process());
    this.streams.push(c.record);
    const onAbort = () => c.call.cancel();
    r.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.play(c, r, body);
    } finally {
      r.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async play(c: Conversation, r: EnvoyRequest, body: Buffer): Promise<EnvoyOutcome> {
    c.send({
      request_headers: { headers: headerMap(r, body), end_of_stream: body.length === 0 },
      ...(r.attributes ? { attributes: { 'envoy.filters.http.ext_proc': struct(r.attributes) } } : {}),
    });
    const first = await this.await(c, ['request_headers', 'immediate_response'], r.signal);
    if ('outcome' in first) return first.outcome;
    if (first.response.immediate_response) return this.finish(c, immediate(first.response.immediate_response));
    const mode = first.response.mode_override as Record<string, string> | undefined;
    if (body.length === 0 || mode?.request_body_mode !== 'BUFFERED') {
      return this.finish(c, { kind: 'forwarded', bodySent: false, modeOverride: mode });
    }
    c.send({ request_body: { body, end_of_stream: true } });
    const second = await this.await(c, ['request_body', 'immediate_response'], r.signal);
    if ('outcome' in second) return second.outcome;
    if (second.response.immediate_response) return this.finish(c, immediate(second.response.immediate_response));
    return this.finish(c, { kind: 'forwarded', bodySent: true, modeOverride: mode });
  }

  /** Waits for the response to the message just sent, as Envoy's filter does. */
  private async await(c: Conversation, allowed: string[], signal?: AbortSignal): Promise<{ response: any } | { outcome: EnvoyOutcome }> {
    const got = await c.next(this.opts.messageTimeoutMs, signal);
    if ('cancelled' in got) return { outcome: { kind: 'cancelled' } };
    if ('timeout' in got) {
      c.call.cancel();
      return { outcome: { kind: 'local', status: 504, reason: `no response within message_timeout (${this.opts.messageTimeoutMs} ms)` } };
    }
    if ('ended' in got) {
      // A clean close means "carry on without me"; an error status fails the request.
      if (got.ended.code === grpc.status.OK) return { outcome: { kind: 'forwarded', bodySent: false, modeOverride: undefined } };
      return { outcome: { kind: 'local', status: 500, reason: `stream failed: ${grpc.status[got.ended.code]} ${got.ended.details}` } };
    }
    if (!allowed.includes(got.response.response)) {
      c.call.cancel();
      return {
        outcome: {
          kind: 'local',
          status: 500,
          reason: `spurious response ${got.response.response}, expected one of ${allowed.join(', ')}`,
        },
      };
    }
    return got;
  }

  /**
   * Envoy is done with the stream: it half-closes, and the processor must close its side (it
   * already has after an immediate response). A response beyond one per message, or a stream
   * left open, is a protocol failure.
   */
  private async finish(c: Conversation, outcome: EnvoyOutcome): Promise<EnvoyOutcome> {
    c.call.end();
    const timer = setTimeout(() => c.call.cancel(), this.opts.messageTimeoutMs);
    const status = await c.closed;
    clearTimeout(timer);
    if (status.code !== grpc.status.OK)
      return { kind: 'local', status: 500, reason: `stream not closed cleanly: ${grpc.status[status.code]} ${status.details}` };
    if (c.unexpected) return { kind: 'local', status: 500, reason: `${c.unexpected} response(s) beyond one per message` };
    return outcome;
  }

  close(): void {
    this.client.close();
  }
}

function immediate(i: any): EnvoyOutcome {
  return {
    kind: 'immediate',
    status: httpCode(i.status?.code),
    headers: replyHeaders(i.headers),
    body: Buffer.from(i.body ?? Buffer.alloc(0)),
    details: i.details ?? '',
  };
}

/** With `enums: String` the status code arrives as its enum name (`OK`, `NotFound`, ...). */
const STATUS_CODES: Record<string, number> = Object.fromEntries(
  ((definition['envoy.type.v3.StatusCode'] as any).type.value as { name: string; number: number }[]).map((v) => [v.name, v.number]),
);

function httpCode(name: string | undefined): number {
  return STATUS_CODES[name ?? ''] ?? 0;
}

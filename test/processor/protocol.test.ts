import * as grpc from '@grpc/grpc-js';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterDescription } from '../../ext-proc/coordinator/cluster-description.js';
import type { Coordinator } from '../../ext-proc/coordinator/coordinator.js';
import type { CallContext } from '../../ext-proc/coordinator/fanout.js';
import { extProcService } from '../../ext-proc/processor/service.js';
import { RestApi } from '../../ext-proc/rest/api.js';
import type { WriterClient } from '../../ext-proc/rest/writer-client.js';
import { bindGrpc, MAX_MESSAGE_BYTES, shutdownGrpc } from '../../runtime/grpc-server.js';
import { DataType, type CollectionSchema } from '../../core/schema.js';
import { field, schemaOf } from '../filter/fixtures.js';
import { ExtProcDriver } from './driver.js';

/**
 * The ExternalProcessor's side of the protocol, in process, over a stand-in coordinator:
 * which requests it takes, the mode it asks for, one response per message in order, errors
 * as JSON, limits, cancellation, message_timeout and tracing. The same REST core against a
 * real cluster is in flows.test.ts.
 */

const exporter = new InMemorySpanExporter();
const SEARCH = '/v2/vectordb/entities/search';
const BODY_LIMIT = 4096;

/** A coordinator that answers every search with two hits, or holds it until it is cancelled. */
class StandInCoordinator {
  searches: { req: any; ctx: CallContext }[] = [];
  hold = false;
  /** Resolves with the next held search's context once its signal is aborted. */
  private aborted: ((ctx: CallContext) => void)[] = [];

  nextAbort(): Promise<CallContext> {
    return new Promise((resolve) => this.aborted.push(resolve));
  }

  /** Collection `c`: two-dimensional float vectors, the form of every search here. */
  async schemaOf(): Promise<CollectionSchema> {
    return schemaOf([field('id', DataType.Int64, { isPrimaryKey: true }), field('v', DataType.FloatVector, { dim: 2 })]);
  }

  async search(req: any, ctx: CallContext): Promise<Record<string, unknown>> {
    this.searches.push({ req, ctx });
    if (this.hold) {
      await new Promise<void>((_, reject) =>
        ctx.signal.addEventListener(
          'abort',
          () => {
            this.aborted.shift()?.(ctx);
            reject(new Error('cancelled'));
          },
          { once: true },
        ),
      );
    }
    return {
      results: {
        ids: { int_id: { data: ['7', '9'] } },
        fields_data: [],
        scores: [0.5, 0.25],
        topks: ['2'],
        primary_field_name: 'id',
      },
    };
  }

  async query(): Promise<Record<string, unknown>> {
    return { fields_data: [] };
  }
}

describe('ext_proc protocol', () => {
  let server: grpc.Server;
  let address: string;
  let driver: ExtProcDriver;
  const coordinator = new StandInCoordinator();
  const counted: string[] = [];

  beforeAll(async () => {
    new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
    const api = new RestApi({
      coordinator: coordinator as unknown as Coordinator,
      writer: {} as WriterClient,
      cluster: {} as ClusterDescription,
      maxBodyBytes: BODY_LIMIT,
    });
    const service = extProcService(api, { onRequest: (path) => (code) => void counted.push(`${path} ${code}`) });
    server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES });
    server.addService(service.definition, service.implementation);
    address = await bindGrpc(server, '127.0.0.1', 0);
    driver = new ExtProcDriver(address, { messageTimeoutMs: 5000 });
  });

  afterAll(async () => {
    driver?.close();
    if (server) await shutdownGrpc(server);
  });

  beforeEach(() => {
    coordinator.searches = [];
    coordinator.hold = false;
    exporter.reset();
  });

  /** Sends `messages` at once on a raw stream, half-closes, and collects what comes back. */
  async function exchange(messages: object[]): Promise<{ responses: any[]; status: grpc.StatusObject }> {
    const call = driver.open();
    const responses: any[] = [];
    call.on('data', (m) => responses.push(m));
    call.on('error', () => {});
    const status = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
    for (const m of messages) call.write(m);
    call.end();
    return { responses, status: await status };
  }

  const headers = (method: string, path: string, endOfStream = false, raw = true) => ({
    request_headers: {
      headers: {
        headers: [
          [':method', method],
          [':path', path],
          ['content-type', 'text/plain'],
        ].map(([key, v]) => (raw ? { key, raw_value: Buffer.from(v!) } : { key, value: v })),
      },
      end_of_stream: endOfStream,
    },
  });
  const body = (text: string, endOfStream = true) => ({ request_body: { body: Buffer.from(text), end_of_stream: endOfStream } });
  const json = (b: Buffer) => JSON.parse(b.toString('utf8'));

  it('answers a search body with an immediate 200 JSON response that the REST endpoint would give', async () => {
    const out = await driver.request({
      method: 'POST',
      path: SEARCH,
      body: JSON.stringify({ collectionName: 'c', data: [[1, 2]], limit: 2 }),
    });
    expect(out).toMatchObject({ kind: 'immediate', status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } });
    if (out.kind !== 'immediate') return;
    expect(out.body.toString()).toBe('{"code":0,"data":[{"id":"7","distance":0.5},{"id":"9","distance":0.25}],"topks":[2]}');
    expect(coordinator.searches).toHaveLength(1);
    expect(coordinator.searches[0]!.req).toMatchObject({ collection_name: 'c', nq: '1' });
    expect(counted).toContain(`${SEARCH} 0`);
  });

  it('asks for the buffered body on the four scatter-gathered POSTs only, and nothing of the response', async () => {
    for (const action of ['search', 'query', 'get', 'hybrid_search']) {
      const { responses } = await exchange([headers('POST', `/v2/vectordb/entities/${action}?x=1`)]);
      expect(responses).toHaveLength(1);
      expect(responses[0]).toMatchObject({
        response: 'request_headers',
        request_headers: { response: {} },
        mode_override: {
          request_body_mode: 'BUFFERED',
          response_header_mode: 'SKIP',
          response_body_mode: 'NONE',
          request_trailer_mode: 'SKIP',
          response_trailer_mode: 'SKIP',
        },
      });
    }
    for (const [method, path] of [
      ['POST', '/v2/vectordb/collections/describe'],
      ['GET', SEARCH],
      ['POST', '/v2/vectordb/entities/insert'],
      ['GET', '/healthz'],
    ]) {
      const out = await driver.request({ method: method!, path: path!, body: '{"collectionName":"c"}' });
      expect(out).toMatchObject({
        kind: 'forwarded',
        bodySent: false,
        modeOverride: { request_body_mode: 'NONE', response_header_mode: 'SKIP' },
      });
    }
    expect(coordinator.searches).toHaveLength(0);
  });

  it('reads header values from `value` as older Envoys send them', async () => {
    const { responses } = await exchange([headers('POST', SEARCH, false, false), body('{"collectionName":"c","data":[[1,2]]}')]);
    expect(responses.map((r) => r.response)).toEqual(['request_headers', 'immediate_response']);
    expect(json(responses[1].immediate_response.body).code).toBe(0);
  });

  it('answers malformed and mis-shaped bodies with the Milvus REST error JSON', async () => {
    const cases: [string | undefined, object][] = [
      [undefined, { code: 1801, message: 'can only accept json format request, the request body is empty ({} is valid)' }],
      ['{"collectionName": ', { code: 1801 }],
      ['[1, 2]', { code: 1801 }],
      ['{"collectionName": 42, "data": [[1]]}', { code: 1801 }],
      ['{"collectionName": "c", "limit": 3}', { code: 1802, message: 'missing required parameters, error: data is required' }],
      ['{"collectionName": "c", "data": [["x"]]}', { code: 1801 }],
    ];
    for (const [text, expected] of cases) {
      const out = await driver.request({ method: 'POST', path: SEARCH, body: text });
      expect(out).toMatchObject({ kind: 'immediate', status: 200 });
      if (out.kind === 'immediate') expect(json(out.body)).toMatchObject(expected);
    }
    const hybrid = await driver.request({ method: 'POST', path: '/v2/vectordb/entities/hybrid_search', body: '{"collectionName":"c"}' });
    expect(hybrid.kind === 'immediate' && json(hybrid.body).code).toBe(1100);
    expect(coordinator.searches).toHaveLength(0);
  });

  it('refuses a body above the REST limit with 413 JSON, as the REST endpoint does', async () => {
    const out = await driver.request({
      method: 'POST',
      path: SEARCH,
      body: JSON.stringify({ collectionName: 'c', data: [Array(BODY_LIMIT).fill(1)] }),
    });
    expect(out).toMatchObject({ kind: 'immediate', status: 413 });
    if (out.kind === 'immediate')
      expect(json(out.body)).toEqual({ code: 413, message: `request body exceeds the limit of ${BODY_LIMIT} bytes` });
  });

  it('refuses a body sent in chunks (STREAMED mode) with a 500 JSON reason, and one sent before the headers', async () => {
    const chunked = await exchange([headers('POST', SEARCH), body('{"collectionName":', false)]);
    expect(chunked.responses.map((r) => r.response)).toEqual(['request_headers', 'immediate_response']);
    const reply = chunked.responses[1].immediate_response;
    expect(reply.status.code).toBe('InternalServerError');
    expect(json(reply.body).message).toMatch(/BUFFERED/);
    expect(chunked.status.code).toBe(grpc.status.OK);

    const early = await exchange([body('{}')]);
    expect(early.responses).toHaveLength(1);
    expect(json(early.responses[0].immediate_response.body)).toEqual({
      code: 500,
      message: 'ext_proc: a request body arrived before the request headers',
    });
  });

  it('continues bodies it did not ask for and every response-side message, one response each, in order', async () => {
    const { responses, status } = await exchange([
      headers('POST', '/v2/vectordb/collections/describe'),
      body('{"collectionName":"c"}'),
      { request_trailers: { trailers: { headers: [] } } },
      { response_headers: { headers: { headers: [{ key: ':status', raw_value: Buffer.from('200') }] } } },
      { response_body: { body: Buffer.from('{}'), end_of_stream: true } },
      { response_trailers: { trailers: { headers: [] } } },
    ]);
    expect(responses.map((r) => r.response)).toEqual([
      'request_headers',
      'request_body',
      'request_trailers',
      'response_headers',
      'response_body',
      'response_trailers',
    ]);
    expect(responses[1].request_body.response.body_mutation).toBeUndefined();
    expect(status.code).toBe(grpc.status.OK);
  });

  it('keeps the order of pipelined messages: the headers answer comes before the body answer', async () => {
    const { responses } = await exchange([headers('POST', SEARCH), body('{"collectionName":"c","data":[[1,2]]}')]);
    expect(responses.map((r) => r.response)).toEqual(['request_headers', 'immediate_response']);
  });

  it('sends nothing in observability mode and closes the stream', async () => {
    const { responses, status } = await exchange([
      { ...headers('POST', SEARCH), observability_mode: true },
      { ...body('{}'), observability_mode: true },
    ]);
    expect(responses).toHaveLength(0);
    expect(status.code).toBe(grpc.status.OK);
    expect(coordinator.searches).toHaveLength(0);
  });

  it('ends a stream whose message has no request member with INVALID_ARGUMENT', async () => {
    const { responses, status } = await exchange([{ observability_mode: false }]);
    expect(responses).toHaveLength(0);
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('cancels the fan-out when Envoy cancels the stream', async () => {
    coordinator.hold = true;
    const controller = new AbortController();
    const aborted = coordinator.nextAbort();
    const outcome = driver.request({
      method: 'POST',
      path: SEARCH,
      body: '{"collectionName":"c","data":[[1,2]]}',
      signal: controller.signal,
    });
    // Cancel once the search is running: the stand-in records it before it waits.
    await expect.poll(() => coordinator.searches.length).toBe(1);
    controller.abort();
    expect(await outcome).toEqual({ kind: 'cancelled' });
    expect((await aborted).signal.aborted).toBe(true);
  });

  it('gets a 504 from Envoy when the answer takes longer than message_timeout, and the fan-out is cancelled', async () => {
    coordinator.hold = true;
    const impatient = new ExtProcDriver(address, { messageTimeoutMs: 300 });
    const aborted = coordinator.nextAbort();
    try {
      const out = await impatient.request({ method: 'POST', path: SEARCH, body: '{"collectionName":"c","data":[[1,2]]}' });
      expect(out).toMatchObject({ kind: 'local', status: 504 });
      expect((await aborted).signal.aborted).toBe(true);
    } finally {
      impatient.close();
    }
  });

  it('traces under the forwarded traceparent with x-request-id and the request attributes', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    const out = await driver.request({
      method: 'POST',
      path: SEARCH,
      headers: { traceparent: `00-${traceId}-${parentId}-01`, 'x-request-id': 'req-42' },
      attributes: { 'request.id': 'req-42', 'source.address': '10.0.0.7:5555', 'request.size': 36 },
      body: '{"collectionName":"c","data":[[1,2]]}',
    });
    expect(out.kind).toBe('immediate');
    const span = exporter.getFinishedSpans().find((s) => s.name === `ext_proc ${SEARCH}`)!;
    expect(span).toBeDefined();
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.parentSpanContext?.spanId).toBe(parentId);
    expect(span.attributes).toMatchObject({
      'http.request.header.x-request-id': 'req-42',
      'envoy.request.id': 'req-42',
      'envoy.source.address': '10.0.0.7:5555',
      'envoy.request.size': 36,
      'http.response.status_code': 200,
    });
    // The coordinator's spans (Search, get_routing, ...) are children of this one.
    expect(trace.getSpanContext(coordinator.searches[0]!.ctx.trace)?.spanId).toBe(span.spanContext().spanId);
  });
});

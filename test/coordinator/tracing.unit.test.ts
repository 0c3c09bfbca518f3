import * as grpc from '@grpc/grpc-js';
import { ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { childSpan, contextFromMetadata, metadataWithTrace } from '../../runtime/tracing.js';

/**
 * How a request's trace context travels from the caller through the coordinator's spans to
 * the sub-requests' headers: recorded and propagated when the caller samples the trace,
 * neither when it does not.
 */
const exporter = new InMemorySpanExporter();
const tracer = trace.getTracer('test');
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

/** The context a caller's traceparent header gives, sampled or not. */
function callerContext(sampled: boolean): Context {
  const metadata = new grpc.Metadata();
  metadata.set('traceparent', `00-${TRACE_ID}-${PARENT_ID}-${sampled ? '01' : '00'}`);
  return contextFromMetadata(metadata);
}

/** Headers as the coordinator builds them once per collection. */
function collectionHeaders(): grpc.Metadata {
  const m = new grpc.Metadata();
  m.set('x-mishards-collection', 'c');
  return m;
}

beforeAll(() => {
  new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
});

beforeEach(() => exporter.reset());

describe('trace context', () => {
  it('is the root context when the caller sent no traceparent', () => {
    expect(contextFromMetadata(new grpc.Metadata())).toBe(ROOT_CONTEXT);
    expect(contextFromMetadata(undefined)).toBe(ROOT_CONTEXT);
  });

  it('records nested spans under a sampled caller and passes the innermost one to the nodes', () => {
    const request = childSpan(tracer, 'Search', callerContext(true));
    const sub = childSpan(tracer, 'search_g1', request.context);
    const base = collectionHeaders();
    const headers = metadataWithTrace(sub.context, base);
    sub.span.end();
    request.span.end();
    const [subSpan, requestSpan] = exporter.getFinishedSpans();
    expect(requestSpan!.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(subSpan!.parentSpanContext?.spanId).toBe(requestSpan!.spanContext().spanId);
    expect(headers.get('traceparent')).toEqual([`00-${TRACE_ID}-${subSpan!.spanContext().spanId}-01`]);
    expect(headers.get('x-mishards-collection')).toEqual(['c']);
    // The shared headers are not touched.
    expect(base.get('traceparent')).toEqual([]);
  });

  it('under an unsampled caller, shares one non-recording span and sends the shared headers unchanged', () => {
    const request = childSpan(tracer, 'Search', callerContext(false));
    const sub = childSpan(tracer, 'search_g1', request.context);
    expect(request.span.isRecording()).toBe(false);
    expect(sub).toBe(request);
    const base = collectionHeaders();
    expect(metadataWithTrace(sub.context, base)).toBe(base);
    expect(base.get('traceparent')).toEqual([]);
    request.span.end();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it("starts a trace where the caller sent none when this process's sampler says so", () => {
    const request = childSpan(tracer, 'Search', ROOT_CONTEXT);
    expect(request.span.isRecording()).toBe(true);
    expect(metadataWithTrace(request.context, collectionHeaders()).get('traceparent')).toHaveLength(1);
    request.span.end();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['Search']);
  });
});

import {
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  TraceFlags,
  propagation,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type * as grpc from '@grpc/grpc-js';

/**
 * Whether a request that arrives without a trace context may start a recorded trace (the
 * tracer's sampler decides). Off in a process without an exporter: such requests then cost
 * no span, no ids and no propagated header at all.
 */
let tracesStartHere = true;

/**
 * OpenTelemetry for a Mishards process: a tracer provider with W3C trace-context
 * propagation, so spans nest across processes. Spans are exported when
 * MISHARDS_TRACE=console (the console exporter). Without an exporter, only requests that
 * arrive with a sampled trace context (someone upstream is tracing) are recorded, and no
 * async context manager is installed: spans are parented through contexts passed by hand
 * (see childSpan), so nothing needs the promise hooks an AsyncLocalStorage costs on every
 * await.
 * Tests register their own provider with an in-memory exporter instead.
 */
export function setupTracing(service: string): NodeTracerProvider {
  const spanProcessors: SpanProcessor[] = [];
  if (process.env.MISHARDS_TRACE === 'console') spanProcessors.push(new BatchSpanProcessor(new ConsoleSpanExporter()));
  const exporting = spanProcessors.length > 0;
  tracesStartHere = exporting;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': `mishards-${service}` }),
    spanProcessors,
    ...(exporting ? {} : { sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) }),
  });
  provider.register(exporting ? {} : { contextManager: null });
  return provider;
}

/** A span with the context that makes it the parent of the spans started under it. */
export interface SpanScope {
  span: Span;
  context: Context;
}

/**
 * The one scope every unsampled span shares: it records nothing, carries no ids (so nothing
 * is propagated) and its children are unsampled too.
 */
const UNSAMPLED_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
const UNSAMPLED: SpanScope = { span: UNSAMPLED_SPAN, context: trace.setSpan(ROOT_CONTEXT, UNSAMPLED_SPAN) };

/** Whether spans under `parent` are recorded: its span is sampled, or it has none and traces start here. */
export function sampled(parent: Context): boolean {
  const span = trace.getSpanContext(parent);
  return span ? (span.traceFlags & TraceFlags.SAMPLED) !== 0 : tracesStartHere;
}

/**
 * Starts span `name` as a child of `parent`. Under an unsampled parent it is the shared
 * non-recording scope, so an untraced request allocates no span, ids or context.
 */
export function childSpan(tracer: Tracer, name: string, parent: Context, options?: SpanOptions): SpanScope {
  if (!sampled(parent)) return UNSAMPLED;
  const span = tracer.startSpan(name, options, parent);
  return span.isRecording() ? { span, context: trace.setSpan(parent, span) } : UNSAMPLED;
}

/** The trace context a caller sent in gRPC metadata (traceparent), or the root context. */
export function contextFromMetadata(metadata: grpc.Metadata | undefined): Context {
  // Most requests are not traced: no header, nothing to parse.
  if (!metadata || metadata.get('traceparent').length === 0) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, metadata, {
    keys: (m) => Object.keys(m.getMap()),
    get: (m, key) => {
      const v = m.get(key);
      return v.length ? v.map(String) : undefined;
    },
  });
}

/**
 * Outgoing gRPC metadata that carries `ctx`'s trace context to the callee: `base` itself when
 * the trace is not sampled (a header that changes on every call would also defeat HPACK's
 * header table), else a copy with the traceparent.
 */
export function metadataWithTrace(ctx: Context, base: grpc.Metadata): grpc.Metadata {
  const span = trace.getSpanContext(ctx);
  if (!span || (span.traceFlags & TraceFlags.SAMPLED) === 0) return base;
  const metadata = base.clone();
  propagation.inject(ctx, metadata, { set: (m, k, v) => m.set(k, v) });
  return metadata;
}

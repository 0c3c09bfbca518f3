import { ROOT_CONTEXT, propagation, type Context } from '@opentelemetry/api';
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
 * OpenTelemetry for a Mishards process: a tracer provider with W3C trace-context
 * propagation, so spans nest across processes. Spans are exported when
 * MISHARDS_TRACE=console (the console exporter). Without an exporter, only requests that
 * arrive with a sampled trace context (someone upstream is tracing) are recorded; the
 * others get unsampled spans, which still carry fresh ids and propagate to the data nodes
 * but record nothing: recording every search's spans only to drop them cost the search
 * path about 0.1 ms of CPU per process on the benchmark machine.
 * Tests register their own provider with an in-memory exporter instead.
 */
export function setupTracing(service: string): NodeTracerProvider {
  const spanProcessors: SpanProcessor[] = [];
  if (process.env.MISHARDS_TRACE === 'console') spanProcessors.push(new BatchSpanProcessor(new ConsoleSpanExporter()));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': `mishards-${service}` }),
    spanProcessors,
    ...(spanProcessors.length ? {} : { sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) }),
  });
  provider.register();
  return provider;
}

/** The trace context a caller sent in gRPC metadata (traceparent), or the root context. */
export function contextFromMetadata(metadata: grpc.Metadata | undefined): Context {
  if (!metadata) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, metadata, {
    keys: (m) => Object.keys(m.getMap()),
    get: (m, key) => {
      const v = m.get(key);
      return v.length ? v.map(String) : undefined;
    },
  });
}

/** Writes the active trace context into outgoing gRPC metadata. */
export function injectIntoMetadata(ctx: Context, metadata: grpc.Metadata): void {
  propagation.inject(ctx, metadata, { set: (m, k, v) => m.set(k, v) });
}

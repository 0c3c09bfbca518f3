import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Snapshot, SnapshotSource } from '../xds/snapshot.js';
import type { ClientStatus } from './client-status.js';
import { DeltaStream } from './delta.js';
import { EncodedResources } from './encoded.js';
import { AdsMetrics } from './metrics.js';
import { adsServerDefinition, type DeltaDiscoveryRequest, type DiscoveryRequest } from './proto.js';
import { SotwStream } from './sotw.js';
import type { StreamContext } from './stream.js';

export interface AdsServiceOptions {
  source: SnapshotSource;
  log: Logger;
  /** Metrics to record into; or give `registry` to have them created there. */
  metrics?: AdsMetrics;
  registry?: Registry;
}

export interface AdsService {
  /** envoy.service.discovery.v3.AggregatedDiscoveryService, for grpc.Server#addService. */
  readonly definition: grpc.ServiceDefinition;
  readonly implementation: grpc.UntypedServiceImplementation;
  /** Open streams. */
  streams(): number;
  /** Every open stream's client (once its first request named the node) and its ACK state. */
  clients(): ClientStatus[];
  /** Stops following the source and ends every stream with UNAVAILABLE; new streams are refused. */
  close(): void;
}

type AnyStream = SotwStream | DeltaStream;

/**
 * The Aggregated Discovery Service over a snapshot source, state-of-the-world and delta
 * (docs/xds.md, "ADS server"). Every new snapshot is pushed to every stream synchronously,
 * each resource encoded once whatever the number of streams.
 */
export function createAdsService(options: AdsServiceOptions): AdsService {
  const { source, log } = options;
  const metrics = options.metrics ?? (options.registry ? new AdsMetrics(options.registry) : undefined);
  const streams = new Set<AnyStream>();
  const publishedAt = new WeakMap<Snapshot, number>();
  let nextId = 0;
  let closed = false;

  const ctx: StreamContext = {
    source,
    log,
    metrics,
    encoded: new EncodedResources(),
    publishedAt: (snapshot) => publishedAt.get(snapshot),
  };

  const unsubscribe = source.subscribe((snapshot) => {
    publishedAt.set(snapshot, performance.now());
    for (const stream of streams) stream.onSnapshot(snapshot);
  });

  const refuseIfClosed = (call: grpc.ServerDuplexStream<unknown, Buffer>): boolean => {
    if (!closed) return false;
    call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'xDS control plane shutting down' });
    return true;
  };

  const implementation: grpc.UntypedServiceImplementation = {
    StreamAggregatedResources: (call: grpc.ServerDuplexStream<DiscoveryRequest, Buffer>) => {
      if (refuseIfClosed(call)) return;
      const stream: SotwStream = new SotwStream(++nextId, call, ctx, () => streams.delete(stream));
      streams.add(stream);
    },
    DeltaAggregatedResources: (call: grpc.ServerDuplexStream<DeltaDiscoveryRequest, Buffer>) => {
      if (refuseIfClosed(call)) return;
      const stream: DeltaStream = new DeltaStream(++nextId, call, ctx, () => streams.delete(stream));
      streams.add(stream);
    },
  };

  return {
    definition: adsServerDefinition(),
    implementation,
    streams: () => streams.size,
    clients: () => [...streams].flatMap((s) => s.status() ?? []),
    close: () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      for (const stream of [...streams]) stream.shutdown();
    },
  };
}

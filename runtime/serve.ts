import type * as grpc from '@grpc/grpc-js';
import type { Registry } from 'prom-client';
import { HealthService } from '../proto/health.js';
import { serviceNotReady } from '../milvus/status.js';
import type { Admission } from './admission.js';
import { bindGrpc, createGrpcServer, shutdownGrpc } from './grpc-server.js';
import { HealthState, serviceName } from './health.js';
import type { MetricsListenOptions, MetricsServer } from './metrics-server.js';

/** The metrics port's host when none is given: loopback, whatever the gRPC port's. */
export const DEFAULT_METRICS_HOST = '127.0.0.1';

/** Whether `host` is reachable from this machine only. */
export const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');
import { serverCredentials, type Tls } from './tls.js';

export interface RunningNode {
  grpc: string;
  metrics: string;
  /** The metrics registry served at `metrics`, for what the caller adds once the node runs. */
  registry: Registry;
  /**
   * Answers health checks NOT_SERVING from now on while still serving every call: proxies and
   * health checkers route around the node before stop() closes its port.
   */
  drain(): void;
  stop(): Promise<void>;
}

export interface ServeOptions {
  host: string;
  port: number;
  metricsPort: number;
  metrics: MetricsServer;
  /** gRPC services this node serves. */
  services: [grpc.ServiceDefinition, grpc.UntypedServiceImplementation][];
  /** Ends long-lived streams so that the gRPC server can stop gracefully. */
  beforeStop?: () => void;
  /** A data node's admission: requests still waiting for it are refused as the node stops. */
  admission?: Admission;
  /** Resources to release after the servers stop, in order. */
  closers: (() => Promise<void>)[];
  /** TLS of the gRPC and metrics listeners (runtime/tls.ts); plaintext when absent. */
  tls?: Tls | undefined;
  /** Where the metrics port listens: loopback unless asked (admin surfaces stay private by default). */
  metricsHost?: string | undefined;
  /** Credentials the metrics port wants (all but /healthz); none when absent. */
  metricsGuard?: MetricsListenOptions['guard'];
}

/**
 * Serves a node's gRPC services, grpc.health.v1.Health for them, and its metrics endpoint.
 * drain() only turns health NOT_SERVING. stop() drains: health turns NOT_SERVING (Watch
 * streams hear it first), requests waiting for admission are refused (retriable: the
 * coordinator tries another replica), new calls are refused and running ones get the grace
 * period of shutdownGrpc; whatever still runs then is cancelled (a forced shutdown cancels
 * every call, which stops its engine work), and the closers run. See docs/limits.md for the
 * bound.
 */
export async function serveNode(o: ServeOptions): Promise<RunningNode> {
  let address = '';
  const server = createGrpcServer();
  for (const [definition, implementation] of o.services) server.addService(definition, implementation);
  const health = new HealthState(
    o.services.map(([definition]) => serviceName(definition)),
    () => address,
  );
  server.addService(HealthService.service, health.implementation());
  const grpcAddr = await bindGrpc(server, o.host, o.port, serverCredentials(o.tls));
  address = grpcAddr;
  const metrics = o.metrics;
  const metricsAddr = await metrics.listen({
    host: o.metricsHost ?? DEFAULT_METRICS_HOST,
    port: o.metricsPort,
    healthy: () => health.serving,
    tls: o.tls,
    guard: o.metricsGuard,
  });
  return {
    grpc: grpcAddr,
    metrics: metricsAddr,
    registry: metrics.registry,
    drain: () => health.shutDown(),
    async stop() {
      health.shutDown();
      o.admission?.close(serviceNotReady(`node=${grpcAddr}`, 'Stopping'));
      o.beforeStop?.();
      await shutdownGrpc(server);
      await metrics.close();
      for (const close of o.closers) await close();
    },
  };
}

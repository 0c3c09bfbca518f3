import type * as grpc from '@grpc/grpc-js';
import type { Registry } from 'prom-client';
import { HealthService } from '../proto/health.js';
import { serviceNotReady } from '../milvus/status.js';
import type { Admission } from './admission.js';
import { bindGrpc, createGrpcServer, shutdownGrpc } from './grpc-server.js';
import { HealthState, serviceName } from './health.js';
import type { MetricsServer } from './metrics-server.js';

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
  const grpcAddr = await bindGrpc(server, o.host, o.port);
  address = grpcAddr;
  const metrics = o.metrics;
  const metricsAddr = await metrics.listen(o.host, o.metricsPort, () => health.serving);
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

import { ADS_CONFIG_SOURCE } from './names.js';
import type { EnvoyJson } from '../../envoy-schema/index.js';
import { upstreamTls, type EnvoyTlsFiles } from './tls.js';

export interface ClusterSpec {
  name: string;
  /** gRPC upstreams speak HTTP/2; the coordinators' REST port speaks HTTP/1.1. */
  protocol: 'grpc' | 'http';
  /** A route of an operator hashes requests onto this cluster's endpoints. */
  ringHash: boolean;
  /** Per-connection buffer: clusters that carry whole REST bodies need room for the largest. */
  bufferLimitBytes?: number;
  /** The processes serve TLS: dial them over it (control-plane/resources/tls.ts). */
  tls?: EnvoyTlsFiles | undefined;
}

const HTTP2 = {
  'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
    '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
    explicit_http_config: { http2_protocol_options: {} },
  },
};

/**
 * An EDS cluster over ADS. Envoy checks gRPC upstreams itself with grpc.health.v1 (every
 * Mishards process serves it); endpoints also carry the control plane's own health verdict,
 * which is what proxyless gRPC clients go by.
 */
export function cluster(spec: ClusterSpec): EnvoyJson {
  return {
    name: spec.name,
    type: 'EDS',
    eds_cluster_config: { eds_config: ADS_CONFIG_SOURCE },
    connect_timeout: '1s',
    ...(spec.bufferLimitBytes ? { per_connection_buffer_limit_bytes: spec.bufferLimitBytes } : {}),
    // Envoy's default of 1,024 concurrent requests per cluster is far below a search fleet's.
    circuit_breakers: { thresholds: [{ max_requests: 10_000, max_pending_requests: 10_000 }] },
    lb_policy: spec.ringHash ? 'RING_HASH' : 'ROUND_ROBIN',
    ...(spec.tls ? { transport_socket: upstreamTls(spec.tls, spec.protocol === 'grpc' ? 'h2' : 'http/1.1') } : {}),
    ...(spec.ringHash ? { ring_hash_lb_config: { minimum_ring_size: 1024, maximum_ring_size: 65536 } } : {}),
    ...(spec.protocol === 'grpc'
      ? {
          typed_extension_protocol_options: HTTP2,
          health_checks: [{ timeout: '1s', interval: '5s', unhealthy_threshold: 2, healthy_threshold: 1, grpc_health_check: {} }],
        }
      : {}),
  };
}

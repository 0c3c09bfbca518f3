import { ADS_CONFIG_SOURCE, FRONT_LISTENER, HCM_TYPE, ROUTER_FILTER } from './names.js';
import type { EnvoyJson } from '../../envoy-schema/index.js';
import { extProcFilter, type ExtProcSettings } from './ext-proc-filter.js';
import { downstreamTls, type EnvoyTlsFiles } from './tls.js';

/**
 * A listener for proxyless gRPC clients (`xds:///<name>`): no address, just an HTTP
 * connection manager whose routes come over RDS under the same name.
 */
export function apiListener(name: string): EnvoyJson {
  return {
    name,
    api_listener: {
      api_listener: {
        '@type': HCM_TYPE,
        stat_prefix: name,
        rds: { route_config_name: name, config_source: ADS_CONFIG_SOURCE },
        http_filters: [ROUTER_FILTER],
      },
    },
  };
}

export interface FrontSettings extends ExtProcSettings {
  /** Address and port the front Envoy listens on for Milvus clients (gRPC and REST). */
  address: string;
  port: number;
  /** Serve Milvus clients over TLS, and dial the processes over it (control-plane/resources/tls.ts). */
  tls?: EnvoyTlsFiles | undefined;
}

/**
 * Envoy's front door: gRPC and REST on one port (codec AUTO), the ext_proc filter before the
 * router (per-route settings decide where it runs), routes over RDS.
 */
export function frontListener(s: FrontSettings): EnvoyJson {
  return {
    name: FRONT_LISTENER,
    address: { socket_address: { address: s.address, port_value: s.port } },
    // Envoy buffers whole REST bodies for ext_proc: a connection must be allowed to hold one.
    per_connection_buffer_limit_bytes: s.maxBodyBytes,
    filter_chains: [
      {
        ...(s.tls ? { transport_socket: downstreamTls(s.tls) } : {}),
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: {
              '@type': HCM_TYPE,
              stat_prefix: 'mishards_front',
              codec_type: 'AUTO',
              rds: { route_config_name: FRONT_LISTENER, config_source: ADS_CONFIG_SOURCE },
              http_filters: [extProcFilter(s), ROUTER_FILTER],
              // Milvus clients hold long-lived HTTP/2 connections; only idle ones are closed.
              common_http_protocol_options: { idle_timeout: '3600s' },
              http2_protocol_options: { max_concurrent_streams: 1024 },
            },
          },
        ],
      },
    ],
  };
}

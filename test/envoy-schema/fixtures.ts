/**
 * Realistic Envoy configurations in proto3 JSON, each built fresh so that a test can break one
 * thing in it. Written in canonical form (snake_case, "0.250s" durations, 64-bit integers as
 * strings) so that decoding the encoded bytes gives them back exactly.
 */

const ANY = 'type.googleapis.com/';

export function bootstrap(): Record<string, any> {
  return {
    node: { id: 'front-1', cluster: 'mishards-front' },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: 9901 } } },
    dynamic_resources: {
      ads_config: {
        api_type: 'GRPC',
        transport_api_version: 'V3',
        grpc_services: [{ envoy_grpc: { cluster_name: 'xds' } }],
        set_node_on_first_message_only: true,
      },
      cds_config: { ads: {}, resource_api_version: 'V3' },
      lds_config: { ads: {}, resource_api_version: 'V3' },
    },
    static_resources: {
      clusters: [
        {
          name: 'xds',
          type: 'STRICT_DNS',
          connect_timeout: '1s',
          typed_extension_protocol_options: {
            'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
              '@type': `${ANY}envoy.extensions.upstreams.http.v3.HttpProtocolOptions`,
              explicit_http_config: { http2_protocol_options: {} },
            },
          },
          load_assignment: {
            cluster_name: 'xds',
            endpoints: [
              {
                lb_endpoints: [
                  { endpoint: { address: { socket_address: { address: 'control-plane', port_value: 18000 } } } },
                  { endpoint: { address: { socket_address: { address: 'control-plane-2', port_value: 18000 } } } },
                ],
              },
            ],
          },
        },
      ],
    },
    layered_runtime: {
      layers: [{ name: 'static', static_layer: { 'overload.global_downstream_max_connections': 50000 } }],
    },
  };
}

export function routeConfiguration(): Record<string, any> {
  return {
    name: 'mishards-routes',
    virtual_hosts: [
      {
        name: 'mishards',
        domains: ['*'],
        routes: [
          {
            match: { path: '/milvus.proto.milvus.MilvusService/Search', grpc: {} },
            route: {
              weighted_clusters: {
                clusters: [
                  { name: 'coordinator-a', weight: 90 },
                  { name: 'coordinator-b', weight: 10 },
                ],
              },
              timeout: '30s',
              retry_policy: {
                retry_on: 'unavailable,cancelled,resource-exhausted',
                num_retries: 2,
                per_try_timeout: '10s',
                retry_back_off: { base_interval: '0.025s', max_interval: '0.250s' },
              },
            },
          },
          {
            match: { safe_regex: { regex: '^/v2/vectordb/entities/(search|query|get)$' } },
            route: { cluster: 'coordinator-http', timeout: '15s', idle_timeout: '60s' },
            request_headers_to_add: [{ header: { key: 'x-mishards-route', value: 'rest' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }],
          },
          {
            match: { prefix: '/' },
            route: { cluster: 'writer', timeout: '0s' },
          },
        ],
      },
    ],
  };
}

export function listener(): Record<string, any> {
  return {
    name: 'mishards-front',
    address: { socket_address: { address: '0.0.0.0', port_value: 19530 } },
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: {
              '@type': `${ANY}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`,
              stat_prefix: 'mishards',
              codec_type: 'AUTO',
              route_config: routeConfiguration(),
              http_filters: [
                {
                  name: 'envoy.filters.http.ext_proc',
                  typed_config: {
                    '@type': `${ANY}envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor`,
                    grpc_service: { envoy_grpc: { cluster_name: 'coordinator' }, timeout: '0.500s' },
                    processing_mode: { request_header_mode: 'SEND', request_body_mode: 'BUFFERED', response_header_mode: 'SKIP' },
                    failure_mode_allow: false,
                  },
                },
                {
                  name: 'envoy.filters.http.router',
                  typed_config: { '@type': `${ANY}envoy.extensions.filters.http.router.v3.Router` },
                },
              ],
              access_log: [
                {
                  name: 'envoy.access_loggers.stdout',
                  typed_config: { '@type': `${ANY}envoy.extensions.access_loggers.stream.v3.StdoutAccessLog` },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

export function edsCluster(): Record<string, any> {
  return {
    name: 'coordinator',
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' }, service_name: 'coordinator' },
    connect_timeout: '0.250s',
    lb_policy: 'LEAST_REQUEST',
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': `${ANY}envoy.extensions.upstreams.http.v3.HttpProtocolOptions`,
        explicit_http_config: { http2_protocol_options: { max_concurrent_streams: 1000 } },
      },
    },
    health_checks: [
      {
        timeout: '1s',
        interval: '5s',
        unhealthy_threshold: 2,
        healthy_threshold: 1,
        grpc_health_check: { service_name: 'milvus.proto.milvus.MilvusService' },
      },
    ],
    circuit_breakers: { thresholds: [{ priority: 'DEFAULT', max_requests: 10000, max_retries: 3 }] },
  };
}

export function clusterLoadAssignment(endpoints = 3): Record<string, any> {
  return {
    cluster_name: 'coordinator',
    endpoints: [
      {
        locality: { zone: 'z1' },
        lb_endpoints: Array.from({ length: endpoints }, (_, i) => ({
          endpoint: {
            address: { socket_address: { address: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`, port_value: 19530 + (i % 10) } },
            health_check_config: { port_value: 9091 },
          },
          health_status: 'HEALTHY',
          load_balancing_weight: 1 + (i % 3),
          metadata: { filter_metadata: { mishards: { group: `g${i % 3}`, node: `reader-${i}` } } },
        })),
      },
    ],
    policy: { overprovisioning_factor: 140 },
  };
}

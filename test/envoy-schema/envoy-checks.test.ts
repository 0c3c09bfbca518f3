/** The load-time checks Envoy makes beyond protoc-gen-validate (envoy-checks.ts). */
import { describe, expect, it } from 'vitest';
import { validateEnvoyJson } from '../../envoy-schema/index.js';
import { edsCluster, listener, routeConfiguration } from './fixtures.js';

const HCM = 'filter_chains[0].filters[0].typed_config';

describe('Envoy load-time checks', () => {
  it('refuses a safe_regex that RE2 does not compile', () => {
    const r = routeConfiguration();
    r.virtual_hosts[0].routes[1].match.safe_regex.regex = '^/v2/(search';
    expect(validateEnvoyJson('envoy.config.route.v3.RouteConfiguration', r).errors).toEqual([
      {
        path: 'virtual_hosts[0].routes[1].match.safe_regex.regex',
        message: expect.stringMatching(/^is not a valid RE2 regular expression: /),
      },
    ]);
  });

  it('uses RE2, not JS RegExp: a lookahead is refused', () => {
    const lookahead = '^/v2/(?!admin).*$';
    const r = routeConfiguration();
    r.virtual_hosts[0].routes[1].match.safe_regex.regex = lookahead;
    expect(new RegExp(lookahead).test('/v2/x')).toBe(true);
    expect(validateEnvoyJson('envoy.config.route.v3.RouteConfiguration', r).errors).toHaveLength(1);
  });

  it('requires the router to be the last HTTP filter, and only there', () => {
    const l = listener();
    const filters = l.filter_chains[0].filters[0].typed_config.http_filters;
    filters.reverse();
    expect(validateEnvoyJson('envoy.config.listener.v3.Listener', l).errors).toEqual([
      { path: `${HCM}.http_filters[0]`, message: 'the router filter is terminal and must be the last HTTP filter' },
      {
        path: `${HCM}.http_filters[1]`,
        message:
          'the last HTTP filter must be the router (envoy.extensions.filters.http.router.v3.Router), not envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor',
      },
    ]);
  });

  it('accepts an HCM without HTTP filters (Envoy adds the router)', () => {
    const l = listener();
    delete l.filter_chains[0].filters[0].typed_config.http_filters;
    expect(validateEnvoyJson('envoy.config.listener.v3.Listener', l).errors).toEqual([]);
  });

  it('requires IP addresses in a STATIC cluster', () => {
    const cluster = {
      name: 'static',
      type: 'STATIC',
      connect_timeout: '1s',
      load_assignment: {
        cluster_name: 'static',
        endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'localhost', port_value: 80 } } } }] }],
      },
    };
    expect(validateEnvoyJson('envoy.config.cluster.v3.Cluster', cluster).errors).toEqual([
      {
        path: 'load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address',
        message: 'a STATIC cluster needs IP addresses, got "localhost" (use type STRICT_DNS or LOGICAL_DNS for host names)',
      },
    ]);
    cluster.type = 'STRICT_DNS';
    expect(validateEnvoyJson('envoy.config.cluster.v3.Cluster', cluster).errors).toEqual([]);
    // STATIC is the default type.
    const untyped: Record<string, unknown> = { ...cluster };
    delete untyped.type;
    expect(validateEnvoyJson('envoy.config.cluster.v3.Cluster', untyped).errors).toHaveLength(1);
  });

  it('requires HTTP/2 on a cluster with gRPC health checks', () => {
    const cluster = edsCluster();
    delete cluster.typed_extension_protocol_options;
    expect(validateEnvoyJson('envoy.config.cluster.v3.Cluster', cluster).errors).toEqual([
      { path: 'health_checks[0].grpc_health_check', message: expect.stringMatching(/^gRPC health checking needs an HTTP\/2 cluster/) },
    ]);
    cluster.typed_extension_protocol_options = {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        explicit_http_config: { http_protocol_options: {} },
      },
    };
    expect(validateEnvoyJson('envoy.config.cluster.v3.Cluster', cluster).errors).toHaveLength(1);
    cluster.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'] = {
      '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
      auto_config: { http2_protocol_options: {} },
    };
    expect(validateEnvoyJson('envoy.config.cluster.v3.Cluster', cluster).errors).toEqual([]);
  });
});

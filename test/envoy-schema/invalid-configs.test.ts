/**
 * Each case breaks one thing in an otherwise valid configuration and expects exactly one error,
 * at the exact path: without the check it targets, the case finds no error and fails.
 */
import { describe, expect, it } from 'vitest';
import { EnvoyConfigError, encodeEnvoyJson, validateEnvoyJson } from '../../envoy-schema/index.js';
import { bootstrap, clusterLoadAssignment, edsCluster, listener, routeConfiguration } from './fixtures.js';

const BOOTSTRAP = 'envoy.config.bootstrap.v3.Bootstrap';
const LISTENER = 'envoy.config.listener.v3.Listener';
const ROUTES = 'envoy.config.route.v3.RouteConfiguration';
const CLUSTER = 'envoy.config.cluster.v3.Cluster';
const CLA = 'envoy.config.endpoint.v3.ClusterLoadAssignment';

const HCM_PATH = 'filter_chains[0].filters[0].typed_config';

function hcm(l: Record<string, any>): Record<string, any> {
  return l.filter_chains[0].filters[0].typed_config;
}

interface Case {
  name: string;
  type: string;
  build: () => unknown;
  path: string;
  message: RegExp;
}

const CASES: Case[] = [
  {
    name: 'an unknown field',
    type: CLUSTER,
    build: () => ({ ...edsCluster(), conect_timeout: '1s' }),
    path: 'conect_timeout',
    message: /unknown field "conect_timeout" in envoy\.config\.cluster\.v3\.Cluster/,
  },
  {
    name: 'an unknown field inside an Any payload',
    type: LISTENER,
    build: () => {
      const l = listener();
      hcm(l).http_filters[1].typed_config.dynamic_stat = true; // Router has dynamic_stats
      return l;
    },
    path: `${HCM_PATH}.http_filters[1].typed_config.dynamic_stat`,
    message: /unknown field "dynamic_stat" in envoy\.extensions\.filters\.http\.router\.v3\.Router/,
  },
  {
    name: 'a wrong enum name',
    type: CLUSTER,
    build: () => ({ ...edsCluster(), lb_policy: 'ROUND_ROBBIN' }),
    path: 'lb_policy',
    message: /unknown value "ROUND_ROBBIN" for enum envoy\.config\.cluster\.v3\.Cluster\.LbPolicy/,
  },
  {
    name: 'an unresolvable @type',
    type: LISTENER,
    build: () => {
      const l = listener();
      hcm(l).http_filters[1].typed_config['@type'] = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Routr';
      return l;
    },
    path: `${HCM_PATH}.http_filters[1].typed_config.@type`,
    message: /unknown type "envoy\.extensions\.filters\.http\.router\.v3\.Routr"/,
  },
  {
    name: 'a malformed @type',
    type: LISTENER,
    build: () => {
      const l = listener();
      hcm(l).http_filters[1].typed_config['@type'] = 'envoy.extensions.filters.http.router.v3.Router';
      return l;
    },
    path: `${HCM_PATH}.http_filters[1].typed_config.@type`,
    message: /malformed type URL/,
  },
  {
    name: 'a bad Duration string',
    type: CLUSTER,
    build: () => ({ ...edsCluster(), connect_timeout: '250ms' }),
    path: 'connect_timeout',
    message: /invalid Duration "250ms"/,
  },
  {
    name: 'a Duration out of range',
    type: CLUSTER,
    build: () => ({ ...edsCluster(), connect_timeout: '315576000001s' }),
    path: 'connect_timeout',
    message: /out of range/,
  },
  {
    name: 'two members of one oneof',
    type: ROUTES,
    build: () => {
      const r = routeConfiguration();
      r.virtual_hosts[0].routes[2].route.weighted_clusters = { clusters: [{ name: 'writer', weight: 1 }] };
      return r;
    },
    path: 'virtual_hosts[0].routes[2].route.weighted_clusters',
    message: /"cluster" and "weighted_clusters" are both set, but oneof "cluster_specifier" allows only one/,
  },
  {
    name: 'no member of a required oneof',
    type: ROUTES,
    build: () => {
      const r = routeConfiguration();
      delete r.virtual_hosts[0].routes[2].route.cluster;
      return r;
    },
    path: 'virtual_hosts[0].routes[2].route',
    message: /oneof "cluster_specifier" is required/,
  },
  {
    name: 'a missing required message',
    type: CLUSTER,
    build: () => {
      const c = edsCluster();
      delete c.health_checks[0].healthy_threshold;
      return c;
    },
    path: 'health_checks[0].healthy_threshold',
    message: /is required/,
  },
  {
    name: 'a missing required Duration',
    type: CLUSTER,
    build: () => {
      const c = edsCluster();
      delete c.health_checks[0].timeout;
      return c;
    },
    path: 'health_checks[0].timeout',
    message: /is required/,
  },
  {
    name: 'a Cluster without a name (min_len)',
    type: CLUSTER,
    build: () => {
      const c = edsCluster();
      delete c.name;
      return c;
    },
    path: 'name',
    message: /must be at least 1 characters long, is 0/,
  },
  {
    name: 'a port over 65535',
    type: CLA,
    build: () => {
      const cla = clusterLoadAssignment(3);
      cla.endpoints[0].lb_endpoints[1].endpoint.address.socket_address.port_value = 65536;
      return cla;
    },
    path: 'endpoints[0].lb_endpoints[1].endpoint.address.socket_address.port_value',
    message: /must be at most 65535, got 65536/,
  },
  {
    name: 'a port in a static cluster of the bootstrap',
    type: BOOTSTRAP,
    build: () => {
      const b = bootstrap();
      b.static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[1].endpoint.address.socket_address.port_value = 70000;
      return b;
    },
    path: 'static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[1].endpoint.address.socket_address.port_value',
    message: /must be at most 65535/,
  },
  {
    name: 'a min_items violation',
    type: ROUTES,
    build: () => {
      const r = routeConfiguration();
      r.virtual_hosts[0].domains = [];
      return r;
    },
    path: 'virtual_hosts[0].domains',
    message: /must have at least 1 items, has 0/,
  },
  {
    name: 'a header name with a line break (HTTP_HEADER_NAME, strict: false)',
    type: ROUTES,
    build: () => {
      const r = routeConfiguration();
      r.virtual_hosts[0].routes[0].match.headers = [{ name: 'x-tenant\nx-evil', string_match: { exact: 'a' } }];
      return r;
    },
    path: 'virtual_hosts[0].routes[0].match.headers[0].name',
    message: /must be a valid HTTP header name/,
  },
  {
    name: 'a header name with a space (HTTP_HEADER_NAME, strict)',
    type: CLUSTER,
    build: () => {
      const c = edsCluster();
      c.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'].upstream_http_protocol_options = {
        auto_sni: true,
        override_auto_sni_header: 'x sni',
      };
      return c;
    },
    path: 'typed_extension_protocol_options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"].upstream_http_protocol_options.override_auto_sni_header',
    message: /must be a valid HTTP header name, got "x sni"/,
  },
  {
    name: 'a weight of 0 (UInt32Value with gte: 1)',
    type: CLA,
    build: () => {
      const cla = clusterLoadAssignment(3);
      cla.endpoints[0].lb_endpoints[2].load_balancing_weight = 0;
      return cla;
    },
    path: 'endpoints[0].lb_endpoints[2].load_balancing_weight',
    message: /must be at least 1, got 0/,
  },
  {
    name: 'a Duration under its lower bound',
    type: CLUSTER,
    build: () => ({ ...edsCluster(), type: 'STRICT_DNS', eds_cluster_config: null, dns_refresh_rate: '0.001s' }),
    path: 'dns_refresh_rate',
    message: /must be greater than 0\.001s, got 0\.001s/,
  },
  {
    name: 'an enum number that is not defined (defined_only)',
    type: CLUSTER,
    build: () => ({ ...edsCluster(), lb_policy: 42 }),
    path: 'lb_policy',
    message: /42 is not a defined value of envoy\.config\.cluster\.v3\.Cluster\.LbPolicy/,
  },
  {
    name: 'an empty virtual host name in the HCM inside a Listener',
    type: LISTENER,
    build: () => {
      const l = listener();
      hcm(l).route_config.virtual_hosts[0].name = '';
      return l;
    },
    path: `${HCM_PATH}.route_config.virtual_hosts[0].name`,
    message: /must be at least 1 characters long/,
  },
  {
    name: 'a string where a number belongs',
    type: CLA,
    build: () => {
      const cla = clusterLoadAssignment(1);
      cla.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value = 'eighty';
      return cla;
    },
    path: 'endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value',
    message: /expected an integer/,
  },
];

describe('invalid Envoy configurations', () => {
  it.each(CASES)('$name is reported at its path', ({ type, build, path, message }) => {
    const { errors } = validateEnvoyJson(type, build());
    expect(errors).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it('encodeEnvoyJson throws an error listing every problem', () => {
    const c = { ...edsCluster(), name: '', lb_policy: 'NOPE', extra: 1 };
    let error: unknown;
    try {
      encodeEnvoyJson(CLUSTER, c);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnvoyConfigError);
    const issues = (error as EnvoyConfigError).issues.map((i) => i.path).sort();
    expect(issues).toEqual(['extra', 'lb_policy', 'name']);
    expect((error as Error).message).toMatch(/^invalid envoy\.config\.cluster\.v3\.Cluster \(3 errors\):\n/);
    expect((error as Error).message).toContain('name: must be at least 1 characters long');
  });

  it('does not repeat a parse error as a rule error on the same field', () => {
    // `name: 5` fails to parse; min_len on the (then empty) name must not be reported too.
    const { errors } = validateEnvoyJson(CLUSTER, { ...edsCluster(), name: 5 });
    expect(errors).toEqual([{ path: 'name', message: 'expected a string, got number 5' }]);
  });

  it('reports an unknown message type', () => {
    expect(validateEnvoyJson('envoy.config.cluster.v3.Clustr', {}).errors).toEqual([
      { path: '', message: 'unknown Envoy message type "envoy.config.cluster.v3.Clustr"' },
    ]);
  });
});

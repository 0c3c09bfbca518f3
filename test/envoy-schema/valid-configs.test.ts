import { describe, expect, it } from 'vitest';
import { decodeEnvoy, encodeEnvoyJson, validateEnvoyJson } from '../../envoy-schema/index.js';
import { parseProtoJson } from '../../envoy-schema/proto-json.js';
import { lookupEnvoyType } from '../../envoy-schema/root.js';
import { validateMessage } from '../../envoy-schema/validate-rules.js';
import { bootstrap, clusterLoadAssignment, edsCluster, listener, routeConfiguration } from './fixtures.js';

/**
 * The input as proto3 sees it: a scalar field at its default value is not encoded, so it does
 * not come back. (The fixtures' enum defaults are AUTO and DEFAULT.)
 */
function withoutDefaults(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(withoutDefaults);
  if (typeof json !== 'object' || json === null) return json;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (value === false || value === 0 || value === '' || value === 'AUTO' || value === 'DEFAULT') continue;
    out[key] = withoutDefaults(value);
  }
  return out;
}

const GOOD: Array<[string, string, () => Record<string, unknown>]> = [
  ['Bootstrap with ADS and a static cluster', 'envoy.config.bootstrap.v3.Bootstrap', bootstrap],
  ['Listener with HCM, ext_proc and router', 'envoy.config.listener.v3.Listener', listener],
  ['RouteConfiguration', 'envoy.config.route.v3.RouteConfiguration', routeConfiguration],
  ['EDS Cluster with HTTP/2 and gRPC health check', 'envoy.config.cluster.v3.Cluster', edsCluster],
  ['ClusterLoadAssignment', 'envoy.config.endpoint.v3.ClusterLoadAssignment', () => clusterLoadAssignment(5)],
];

describe('valid Envoy configurations', () => {
  it.each(GOOD)('%s passes', (_label, type, make) => {
    expect(validateEnvoyJson(type, make())).toEqual({ errors: [], warnings: [] });
  });

  it.each(GOOD)('%s round-trips through the encoded bytes', (_label, type, make) => {
    const bytes = encodeEnvoyJson(type, make());
    const decoded = decodeEnvoy(type, bytes);
    expect(decoded).toEqual(withoutDefaults(make()));
    // And the decoded form encodes to the same bytes.
    expect(Buffer.from(encodeEnvoyJson(type, decoded)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('encodes what protobufjs decodes back to the same fields', () => {
    const bytes = encodeEnvoyJson('envoy.config.cluster.v3.Cluster', edsCluster());
    const cluster = lookupEnvoyType('envoy.config.cluster.v3.Cluster')!.decode(bytes) as unknown as Record<string, any>;
    expect(cluster.name).toBe('coordinator');
    expect(cluster.type).toBe(3); // EDS
    expect(Number(cluster.connect_timeout.nanos)).toBe(250_000_000);
    expect(cluster.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'].type_url).toBe(
      'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
    );
  });

  it('validates messages decoded from bytes too, Any payloads included', () => {
    // A rule error is not a parse error: parseProtoJson builds the message, the rules refuse it.
    const bad = listener();
    bad.filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].name = '';
    const parsed = parseProtoJson('envoy.config.listener.v3.Listener', bad);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const type = lookupEnvoyType('envoy.config.listener.v3.Listener')!;
    const decoded = type.decode(type.encode(parsed.message).finish());
    expect(validateMessage(type, decoded).errors).toEqual([
      {
        path: 'filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].name',
        message: 'must be at least 1 characters long, is 0',
      },
    ]);
    const good = type.decode(encodeEnvoyJson('envoy.config.listener.v3.Listener', listener()));
    expect(validateMessage(type, good)).toEqual({ errors: [], warnings: [] });
  });

  it('accepts lowerCamelCase field names as well', () => {
    const camel = {
      clusterName: 'c',
      endpoints: [{ lbEndpoints: [{ endpoint: { address: { socketAddress: { address: '10.0.0.1', portValue: 80 } } } }] }],
    };
    const snake = {
      cluster_name: 'c',
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '10.0.0.1', port_value: 80 } } } }] }],
    };
    const type = 'envoy.config.endpoint.v3.ClusterLoadAssignment';
    expect(Buffer.from(encodeEnvoyJson(type, camel)).equals(Buffer.from(encodeEnvoyJson(type, snake)))).toBe(true);
  });

  it('validates and encodes a 1,000-endpoint ClusterLoadAssignment quickly', () => {
    const type = 'envoy.config.endpoint.v3.ClusterLoadAssignment';
    const cla = clusterLoadAssignment(1000);
    encodeEnvoyJson(type, cla); // warm-up: plans compiled, code optimised
    const runs: number[] = [];
    let bytes: Uint8Array = new Uint8Array();
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      bytes = encodeEnvoyJson(type, cla);
      runs.push(performance.now() - started);
    }
    runs.sort((a, b) => a - b);
    const median = runs[Math.floor(runs.length / 2)]!;
    console.log(
      `1,000-endpoint ClusterLoadAssignment: parse+validate+encode median ${median.toFixed(2)} ms, best ${runs[0]!.toFixed(2)} ms, ${bytes.length} bytes`,
    );
    expect(decodeEnvoy(type, bytes).endpoints).toHaveLength(1);
    // Generous bound for a shared two-core machine: the point is "milliseconds, not seconds".
    expect(median).toBeLessThan(100);
  });
});

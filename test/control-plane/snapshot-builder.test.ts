import { describe, expect, it } from 'vitest';
import { decodeEnvoy, encodeEnvoyJson, validateEnvoyJson } from '../../envoy-schema/index.js';
import type { NodeRegistration } from '../../cluster/registry/schema.js';
import { SnapshotBuilder, type SnapshotInputs } from '../../control-plane/resources/build-snapshot.js';
import { CONTROL_PLANE_DEFAULTS } from '../../control-plane/defaults.js';
import { parseRouteRule, routeKey } from '../../control-plane/routes/schema.js';
import { TypeUrl, type Snapshot } from '../../control-plane/xds/snapshot.js';

const PREFIX = '/mishards';
const TYPE_NAMES = {
  [TypeUrl.cluster]: 'envoy.config.cluster.v3.Cluster',
  [TypeUrl.endpoint]: 'envoy.config.endpoint.v3.ClusterLoadAssignment',
  [TypeUrl.listener]: 'envoy.config.listener.v3.Listener',
  [TypeUrl.route]: 'envoy.config.route.v3.RouteConfiguration',
};

function node(role: NodeRegistration['role'], name: string, port: number, extra: Partial<NodeRegistration> = {}) {
  const registration: NodeRegistration = {
    role,
    name,
    addresses: { grpc: `127.0.0.1:${port}`, metrics: `127.0.0.1:${port + 1}` },
    version: '0.1.0',
    startedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
  return {
    key: `${PREFIX}/nodes/${role}/${name}`,
    registration,
    resolve: (hp: string) => ({ ip: '127.0.0.1', port: Number(hp.split(':')[1]) }),
  };
}

const rule = (name: string, value: object) => ({
  key: routeKey(PREFIX, name),
  rule: parseRouteRule(PREFIX, routeKey(PREFIX, name), JSON.stringify(value)),
});

function inputs(over: Partial<SnapshotInputs> = {}): SnapshotInputs {
  return {
    nodes: [
      node('writer', 'w1', 7000),
      node('coordinator', 'c1', 7010, { addresses: { grpc: '127.0.0.1:7010', http: '127.0.0.1:7012', metrics: '127.0.0.1:7011' } }),
      node('reader', 'r1', 7020, { group: 'g1' }),
      node('reader', 'r2', 7030, { group: 'g1' }),
      node('reader', 'r3', 7040, { group: 'g2' }),
    ],
    routes: [],
    health: (address) => (address === '127.0.0.1:7030' ? 'UNHEALTHY' : 'HEALTHY'),
    revision: 42n,
    front: CONTROL_PLANE_DEFAULTS.front,
    ...over,
  };
}

function decoded(s: Snapshot, type: TypeUrl, name: string): any {
  const r = s.types.get(type)!.resources.get(name);
  if (!r) throw new Error(`no ${type} ${name}`);
  return decodeEnvoy(TYPE_NAMES[type], r.value);
}

const names = (s: Snapshot, type: TypeUrl) => [...s.types.get(type)!.resources.keys()].sort();

describe('snapshot building', () => {
  it('builds one cluster per role and reader group, endpoints with health, API listeners and the front', () => {
    const { snapshot, rejected, endpointCount } = new SnapshotBuilder(encodeEnvoyJson).build(inputs());
    expect(rejected).toEqual([]);
    expect(endpointCount).toBe(6);
    expect(names(snapshot, TypeUrl.cluster)).toEqual([
      'mishards-coordinator',
      'mishards-coordinator-http',
      'mishards-reader-g1',
      'mishards-reader-g2',
      'mishards-writer',
    ]);
    expect(names(snapshot, TypeUrl.endpoint)).toEqual(names(snapshot, TypeUrl.cluster));
    expect(names(snapshot, TypeUrl.listener)).toEqual([
      'mishards-coordinator',
      'mishards-front',
      'mishards-reader-g1',
      'mishards-reader-g2',
      'mishards-writer',
    ]);
    expect(names(snapshot, TypeUrl.route)).toEqual(names(snapshot, TypeUrl.listener));

    const g1 = decoded(snapshot, TypeUrl.endpoint, 'mishards-reader-g1');
    const endpoints = g1.endpoints[0].lb_endpoints.map((e: any) => [
      e.endpoint.address.socket_address.port_value,
      e.health_status,
      e.endpoint.hostname,
    ]);
    expect(endpoints).toEqual([
      [7020, 'HEALTHY', 'r1'],
      [7030, 'UNHEALTHY', 'r2'],
    ]);
    const http = decoded(snapshot, TypeUrl.endpoint, 'mishards-coordinator-http');
    expect(http.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value).toBe(7012);

    const listener = decoded(snapshot, TypeUrl.listener, 'mishards-reader-g1');
    expect(listener.api_listener.api_listener.rds.route_config_name).toBe('mishards-reader-g1');
    const route = decoded(snapshot, TypeUrl.route, 'mishards-reader-g1');
    expect(route.virtual_hosts[0].routes.map((r: any) => r.route.cluster)).toEqual(['mishards-reader-g1']);
    expect(decoded(snapshot, TypeUrl.cluster, 'mishards-reader-g1').lb_policy ?? 'ROUND_ROBIN').toBe('ROUND_ROBIN');
  });

  it('routes the front: gRPC search and query to the coordinators, REST to their REST port, the rest to the writer', () => {
    const { snapshot } = new SnapshotBuilder(encodeEnvoyJson).build(inputs());
    const routes = decoded(snapshot, TypeUrl.route, 'mishards-front').virtual_hosts[0].routes;
    const summary = routes.map((r: any) => [
      r.match.path ?? `${r.match.prefix}*`,
      r.route.cluster,
      r.typed_per_filter_config ? 'no ext_proc' : 'ext_proc',
    ]);
    expect(summary).toEqual([
      ['/milvus.proto.milvus.MilvusService/Search', 'mishards-coordinator', 'no ext_proc'],
      ['/milvus.proto.milvus.MilvusService/Query', 'mishards-coordinator', 'no ext_proc'],
      ['/milvus.proto.milvus.MilvusService/HybridSearch', 'mishards-coordinator', 'no ext_proc'],
      ['/v2/vectordb/entities/search', 'mishards-coordinator-http', 'ext_proc'],
      ['/v2/vectordb/entities/query', 'mishards-coordinator-http', 'ext_proc'],
      ['/v2/vectordb/entities/get', 'mishards-coordinator-http', 'ext_proc'],
      ['/v2/vectordb/entities/hybrid_search', 'mishards-coordinator-http', 'ext_proc'],
      ['/v2/vectordb/*', 'mishards-coordinator-http', 'no ext_proc'],
      ['/*', 'mishards-writer', 'no ext_proc'],
    ]);
    const front = decoded(snapshot, TypeUrl.listener, 'mishards-front');
    expect(front.address.socket_address.port_value).toBe(19530);
    const filters = front.filter_chains[0].filters[0].typed_config.http_filters.map((f: any) => f.name);
    expect(filters).toEqual(['envoy.filters.http.ext_proc', 'envoy.filters.http.router']);
  });

  it('gives the same versions on every replica, and changes only the versions of what changed', () => {
    const a = new SnapshotBuilder(encodeEnvoyJson).build(inputs()).snapshot;
    const b = new SnapshotBuilder(encodeEnvoyJson).build(inputs()).snapshot;
    expect(b.version).toBe(a.version);
    expect(a.version).toMatch(/^42-/);
    for (const [type, t] of a.types) expect(b.types.get(type)!.version).toBe(t.version);

    // r2 turns healthy: endpoints change, nothing else.
    const builder = new SnapshotBuilder(encodeEnvoyJson);
    const before = builder.build(inputs()).snapshot;
    const after = builder.build(inputs({ health: () => 'HEALTHY' })).snapshot;
    const changed = [...before.types].filter(([type, t]) => after.types.get(type)!.version !== t.version).map(([type]) => type);
    expect(changed).toEqual([TypeUrl.endpoint]);
    // Unchanged resources are the same objects, so the ADS server encodes them once.
    expect(after.types.get(TypeUrl.cluster)!.resources.get('mishards-writer')).toBe(
      before.types.get(TypeUrl.cluster)!.resources.get('mishards-writer'),
    );
    expect(after.types.get(TypeUrl.endpoint)!.resources.get('mishards-reader-g1')!.version).not.toBe(
      before.types.get(TypeUrl.endpoint)!.resources.get('mishards-reader-g1')!.version,
    );
  });

  it('places operator rules before the built-in routes, by priority, and hashes clusters that rules hash on', () => {
    const { snapshot, rejected } = new SnapshotBuilder(encodeEnvoyJson).build(
      inputs({
        routes: [
          rule('b-late', {
            listener: 'mishards-coordinator',
            priority: 20,
            match: { grpcMethod: 'Query' },
            action: { cluster: 'mishards-writer' },
          }),
          rule('a-early', {
            listener: 'mishards-coordinator',
            priority: 10,
            match: { collection: 'books' },
            action: { cluster: 'mishards-coordinator', hashPolicy: [{ collection: true }] },
          }),
        ],
      }),
    );
    expect(rejected).toEqual([]);
    const routes = decoded(snapshot, TypeUrl.route, 'mishards-coordinator').virtual_hosts[0].routes.map((r: any) => r.name);
    expect(routes).toEqual(['rule/a-early', 'rule/b-late', 'default']);
    expect(decoded(snapshot, TypeUrl.cluster, 'mishards-coordinator').lb_policy).toBe('RING_HASH');
    expect(decoded(snapshot, TypeUrl.cluster, 'mishards-writer').lb_policy ?? 'ROUND_ROBIN').toBe('ROUND_ROBIN');
  });

  it("rejects rules naming clusters or listeners that do not exist, keeping a key's previous value", () => {
    const builder = new SnapshotBuilder(encodeEnvoyJson);
    const good = rule('canary', {
      listener: 'mishards-reader-g1',
      action: {
        weightedClusters: [
          { cluster: 'mishards-reader-g1', weight: 90 },
          { cluster: 'mishards-reader-g2', weight: 10 },
        ],
      },
    });
    const first = builder.build(inputs({ routes: [good] }));
    expect(first.rejected).toEqual([]);
    const bad = rule('canary', { listener: 'mishards-reader-g1', action: { cluster: 'mishards-reader-g9' } });
    const other = rule('ghost', { listener: 'mishards-reader-g5', action: { cluster: 'mishards-writer' } });
    const second = builder.build(inputs({ routes: [bad, other] }));
    expect(second.rejected).toEqual([
      {
        key: routeKey(PREFIX, 'canary'),
        reason: 'unknown cluster mishards-reader-g9 (no such registered role or reader group); its previous value stays in force',
      },
      { key: routeKey(PREFIX, 'ghost'), reason: 'listener mishards-reader-g5 does not exist (no such registered role or reader group)' },
    ]);
    expect(decoded(second.snapshot, TypeUrl.route, 'mishards-reader-g1')).toEqual(
      decoded(first.snapshot, TypeUrl.route, 'mishards-reader-g1'),
    );
    expect(second.snapshot.types.get(TypeUrl.route)!.version.split('-')[1]).toBe(
      first.snapshot.types.get(TypeUrl.route)!.version.split('-')[1],
    );
  });

  it('generates only resources Envoy takes without errors or deprecation warnings', () => {
    const { snapshot, rejected } = new SnapshotBuilder(encodeEnvoyJson).build(
      inputs({
        routes: [
          rule('every-feature', {
            listener: 'mishards-front',
            match: {
              grpcMethod: 'Search',
              headers: [
                { name: 'x-tenant', regex: 'team-[a-z]+' },
                { name: 'x-canary', present: true, invert: true },
              ],
              collection: 'books',
            },
            action: {
              weightedClusters: [
                { cluster: 'mishards-coordinator', weight: 90 },
                { cluster: 'mishards-reader-g1', weight: 10 },
              ],
              timeout: '2s',
              retry: { on: ['unavailable', 'reset'], numRetries: 2, perTryTimeout: '500ms', backoff: { base: '25ms', max: '250ms' } },
              hashPolicy: [{ header: 'x-user', terminal: true }],
            },
          }),
          rule('rest', {
            listener: 'mishards-front',
            match: { restPath: '/v2/vectordb/entities/search', headers: [{ name: 'x-a', prefix: 'b' }] },
            action: { cluster: 'mishards-coordinator-http' },
          }),
        ],
      }),
    );
    expect(rejected).toEqual([]);
    let checked = 0;
    for (const [type, t] of snapshot.types) {
      for (const r of t.resources.values()) {
        const result = validateEnvoyJson(TYPE_NAMES[type], decodeEnvoy(TYPE_NAMES[type], r.value));
        expect({ resource: r.name, ...result }).toEqual({ resource: r.name, errors: [], warnings: [] });
        checked++;
      }
    }
    expect(checked).toBe(20);
  });

  it('leaves out a registration whose host does not resolve, naming its key', () => {
    const unresolved = { ...node('reader', 'r9', 7090, { group: 'g1' }), resolve: () => undefined };
    const { rejected, endpointCount } = new SnapshotBuilder(encodeEnvoyJson).build(inputs({ nodes: [...inputs().nodes, unresolved] }));
    expect(rejected).toEqual([{ key: `${PREFIX}/nodes/reader/r9`, reason: 'host of 127.0.0.1:7090 does not resolve to an IP address' }]);
    expect(endpointCount).toBe(6);
  });

  it('with certificates: a DownstreamTlsContext on the front (mutual with a CA) and upstream TLS on every cluster, valid for Envoy', () => {
    const tls = { cert: '/etc/mishards/node.crt', key: '/etc/mishards/node.key', ca: '/etc/mishards/ca.crt' };
    const { snapshot } = new SnapshotBuilder(encodeEnvoyJson).build(inputs({ front: { ...CONTROL_PLANE_DEFAULTS.front, tls } }));
    for (const [type, t] of snapshot.types) {
      for (const r of t.resources.values()) {
        const result = validateEnvoyJson(TYPE_NAMES[type], decodeEnvoy(TYPE_NAMES[type], r.value));
        expect({ resource: r.name, ...result }).toEqual({ resource: r.name, errors: [], warnings: [] });
      }
    }
    const certificates = [{ certificate_chain: { filename: tls.cert }, private_key: { filename: tls.key } }];
    const front = decoded(snapshot, TypeUrl.listener, 'mishards-front').filter_chains[0].transport_socket;
    expect(front).toMatchObject({
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
        require_client_certificate: true,
        common_tls_context: { tls_certificates: certificates, validation_context: { trusted_ca: { filename: tls.ca } } },
      },
    });
    for (const name of names(snapshot, TypeUrl.cluster)) {
      expect(decoded(snapshot, TypeUrl.cluster, name).transport_socket, name).toMatchObject({
        typed_config: {
          '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
          common_tls_context: {
            tls_certificates: certificates,
            alpn_protocols: [name === 'mishards-coordinator-http' ? 'http/1.1' : 'h2'],
            validation_context: { trusted_ca: { filename: tls.ca } },
          },
        },
      });
    }
    // Without certificates, nothing of the kind.
    const plain = new SnapshotBuilder(encodeEnvoyJson).build(inputs()).snapshot;
    expect(decoded(plain, TypeUrl.listener, 'mishards-front').filter_chains[0].transport_socket).toBeUndefined();
    expect(decoded(plain, TypeUrl.cluster, 'mishards-writer').transport_socket).toBeUndefined();
  });
});

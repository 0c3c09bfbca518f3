import { describe, expect, it } from 'vitest';
import { peersText } from '../../nginx/lua/peers.js';
import { privateMainConfig } from '../../nginx/render/main.js';
import type { XdsState } from '../../nginx/render/model.js';
import { type RenderSettings, renderHttp } from '../../nginx/render/render.js';
import { TypeUrl } from '../../proto/xds.js';
import { buildState, CLUSTER, edited } from './snapshots.js';

/**
 * The renderer: every mapping from the control plane's snapshot to Nginx configuration, and
 * every reason it refuses a resource (what the agent NACKs). Nginx itself checks the rendered
 * text in test/nginx/nginx-config.test.ts.
 */
const RELOAD: RenderSettings = { listener: 'mishards-front', restPort: undefined, tls: undefined, lua: undefined };
const LUA: RenderSettings = { ...RELOAD, lua: { packageDir: '/opt/mishards/nginx/lua', adminSocket: '/run/agent/admin.sock' } };

const render = (state: XdsState, settings = RELOAD) => renderHttp(state, settings);

/** The block that starts with the line `header` (a line ending in `{`), up to its closing brace. */
function block(text: string, header: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === header);
  if (start < 0) throw new Error(`no block ${header} in:\n${text}`);
  let depth = 0;
  for (let i = start; i < lines.length; i++) {
    depth += (lines[i]!.match(/\{/g) ?? []).length - (lines[i]!.match(/\}/g) ?? []).length;
    if (depth === 0)
      return lines
        .slice(start, i + 1)
        .map((l) => l.trim())
        .join('\n');
  }
  throw new Error(`unclosed block ${header}`);
}

/** The route map's entries: the route index each pattern names, in order. */
function routeEntries(text: string): string[] {
  return block(text, 'map "$uri" $mishards_route {').split('\n').slice(1, -1);
}

/** The internal location of route `i` (in the gRPC server, the first one rendered). */
const location = (text: string, i: number | string) => block(text, `location ^~ /_mishards/${i}/ {`);

const canary = {
  listener: 'mishards-front',
  priority: 10,
  match: { grpcMethod: 'grpc.health.v1.Health/Check', headers: [{ name: 'x-tenant', regex: 'team-(a|b)' }], collection: 'books' },
  action: {
    weightedClusters: [
      { cluster: 'mishards-reader-g1', weight: 80 },
      { cluster: 'mishards-reader-g2', weight: 20 },
    ],
    timeout: '2s',
    retry: { on: ['unavailable', 'connect-failure'], numRetries: 2, perTryTimeout: '500ms', backoff: { base: '25ms' } },
    hashPolicy: [{ header: 'x-user' }, { collection: true }],
  },
};

describe('the snapshot as Nginx configuration', () => {
  const state = buildState();
  const out = render(state);

  it('renders an upstream per cluster, with keep-alive and passive health from its health checks', () => {
    expect(block(out.http, 'upstream mishards-coordinator {')).toBe(
      [
        'upstream mishards-coordinator {',
        'zone mishards-coordinator 66k;',
        'server 127.0.0.1:7010 max_fails=2 fail_timeout=5s;',
        'server 127.0.0.1:7020 max_fails=2 fail_timeout=5s;',
        'keepalive 64;',
        'keepalive_requests 100000;',
        'keepalive_timeout 60s;',
        '}',
      ].join('\n'),
    );
    // The REST port has no health checks in the snapshot: Nginx's own defaults.
    expect(block(out.http, 'upstream mishards-coordinator-http {')).toContain('server 127.0.0.1:7012 max_fails=1 fail_timeout=10s;');
    for (const name of ['mishards-writer', 'mishards-reader-g1', 'mishards-reader-g2']) expect(out.http).toContain(`upstream ${name} {`);
    expect(out.notes).toContain(
      "active health checks: Nginx checks passively (max_fails, fail_timeout) and routes by the control plane's health verdict",
    );
    expect(out.notes).toContain(
      'circuit breakers: Nginx has no per-cluster request limit; worker_connections bounds the requests in flight',
    );
  });

  it('leaves unhealthy endpoints out, unless all are (panic routing), and gives an empty cluster a server marked down', () => {
    const members = CLUSTER.map((m) => (m.name === 'r1' ? { ...m, health: 'UNHEALTHY' as const } : m));
    const one = render(buildState(members)).http;
    expect(block(one, 'upstream mishards-reader-g1 {')).not.toContain('7030');
    expect(block(one, 'upstream mishards-reader-g1 {')).toContain('server 127.0.0.1:7040');
    const allDown = render(buildState(CLUSTER.map((m) => ({ ...m, health: 'UNHEALTHY' as const })))).http;
    expect(block(allDown, 'upstream mishards-reader-g1 {')).toContain('server 127.0.0.1:7030');
    expect(block(allDown, 'upstream mishards-reader-g1 {')).toContain('server 127.0.0.1:7040');
    const noReaders = render(buildState(CLUSTER.filter((m) => m.role !== 'coordinator'))).http;
    expect(block(noReaders, 'upstream mishards-coordinator {')).toContain('server 127.0.0.1:1 down;');
    // UNKNOWN (a process just registered) is routable, as for Envoy and gRPC.
    const unknown = render(buildState(CLUSTER.map((m) => ({ ...m, health: 'UNKNOWN' as const })))).http;
    expect(block(unknown, 'upstream mishards-writer {')).toContain('server 127.0.0.1:7000');
  });

  it('keeps the route order: gRPC search and query, REST answered paths, the rest of REST, then the writer', () => {
    expect(routeEntries(out.http)).toEqual([
      '"~^/milvus\\\\.proto\\\\.milvus\\\\.MilvusService/Search$" 0; # grpc/Search',
      '"~^/milvus\\\\.proto\\\\.milvus\\\\.MilvusService/Query$" 1; # grpc/Query',
      '"~^/milvus\\\\.proto\\\\.milvus\\\\.MilvusService/HybridSearch$" 2; # grpc/HybridSearch',
      '"~^/v2/vectordb/entities/search$" 3; # rest/v2/vectordb/entities/search',
      '"~^/v2/vectordb/entities/query$" 4; # rest/v2/vectordb/entities/query',
      '"~^/v2/vectordb/entities/get$" 5; # rest/v2/vectordb/entities/get',
      '"~^/v2/vectordb/entities/hybrid_search$" 6; # rest/v2/vectordb/entities/hybrid_search',
      '"~^/v2/vectordb/" 7; # rest',
      '"~^/" 8; # writer',
      'default none;',
    ]);
  });

  it('sends gRPC routes with grpc_pass and the deadline header as the limit, REST with proxy_pass and its timeout', () => {
    expect(location(out.http, 0)).toBe(
      [
        'location ^~ /_mishards/0/ {',
        'internal;',
        'rewrite "^/_mishards/0(/.*)$" $1 break;',
        'grpc_pass grpc://mishards-coordinator;',
        'grpc_connect_timeout 1s;',
        'grpc_send_timeout 86400s;',
        'grpc_read_timeout 86400s;',
        'grpc_next_upstream error timeout;',
        'grpc_next_upstream_timeout 0s;',
        '}',
      ].join('\n'),
    );
    expect(location(out.http, 3)).toBe(
      [
        'location ^~ /_mishards/3/ {',
        'internal;',
        'rewrite "^/_mishards/3(/.*)$" $1 break;',
        'proxy_pass http://mishards-coordinator-http;',
        'proxy_http_version 1.1;',
        'proxy_set_header Connection "";',
        'proxy_set_header Host $http_host;',
        'proxy_connect_timeout 1s;',
        'proxy_send_timeout 60s;',
        'proxy_read_timeout 60s;',
        'proxy_next_upstream error timeout;',
        'proxy_next_upstream_timeout 60s;',
        '}',
      ].join('\n'),
    );
    expect(location(out.http, 8)).toContain('grpc_pass grpc://mishards-writer;');
    expect(location(out.http, 'none')).toContain('return 404;');
    expect(out.notes).toContain(
      "gRPC deadlines: Nginx passes grpc-timeout to the upstream, which enforces it; Nginx's own timeouts stay off",
    );
    expect(out.notes).toContain(
      "ext_proc: Nginx has no external processing; the coordinators' REST port answers the paths it would process",
    );
  });

  it('serves gRPC on the listener port and REST on the next one, with the listener body limit and HTTP/2 settings', () => {
    const grpc = block(out.http, 'server {');
    expect(grpc).toContain('listen 127.0.0.1:19530 http2;');
    expect(grpc).toContain('http2_max_concurrent_streams 1024;');
    expect(grpc).toContain(`client_max_body_size ${64 * 1024 * 1024};`);
    expect(grpc).toContain('keepalive_timeout 3600s;');
    expect(grpc).toContain('rewrite ^ /_mishards/$mishards_route$uri last;');
    expect(out.http).toMatch(/# mishards-front: REST \(HTTP\/1\.1\)\nserver \{\n {4}listen 127\.0\.0\.1:19531;/);
    expect([out.grpc, out.rest]).toEqual(['127.0.0.1:19530', '127.0.0.1:19531']);
    const rest = render(state, { ...RELOAD, restPort: 8080 });
    expect(rest.http).toContain('listen 127.0.0.1:8080;');
    expect(rest.rest).toBe('127.0.0.1:8080');
  });

  it('serves both on one TLS port when given a certificate (ALPN picks the protocol)', () => {
    const tls = render(state, { ...RELOAD, tls: { certificate: '/etc/ssl/front.pem', key: '/etc/ssl/front.key' } });
    expect(tls.http.match(/listen /g)).toHaveLength(1);
    const server = block(tls.http, 'server {');
    expect(server).toContain('listen 127.0.0.1:19530 ssl http2;');
    expect(server).toContain('ssl_certificate "/etc/ssl/front.pem";');
    expect(server).toContain('ssl_certificate_key "/etc/ssl/front.key";');
    expect(server).toContain('proxy_pass http://mishards-coordinator-http;');
    expect(server).toContain('grpc_pass grpc://mishards-coordinator;');
    expect(tls.rest).toBe(tls.grpc);
  });

  it('renders an operator rule before the built-in routes: header conditions, weights, timeout, retries, hashing', () => {
    const ruled = render(buildState(CLUSTER, { canary }));
    // One flag per header condition, each from a map on the header's variable.
    expect(block(ruled.http, 'map $http_x_tenant $mishards_h0 {')).toBe(
      ['map $http_x_tenant $mishards_h0 {', '"~^(?:team-(a|b))$" 1;', 'default 0;', '}'].join('\n'),
    );
    expect(block(ruled.http, 'map $http_x_mishards_collection $mishards_h1 {')).toContain('"~^books$" 1;');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an Nginx variable, not a template
    const entries = block(ruled.http, 'map "${mishards_h0}${mishards_h1}$uri" $mishards_route {').split('\n');
    expect(entries[1]).toBe('"~^11/grpc\\\\.health\\\\.v1\\\\.Health/Check$" 0; # rule/canary');
    expect(entries[2]).toBe('"~^../milvus\\\\.proto\\\\.milvus\\\\.MilvusService/Search$" 1; # grpc/Search');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an Nginx variable, not a template
    const split = 'split_clients "${request_id}" $mishards_split0 {';
    expect(block(ruled.http, split)).toBe([split, '80% mishards-reader-g1;', '* mishards-reader-g2;', '}'].join('\n'));
    expect(location(ruled.http, 0)).toBe(
      [
        'location ^~ /_mishards/0/ {',
        'internal;',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Nginx variables, not a template
        'set $mishards_hash_key "${http_x_user}${http_x_mishards_collection}";',
        'rewrite "^/_mishards/0(/.*)$" $1 break;',
        'grpc_pass grpc://$mishards_split0;',
        'grpc_connect_timeout 1s;',
        'grpc_send_timeout 500ms;',
        'grpc_read_timeout 500ms;',
        'grpc_next_upstream error timeout non_idempotent;',
        'grpc_next_upstream_tries 3;',
        'grpc_next_upstream_timeout 2s;',
        '}',
      ].join('\n'),
    );
    // The rule hashes onto the reader clusters: their upstreams hash on the route's key.
    expect(block(ruled.http, 'upstream mishards-reader-g1 {')).toContain('hash $mishards_hash_key consistent;');
    expect(block(ruled.http, 'upstream mishards-writer {')).not.toContain('hash');
    expect(ruled.notes).toEqual(
      expect.arrayContaining([
        'retry back-off: Nginx retries at once, on the next server',
        'retry on unavailable: Nginx retries connection failures, not an UNAVAILABLE status a server answers',
        "ring sizes: Nginx's consistent hash places 160 points per server",
      ]),
    );
  });

  it("renders a rule without a timeout with Envoy's default of 15 s, and REST paths and prefixes as written", () => {
    const ruled = render(
      buildState(CLUSTER, {
        a: {
          listener: 'mishards-front',
          priority: 1,
          match: { restPath: '/v2/vectordb/entities/search' },
          action: { cluster: 'mishards-coordinator-http' },
        },
        b: { listener: 'mishards-front', priority: 2, match: { pathPrefix: '/v2/vectordb/jobs/' }, action: { cluster: 'mishards-writer' } },
      }),
    );
    expect(routeEntries(ruled.http).slice(0, 2)).toEqual([
      '"~^/v2/vectordb/entities/search$" 0; # rule/a',
      '"~^/v2/vectordb/jobs/" 1; # rule/b',
    ]);
    expect(location(ruled.http, 0)).toContain('proxy_read_timeout 15s;');
    expect(location(ruled.http, 0)).toContain('proxy_next_upstream_timeout 15s;');
    expect(location(ruled.http, 1)).toContain('grpc_pass grpc://mishards-writer;');
  });

  it('renders header matchers: exact, prefix, suffix, contains, present, inverted, ignoring case, pseudo-headers', () => {
    const withMatchers = edited(state, TypeUrl.route, 'mishards-front', (rc) => {
      rc.virtual_hosts[0].routes.unshift({
        name: 'matchers',
        match: {
          prefix: '/',
          case_sensitive: false,
          headers: [
            { name: 'x-a', string_match: { exact: 'a.b' } },
            { name: 'x-b', string_match: { prefix: 'p', ignore_case: true } },
            { name: 'x-c', string_match: { suffix: 's' } },
            { name: 'x-d', string_match: { contains: 'c' }, invert_match: true },
            { name: 'x-e', present_match: true },
            { name: ':authority', string_match: { exact: 'milvus' } },
          ],
        },
        route: { cluster: 'mishards-writer' },
      });
    });
    const text = render(withMatchers).http;
    expect(block(text, 'map $http_x_a $mishards_h0 {')).toContain('"~^a\\\\.b$" 1;');
    expect(block(text, 'map $http_x_b $mishards_h1 {')).toContain('"~*^p" 1;');
    expect(block(text, 'map $http_x_c $mishards_h2 {')).toContain('"~s$" 1;');
    expect(block(text, 'map $http_x_d $mishards_h3 {')).toBe(['map $http_x_d $mishards_h3 {', '"~c" 0;', 'default 1;', '}'].join('\n'));
    expect(block(text, 'map $http_x_e $mishards_h4 {')).toContain('"~." 1;');
    expect(block(text, 'map $host $mishards_h5 {')).toContain('"~^milvus$" 1;');
    expect(text).toContain('"~^111111(?i:/)" 0; # matchers');
  });

  it('renders load-balancing policies and regex paths', () => {
    const least = edited(state, TypeUrl.cluster, 'mishards-writer', (c) => {
      c.lb_policy = 'LEAST_REQUEST';
    });
    expect(block(render(least).http, 'upstream mishards-writer {')).toContain('least_conn;');
    const random = edited(state, TypeUrl.cluster, 'mishards-writer', (c) => {
      c.lb_policy = 'RANDOM';
    });
    expect(block(render(random).http, 'upstream mishards-writer {')).toContain('random;');
    const regex = edited(state, TypeUrl.route, 'mishards-front', (rc) => {
      rc.virtual_hosts[0].routes.unshift({
        name: 're',
        match: { safe_regex: { regex: '/v2/[a-z]+' } },
        route: { cluster: 'mishards-writer' },
      });
    });
    expect(routeEntries(render(regex).http)[0]).toBe('"~^(?:/v2/[a-z]+)$" 0; # re');
  });

  it('answers 503 for a route to a cluster the snapshot does not hold, as Envoy does', () => {
    const orphan = edited(state, TypeUrl.route, 'mishards-front', (rc) => {
      rc.virtual_hosts[0].routes.unshift({ name: 'gone', match: { prefix: '/x' }, route: { cluster: 'mishards-reader-g9' } });
    });
    expect(location(render(orphan).http, 0)).toContain('return 503;');
  });

  it('is a function of the snapshot: equal snapshots give equal text, an endpoint change changes it in reload mode only', () => {
    expect(render(buildState()).http).toBe(out.http);
    const moved = buildState(CLUSTER.map((m) => (m.name === 'r3' ? { ...m, port: 7060 } : m)));
    expect(render(moved).http).not.toBe(out.http);
    expect(render(moved, LUA).http).toBe(render(state, LUA).http);
    expect(render(moved, LUA).peers.get('mishards-reader-g2')).toEqual([{ ip: '127.0.0.1', port: 7060, weight: 1 }]);
  });

  it('in Lua mode, balances in Lua over peers the agent sends, keeping keep-alive, with an admin socket', () => {
    const lua = render(state, LUA);
    expect(block(lua.http, 'upstream mishards-coordinator {')).toBe(
      [
        'upstream mishards-coordinator {',
        'server 127.0.0.1:1 down;',
        'balancer_by_lua_block {',
        'require("mishards_balancer").balance("mishards-coordinator", 2, 5)',
        '}',
        'keepalive 64;',
        'keepalive_requests 100000;',
        'keepalive_timeout 60s;',
        '}',
      ].join('\n'),
    );
    expect(lua.http).toContain('lua_package_path "/opt/mishards/nginx/lua/?.lua;;";');
    expect(lua.http).toContain('lua_shared_dict mishards_peers 8m;');
    expect(lua.http).toContain('listen unix:/run/agent/admin.sock;');
    expect(lua.http).toContain('content_by_lua_block { require("mishards_balancer").update() }');
    expect(peersText(lua.peers).split('\n')).toEqual([
      'mishards-coordinator 127.0.0.1:7010 127.0.0.1:7020',
      'mishards-coordinator-http 127.0.0.1:7012 127.0.0.1:7022',
      'mishards-reader-g1 127.0.0.1:7030 127.0.0.1:7040',
      'mishards-reader-g2 127.0.0.1:7050',
      'mishards-writer 127.0.0.1:7000',
    ]);
    const least = edited(state, TypeUrl.cluster, 'mishards-writer', (c) => {
      c.lb_policy = 'LEAST_REQUEST';
    });
    expect(render(least, LUA).notes).toContain('Lua mode: least-request and random clusters are balanced round robin');
  });

  it('carries endpoint weights and IPv6 addresses', () => {
    const weighted = edited(state, TypeUrl.endpoint, 'mishards-writer', (cla) => {
      cla.endpoints[0].lb_endpoints[0].load_balancing_weight = 3;
      cla.endpoints[0].lb_endpoints.push({ endpoint: { address: { socket_address: { address: '::1', port_value: 7001 } } } });
    });
    expect(block(render(weighted).http, 'upstream mishards-writer {')).toContain('server 127.0.0.1:7000 weight=3 max_fails=2');
    expect(block(render(weighted).http, 'upstream mishards-writer {')).toContain('server [::1]:7001 max_fails=2');
    expect(peersText(render(weighted, LUA).peers)).toContain('mishards-writer 127.0.0.1:7000*3 [::1]:7001');
  });

  it('wraps the http block into a private Nginx: modules, pid, temporary paths, the log on stderr', () => {
    const main = privateMainConfig('upstream x {\n}\n', { prefix: '/tmp/agent', modules: ['/m/ndk.so', '/m/lua.so'], runAsRoot: true });
    expect(main.split('\n').slice(0, 8)).toEqual([
      'load_module /m/ndk.so;',
      'load_module /m/lua.so;',
      'daemon off;',
      'master_process on;',
      'worker_processes auto;',
      'user root;',
      'pid /tmp/agent/nginx.pid;',
      'error_log stderr notice;',
    ]);
    expect(main).toContain('    client_body_temp_path /tmp/agent/temp/client_body;');
    expect(main).toContain('    upstream x {');
    expect(privateMainConfig('', { prefix: '/p', modules: [], runAsRoot: false })).not.toMatch(/user|load_module/);
  });
});

describe('what Nginx cannot express is refused with the reason', () => {
  const state = buildState();
  const refusal = (s: XdsState): string => {
    try {
      render(s);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('rendered');
  };
  type Edit = (json: any) => void;
  /** Sets (or, for undefined, deletes) the field at a dotted path. */
  const set =
    (path: string, value: unknown): Edit =>
    (json) => {
      const keys = path.split('.');
      const last = keys.pop()!;
      const parent = keys.reduce((o, k) => o[k], json);
      if (value === undefined) delete parent[last];
      else parent[last] = value;
    };
  const both =
    (...edits: Edit[]): Edit =>
    (json) => {
      for (const e of edits) e(json);
    };
  const listener = (edit: Edit) => edited(state, TypeUrl.listener, 'mishards-front', edit);
  const hcm = (edit: Edit) => listener((l) => edit(l.filter_chains[0].filters[0].typed_config));
  const routes = (edit: Edit) => edited(state, TypeUrl.route, 'mishards-front', edit);
  const firstRoute = (edit: Edit) => routes((rc) => edit(rc.virtual_hosts[0].routes[0]));
  const cluster = (edit: Edit) => edited(state, TypeUrl.cluster, 'mishards-writer', edit);
  const protocol = (options: unknown) =>
    cluster((c) => {
      c.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'] = options;
    });
  const endpoints = (edit: Edit) => edited(state, TypeUrl.endpoint, 'mishards-writer', edit);
  const weighted = (clusters: { name: string; weight: number }[]) =>
    firstRoute(both(set('route.cluster', undefined), set('route.weighted_clusters', { clusters })));

  it.each<[string, () => XdsState, RegExp]>([
    [
      'a listener missing from the snapshot',
      () => ({ ...state, [TypeUrl.listener]: new Map() }),
      /^listener mishards-front: not in the snapshot$/,
    ],
    [
      'an API listener',
      () => ({ ...state, [TypeUrl.listener]: new Map([['mishards-front', { name: 'mishards-front', api_listener: {} }]]) }),
      /API listener/,
    ],
    ['a listener without a socket address', () => listener(set('address', undefined)), /no IP socket address and port/],
    [
      'a listener field without a rendering',
      () => listener(set('listener_filters', [{ name: 'tls' }])),
      /listener_filters has no Nginx rendering/,
    ],
    ['two filter chains', () => listener((l) => l.filter_chains.push(l.filter_chains[0])), /2 filter chains/],
    [
      'a TLS transport socket',
      () => listener(set('filter_chains.0.transport_socket', { name: 'tls' })),
      /filter chain transport_socket has no Nginx rendering/,
    ],
    [
      'another network filter',
      () => listener(set('filter_chains.0.filters.0.name', 'envoy.filters.network.tcp_proxy')),
      /network filters other than/,
    ],
    [
      'an HTTP filter besides ext_proc',
      () => hcm((h) => h.http_filters.unshift({ name: 'envoy.filters.http.cors' })),
      /HTTP filter envoy\.filters\.http\.cors/,
    ],
    ['a router that is not last', () => hcm((h) => h.http_filters.reverse()), /router is not the last/],
    ['routes inline instead of RDS', () => hcm(set('rds', undefined)), /routes not from RDS/],
    [
      'an HTTP connection manager setting without a rendering',
      () => hcm(set('use_remote_address', true)),
      /use_remote_address has no Nginx rendering/,
    ],
    [
      'a route configuration missing',
      () => ({ ...state, [TypeUrl.route]: new Map() }),
      /^route configuration mishards-front: not in the snapshot$/,
    ],
    ['two virtual hosts', () => routes((rc) => rc.virtual_hosts.push(rc.virtual_hosts[0])), /2 virtual hosts/],
    [
      'a virtual host for some domains',
      () => routes(set('virtual_hosts.0.domains', ['milvus.example'])),
      /domains milvus\.example \(only "\*"\)/,
    ],
    [
      'a redirect',
      () => firstRoute(both(set('route', undefined), set('redirect', { path_redirect: '/' }))),
      /redirect has no Nginx rendering/,
    ],
    [
      'a route action field without a rendering',
      () => firstRoute(set('route.prefix_rewrite', '/x')),
      /route grpc\/Search: prefix_rewrite has no Nginx rendering/,
    ],
    [
      'a cluster named by a header',
      () => firstRoute(both(set('route.cluster', undefined), set('route.cluster_header', 'x-c'))),
      /cluster_header has no Nginx rendering/,
    ],
    ['weights all zero', () => weighted([{ name: 'mishards-writer', weight: 0 }]), /weights are all 0/],
    [
      'weighted clusters of gRPC and REST upstreams',
      () =>
        weighted([
          { name: 'mishards-writer', weight: 50 },
          { name: 'mishards-coordinator-http', weight: 50 },
        ]),
      /both gRPC and HTTP\/1\.1 upstreams/,
    ],
    [
      'a retry on a gRPC status',
      () => firstRoute(set('route.retry_policy', { retry_on: 'resource-exhausted', num_retries: 1 })),
      /retry on gRPC status resource-exhausted: the status arrives in the trailers/,
    ],
    ['a retry on cancelled', () => firstRoute(set('route.retry_policy', { retry_on: 'cancelled' })), /retry on gRPC status cancelled/],
    ['a retry on 409', () => firstRoute(set('route.retry_policy', { retry_on: 'retriable-4xx' })), /cannot retry on HTTP 409/],
    [
      'a retry condition Nginx does not know',
      () => firstRoute(set('route.retry_policy', { retry_on: 'envoy-ratelimited' })),
      /retry on envoy-ratelimited/,
    ],
    [
      'a retry policy field without a rendering',
      () => firstRoute(set('route.retry_policy', { retry_on: '5xx', retriable_status_codes: [409] })),
      /retriable_status_codes has no Nginx rendering/,
    ],
    [
      'a hash on a cookie',
      () => firstRoute(set('route.hash_policy', [{ cookie: { name: 'c' } }])),
      /hash policy cookie has no Nginx rendering/,
    ],
    [
      'a header Nginx has no variable for',
      () => firstRoute(set('match.headers', [{ name: ':protocol', present_match: true }])),
      /header :protocol: Nginx has variables only/,
    ],
    [
      'a header matcher without a rendering',
      () => firstRoute(set('match.headers', [{ name: 'x-a', range_match: { start: 1, end: 2 } }])),
      /range_match has no Nginx rendering/,
    ],
    ['a header matcher without a condition', () => firstRoute(set('match.headers', [{ name: 'x-a' }])), /header matcher x-a: no condition/],
    [
      'a match on query parameters',
      () => firstRoute(set('match.query_parameters', [{ name: 'q' }])),
      /match query_parameters has no Nginx rendering/,
    ],
    [
      'a per-route filter setting other than ext_proc',
      () => firstRoute((r) => Object.assign(r.typed_per_filter_config, { 'envoy.filters.http.cors': {} })),
      /per-filter settings of envoy\.filters\.http\.cors/,
    ],
    [
      'a stream duration limit besides the deadline header',
      () => firstRoute(set('route.max_stream_duration.max_stream_duration', '5s')),
      /max_stream_duration max_stream_duration has no Nginx rendering/,
    ],
    [
      'a cluster that is not EDS',
      () => cluster(set('type', 'STRICT_DNS')),
      /^cluster mishards-writer: type STRICT_DNS: the agent renders EDS clusters/,
    ],
    [
      'endpoints not from ADS',
      () => cluster(set('eds_cluster_config', { eds_config: { path: '/etc/eds.yaml' } })),
      /endpoints from a source other than ADS/,
    ],
    [
      'a load-balancing policy without a counterpart',
      () => cluster(set('lb_policy', 'CLUSTER_PROVIDED')),
      /load balancing policy CLUSTER_PROVIDED/,
    ],
    ['two health checks', () => cluster((c) => c.health_checks.push(c.health_checks[0])), /more than one health check/],
    ['a cluster field without a rendering', () => cluster(set('outlier_detection', {})), /outlier_detection has no Nginx rendering/],
    [
      'a protocol chosen per request',
      () => protocol({ use_downstream_protocol_config: {} }),
      /use_downstream_protocol_config has no Nginx rendering/,
    ],
    ['an automatic protocol', () => protocol({}), /protocol chosen per request/],
    ['HTTP/3 upstreams', () => protocol({ explicit_http_config: { http3_protocol_options: {} } }), /HTTP\/3 upstreams/],
    [
      'another protocol extension',
      () =>
        cluster((c) => {
          c.typed_extension_protocol_options['envoy.extensions.upstreams.tcp.v3.TcpProtocolOptions'] = {};
        }),
      /protocol options envoy\.extensions\.upstreams\.tcp\.v3\.TcpProtocolOptions has no Nginx rendering/,
    ],
    ['a cluster name Nginx cannot take', () => cluster(set('name', 'bad name;')), /a name Nginx cannot take/],
    ['endpoint priorities', () => endpoints(set('endpoints.0.priority', 1)), /^endpoints of mishards-writer: priorities/],
    [
      'an endpoint named by host',
      () => endpoints(set('endpoints.0.lb_endpoints.0.endpoint.address.socket_address.address', 'writer.local')),
      /without an IP socket address/,
    ],
    [
      'an endpoint field without a rendering',
      () => endpoints(set('policy', { overprovisioning_factor: 140 })),
      /policy has no Nginx rendering/,
    ],
  ])('%s', (_what, make, reason) => {
    expect(refusal(make())).toMatch(reason);
  });

  it('names the resource and its type in the reason (the NACK message)', () => {
    expect(refusal(firstRoute(set('route.retry_policy', { retry_on: 'internal' })))).toMatch(
      /^route configuration mishards-front: route grpc\/Search: retry on gRPC status internal/,
    );
  });
});

import { TypeUrl } from '../../proto/xds.js';
import { upstreamOf, serversOf } from './clusters.js';
import { frontOf } from './listeners.js';
import { type FrontSpec, type Notes, type RouteSpec, type ServerSpec, Unrenderable, type UpstreamSpec, type XdsState } from './model.js';
import { escapeRegex, routesOf } from './routes.js';

/**
 * The xDS state as the `http` block of an Nginx configuration: a pure function of the
 * snapshot the agent holds and of its settings, so equal snapshots give equal text (and no
 * reload). Envoy's route table keeps its first-match order, header conditions included,
 * through one `map` that names the route of each request; the server then rewrites the
 * request into that route's internal location, which restores the URI and proxies it.
 */

export interface RenderSettings {
  /** The listener to serve. */
  listener: string;
  /** Without TLS: the port of the REST (HTTP/1.1) server (default: the listener's + 1); gRPC takes the listener's. */
  restPort: number | undefined;
  /** With TLS, one port serves both (ALPN picks HTTP/2 or HTTP/1.1). */
  tls: { certificate: string; key: string } | undefined;
  /** Lua mode: the balancer takes its peers from a shared dictionary the agent fills. */
  lua: { packageDir: string; adminSocket: string } | undefined;
}

export interface Rendered {
  /** The content of the `http` block. */
  http: string;
  /** Routable servers per upstream: rendered into the text in reload mode, pushed in Lua mode. */
  peers: Map<string, ServerSpec[]>;
  /** Where the servers listen: gRPC, and REST (the same address with TLS). */
  grpc: string;
  rest: string;
  /** Approximations in effect (docs/nginx.md). */
  notes: string[];
}

/** The path of the admin location the agent sends peers to (Lua mode). */
export const PEERS_PATH = '/mishards/peers';
/** The shared dictionary holding the peers (Lua mode). */
const PEERS_DICT = 'mishards_peers';
/** Envoy's 0 s timeout (none) as Nginx's longest practical one. */
const NO_TIMEOUT_MS = 86_400_000;
/** Idle upstream connections each worker keeps per upstream. */
const KEEPALIVE_CONNECTIONS = 64;
/** Locations the route map sends requests into; `none` answers 404, like Envoy without a route. */
const ROUTE_PREFIX = '/_mishards';

const indent = (lines: string[], depth = 1): string[] => lines.map((l) => (l ? `${'    '.repeat(depth)}${l}` : l));

/** A double-quoted Nginx string holding `text` as is. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A comment line: names come from the snapshot and must not end the comment. */
const comment = (text: string): string => `# ${text.replace(/[\r\n]/g, ' ')}`;

const hostPort = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
/** A time in Nginx's units: whole seconds where it is some, else milliseconds. */
const ms = (n: number): string => (n % 1000 === 0 ? `${n / 1000}s` : `${n}ms`);

export function renderHttp(state: XdsState, settings: RenderSettings): Rendered {
  const notes: Notes = new Set();
  const listener = state[TypeUrl.listener].get(settings.listener);
  if (!listener) throw new Unrenderable(TypeUrl.listener, settings.listener, 'not in the snapshot');
  const front = frontOf(listener, notes);
  const routeConfig = state[TypeUrl.route].get(front.routeConfig);
  if (!routeConfig) throw new Unrenderable(TypeUrl.route, front.routeConfig, 'not in the snapshot');
  const routes = routesOf(routeConfig, notes);
  const upstreams = new Map<string, UpstreamSpec>();
  const peers = new Map<string, ServerSpec[]>();
  for (const [name, cluster] of state[TypeUrl.cluster]) {
    upstreams.set(name, upstreamOf(cluster, notes));
    peers.set(name, serversOf(state[TypeUrl.endpoint].get(name) ?? { cluster_name: name }, notes));
  }
  if (settings.lua && [...upstreams.values()].some((u) => u.balance === 'least_conn' || u.balance === 'random'))
    notes.add('Lua mode: least-request and random clusters are balanced round robin');

  const conditions = routes.flatMap((r) => r.headers);
  const lines = [
    "# Rendered by mishards nginx-agent from the control plane's snapshot: changes here are replaced.",
    '',
    ...(settings.lua ? [`lua_package_path ${quote(`${settings.lua.packageDir}/?.lua;;`)};`, `lua_shared_dict ${PEERS_DICT} 8m;`, ''] : []),
    ...conditions.flatMap((c, k) => headerMap(c.variable, c.regex, c.ignoreCase, c.invert, `$mishards_h${k}`)),
    ...routeMap(routes, conditions.length),
    ...routes.flatMap((r, i) => splitClients(r, i)),
    ...[...upstreams.values()].flatMap((u) => upstream(u, peers.get(u.name)!, settings)),
    ...servers(
      front,
      settings,
      routes.flatMap((r, i) => location(r, i, upstreams)),
    ),
    ...(settings.lua ? adminServer(settings.lua.adminSocket) : []),
  ];
  while (lines.at(-1) === '') lines.pop();
  const grpc = hostPort(front.address, front.port);
  return {
    http: `${lines.join('\n')}\n`,
    peers,
    grpc,
    rest: settings.tls ? grpc : hostPort(front.address, restPort(front, settings)),
    notes: [...notes].sort(),
  };
}

/** `$name` is 1 when the header condition holds (0 when inverted), for the route map. */
function headerMap(variable: string, regex: string, ignoreCase: boolean, invert: boolean, name: string): string[] {
  const [hit, miss] = invert ? ['0', '1'] : ['1', '0'];
  return [`map $${variable} ${name} {`, ...indent([`${quote(`${ignoreCase ? '~*' : '~'}${regex}`)} ${hit};`, `default ${miss};`]), '}', ''];
}

/**
 * `$mishards_route`: the index of the first route whose path and header conditions hold. The
 * key is every header condition's flag, then the URI; regular expressions in a map are tried
 * in the order written, which keeps Envoy's first-match order.
 */
function routeMap(routes: RouteSpec[], flagCount: number): string[] {
  const flags = Array.from({ length: flagCount }, (_, k) => `\${mishards_h${k}}`).join('');
  let k = 0;
  const entries = routes.map((r, i) => {
    const mine = new Set(r.headers.map(() => k++));
    const flagPattern = Array.from({ length: flagCount }, (_, j) => (mine.has(j) ? '1' : '.')).join('');
    return `${quote(`~^${flagPattern}${pathPattern(r)}`)} ${i}; ${comment(r.name)}`;
  });
  return [`map ${quote(`${flags}$uri`)} $mishards_route {`, ...indent([...entries, 'default none;']), '}', ''];
}

function pathPattern(r: RouteSpec): string {
  const { kind, value, ignoreCase } = r.path;
  const pattern = kind === 'exact' ? `${escapeRegex(value)}$` : kind === 'prefix' ? escapeRegex(value) : `(?:${value})$`;
  return ignoreCase ? `(?i:${pattern})` : pattern;
}

/** Weighted clusters: `$mishards_split<i>` names an upstream in proportion to the weights. */
function splitClients(r: RouteSpec, i: number): string[] {
  const weighted = r.clusters.filter((c) => c.weight > 0);
  if (weighted.length < 2) return [];
  const total = weighted.reduce((s, c) => s + c.weight, 0);
  // Two decimals, rounded down: the shares never add up to more than 100%; the last takes the rest.
  const entries = weighted.map((c, j) =>
    j === weighted.length - 1 ? `* ${c.name};` : `${Math.floor((c.weight / total) * 10_000) / 100}% ${c.name};`,
  );
  return [`split_clients "\${request_id}" $mishards_split${i} {`, ...indent(entries), '}', ''];
}

function upstream(u: UpstreamSpec, servers: ServerSpec[], settings: RenderSettings): string[] {
  const health = `max_fails=${u.maxFails} fail_timeout=${ms(u.failTimeoutMs)}`;
  // An upstream needs a server: one marked down answers 502, like a cluster without endpoints.
  const placeholder = 'server 127.0.0.1:1 down;';
  const body = settings.lua
    ? [
        placeholder,
        'balancer_by_lua_block {',
        `    require("mishards_balancer").balance(${quote(u.name)}, ${u.maxFails}, ${u.failTimeoutMs / 1000})`,
        '}',
      ]
    : [
        // Shared memory: the workers share each server's failure count. 64 KiB, and 1 KiB per server.
        `zone ${u.name} ${64 + servers.length}k;`,
        ...(u.balance === 'hash' ? ['hash $mishards_hash_key consistent;'] : u.balance === 'round_robin' ? [] : [`${u.balance};`]),
        ...(servers.length
          ? servers.map((s) => `server ${hostPort(s.ip, s.port)}${s.weight === 1 ? '' : ` weight=${s.weight}`} ${health};`)
          : [placeholder]),
      ];
  // keepalive comes after the balancing method it caches connections for.
  return [
    `upstream ${u.name} {`,
    ...indent([...body, `keepalive ${KEEPALIVE_CONNECTIONS};`, 'keepalive_requests 100000;', 'keepalive_timeout 60s;']),
    '}',
    '',
  ];
}

/** The internal location of route `i`: restores the URI, then proxies with the route's settings. */
function location(r: RouteSpec, i: number, upstreams: Map<string, UpstreamSpec>): string[] {
  const open = [`location ^~ ${ROUTE_PREFIX}/${i}/ {`, '    internal;'];
  const targets = r.clusters.filter((c) => c.weight > 0).map((c) => upstreams.get(c.name));
  // A route to a cluster the snapshot does not hold: Envoy answers 503 too.
  if (targets.some((t) => !t)) return [...open, '    return 503;', '}'];
  const protocols = new Set(targets.map((t) => t!.protocol));
  if (protocols.size > 1) throw new Unrenderable(TypeUrl.route, r.name, 'weighted clusters of both gRPC and HTTP/1.1 upstreams');
  const grpc = protocols.has('grpc');
  const p = grpc ? 'grpc' : 'proxy';
  const target = targets.length > 1 ? `$mishards_split${i}` : targets[0]!.name;
  const readMs = r.perTryTimeoutMs ?? (r.timeoutMs || NO_TIMEOUT_MS);
  const body = [
    // `set` first: a rewrite with `break` ends the rewrite directives.
    ...(r.hashVariables.length ? [`set $mishards_hash_key ${quote(r.hashVariables.map((v) => `\${${v}}`).join(''))};`] : []),
    `rewrite ${quote(`^${ROUTE_PREFIX}/${i}(/.*)$`)} $1 break;`,
    grpc ? `grpc_pass grpc://${target};` : `proxy_pass http://${target};`,
    ...(grpc ? [] : ['proxy_http_version 1.1;', 'proxy_set_header Connection "";', 'proxy_set_header Host $http_host;']),
    `${p}_connect_timeout ${ms(Math.max(...targets.map((t) => t!.connectTimeoutMs)))};`,
    `${p}_send_timeout ${ms(readMs)};`,
    `${p}_read_timeout ${ms(readMs)};`,
    `${p}_next_upstream ${(r.retry?.conditions ?? ['error', 'timeout']).join(' ')};`,
    ...(r.retry ? [`${p}_next_upstream_tries ${r.retry.tries};`] : []),
    `${p}_next_upstream_timeout ${ms(r.timeoutMs)};`,
  ];
  return [comment(r.name), ...open, ...indent(body), '}'];
}

const restPort = (front: FrontSpec, settings: RenderSettings): number => settings.restPort ?? front.port + 1;

function servers(front: FrontSpec, settings: RenderSettings, locations: string[]): string[] {
  const common = [
    'server_name _;',
    `client_max_body_size ${front.maxBodyBytes};`,
    ...(front.idleTimeoutMs === undefined ? [] : [`keepalive_timeout ${ms(front.idleTimeoutMs)};`]),
    // Nginx ends an HTTP/2 connection after 1,000 requests by default; clients hold theirs.
    'keepalive_requests 1000000;',
    // Envoy passes headers with underscores; so must the route map.
    'underscores_in_headers on;',
    'set $mishards_hash_key "";',
    `rewrite ^ ${ROUTE_PREFIX}/$mishards_route$uri last;`,
    ...locations,
    `location ^~ ${ROUTE_PREFIX}/none/ {`,
    '    internal;',
    '    return 404;',
    '}',
  ];
  const streams = front.maxConcurrentStreams === undefined ? [] : [`http2_max_concurrent_streams ${front.maxConcurrentStreams};`];
  const grpcAddress = hostPort(front.address, front.port);
  if (settings.tls)
    return [
      comment(`${front.name}: gRPC and REST on one TLS port (ALPN)`),
      'server {',
      ...indent([
        `listen ${grpcAddress} ssl http2;`,
        `ssl_certificate ${quote(settings.tls.certificate)};`,
        `ssl_certificate_key ${quote(settings.tls.key)};`,
        ...streams,
        ...common,
      ]),
      '}',
      '',
    ];
  return [
    comment(`${front.name}: gRPC (HTTP/2 with prior knowledge)`),
    'server {',
    ...indent([`listen ${grpcAddress} http2;`, ...streams, ...common]),
    '}',
    '',
    comment(`${front.name}: REST (HTTP/1.1)`),
    'server {',
    ...indent([`listen ${hostPort(front.address, restPort(front, settings))};`, ...common]),
    '}',
    '',
  ];
}

/** Lua mode: where the agent sends the peers of every upstream (a Unix socket only it uses). */
function adminServer(socket: string): string[] {
  return [
    '# Lua mode: the agent sends the peers of every upstream here',
    'server {',
    ...indent([
      `listen unix:${socket};`,
      `location = ${PEERS_PATH} {`,
      '    client_max_body_size 16m;',
      '    client_body_buffer_size 16m;',
      '    content_by_lua_block { require("mishards_balancer").update() }',
      '}',
    ]),
    '}',
    '',
  ];
}

import { isIP } from 'node:net';
import type { EnvoyJson } from '../../envoy-schema/index.js';
import { TypeUrl } from '../../proto/xds.js';
import {
  type Balance,
  durationMs,
  type Notes,
  onlyFields,
  type Protocol,
  type ServerSpec,
  Unrenderable,
  type UpstreamSpec,
} from './model.js';

const HTTP_PROTOCOL_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

const BALANCE: Record<string, Balance> = {
  ROUND_ROBIN: 'round_robin',
  LEAST_REQUEST: 'least_conn',
  RANDOM: 'random',
  RING_HASH: 'hash',
  MAGLEV: 'hash',
};

/** Envoy's default connect timeout, when a cluster sets none. */
const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
/** Nginx's own passive-health defaults, for a cluster without health checks. */
const DEFAULT_PASSIVE_HEALTH = { maxFails: 1, failTimeoutMs: 10_000 };

/** An EDS cluster as an upstream; what has no Nginx equivalent is refused with the reason. */
export function upstreamOf(cluster: EnvoyJson, notes: Notes): UpstreamSpec {
  const name = String(cluster.name);
  const fail = (reason: string): never => {
    throw new Unrenderable(TypeUrl.cluster, name, reason);
  };
  onlyFields(
    cluster,
    [
      'name',
      'type',
      'eds_cluster_config',
      'connect_timeout',
      'per_connection_buffer_limit_bytes',
      'circuit_breakers',
      'lb_policy',
      'ring_hash_lb_config',
      'typed_extension_protocol_options',
      'health_checks',
    ],
    '',
    fail,
  );
  if (!/^[A-Za-z0-9._-]+$/.test(name)) fail('a name Nginx cannot take as an upstream name (letters, digits, . _ - only)');
  if (cluster.type !== 'EDS')
    fail(`type ${String(cluster.type ?? 'STATIC')}: the agent renders EDS clusters, whose endpoints come over ADS`);
  const eds = cluster.eds_cluster_config as EnvoyJson | undefined;
  if (!(eds?.eds_config as EnvoyJson | undefined)?.ads) fail('endpoints from a source other than ADS');
  const balance = BALANCE[String(cluster.lb_policy ?? 'ROUND_ROBIN')];
  if (!balance) fail(`load balancing policy ${String(cluster.lb_policy)}`);
  if (cluster.per_connection_buffer_limit_bytes !== undefined)
    notes.add('buffer limits: Nginx buffers upstream bodies with its own buffers and temporary files');
  if (cluster.circuit_breakers !== undefined)
    notes.add('circuit breakers: Nginx has no per-cluster request limit; worker_connections bounds the requests in flight');
  if (cluster.ring_hash_lb_config !== undefined) notes.add("ring sizes: Nginx's consistent hash places 160 points per server");
  return {
    name,
    protocol: protocolOf(cluster, fail),
    connectTimeoutMs: cluster.connect_timeout === undefined ? DEFAULT_CONNECT_TIMEOUT_MS : durationMs(cluster.connect_timeout),
    balance: balance!,
    ...passiveHealth(cluster, notes, fail),
  };
}

function protocolOf(cluster: EnvoyJson, fail: (reason: string) => never): Protocol {
  const options = (cluster.typed_extension_protocol_options ?? {}) as Record<string, EnvoyJson>;
  onlyFields(options, [HTTP_PROTOCOL_OPTIONS], 'protocol options ', fail);
  const http = options[HTTP_PROTOCOL_OPTIONS];
  if (!http) return 'http';
  onlyFields(http, ['@type', 'explicit_http_config'], `${HTTP_PROTOCOL_OPTIONS} `, fail);
  const explicit = http.explicit_http_config as EnvoyJson | undefined;
  if (!explicit) return fail('an upstream protocol chosen per request (Nginx needs one protocol per upstream)');
  if (explicit.http2_protocol_options) return 'grpc';
  if (explicit.http_protocol_options) return 'http';
  return fail('HTTP/3 upstreams');
}

/**
 * Envoy checks gRPC upstreams actively; Nginx (open source) only passively. A server failing
 * `unhealthy_threshold` times within an `interval` is skipped for that long, and the control
 * plane's own active verdict arrives with the endpoints.
 */
function passiveHealth(cluster: EnvoyJson, notes: Notes, fail: (reason: string) => never): { maxFails: number; failTimeoutMs: number } {
  const checks = cluster.health_checks as EnvoyJson[] | undefined;
  if (!checks?.length) return DEFAULT_PASSIVE_HEALTH;
  if (checks.length > 1) fail('more than one health check');
  const check = checks[0]!;
  notes.add("active health checks: Nginx checks passively (max_fails, fail_timeout) and routes by the control plane's health verdict");
  return { maxFails: Number(check.unhealthy_threshold ?? 1), failTimeoutMs: durationMs(check.interval ?? '10s') };
}

const isIp = (address: string): boolean => isIP(address) !== 0;

/** Health statuses a request may be sent to (Envoy's healthy and degraded hosts; UNKNOWN is routable). */
const ROUTABLE = new Set(['UNKNOWN', 'HEALTHY', 'DEGRADED']);

/**
 * The servers to balance over: every endpoint whose health is routable, or all of them when
 * none is (Envoy's panic routing: with too few healthy hosts it tries every host).
 */
export function serversOf(assignment: EnvoyJson, notes: Notes): ServerSpec[] {
  const name = String(assignment.cluster_name);
  const fail = (reason: string): never => {
    throw new Unrenderable(TypeUrl.endpoint, name, reason);
  };
  onlyFields(assignment, ['cluster_name', 'endpoints'], '', fail);
  const localities = (assignment.endpoints ?? []) as EnvoyJson[];
  if (localities.length > 1) notes.add('locality weights: Nginx balances over the endpoints of every locality together');
  const all: (ServerSpec & { routable: boolean })[] = [];
  for (const locality of localities) {
    onlyFields(locality, ['locality', 'lb_endpoints', 'load_balancing_weight', 'priority'], 'locality ', fail);
    if (Number(locality.priority ?? 0) !== 0) fail('priorities (failover tiers)');
    for (const lb of (locality.lb_endpoints ?? []) as EnvoyJson[]) {
      onlyFields(lb, ['endpoint', 'health_status', 'load_balancing_weight'], 'endpoint ', fail);
      const endpoint = (lb.endpoint ?? {}) as EnvoyJson;
      onlyFields(endpoint, ['address', 'hostname'], 'endpoint ', fail);
      const socket = (endpoint.address as EnvoyJson | undefined)?.socket_address as EnvoyJson | undefined;
      if (!socket || socket.port_value === undefined || !isIp(String(socket.address)))
        fail('an endpoint without an IP socket address and port');
      all.push({
        ip: String(socket!.address),
        port: Number(socket!.port_value),
        weight: Number(lb.load_balancing_weight ?? 1),
        routable: ROUTABLE.has(String(lb.health_status ?? 'UNKNOWN')),
      });
    }
  }
  const routable = all.filter((s) => s.routable);
  return (routable.length ? routable : all).map(({ ip, port, weight }) => ({ ip, port, weight }));
}

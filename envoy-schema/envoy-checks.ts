/**
 * Checks Envoy makes when it loads a configuration that are not protoc-gen-validate rules, for
 * the mistakes we are likely to make. Each names the Envoy behaviour it mirrors; a check is
 * only added when Envoy's refusal is certain, since a false error here blocks a push.
 */
import { anyPayload, anyTypeName } from './any-payload.js';
import { isIp } from './string-formats.js';
import { compileRe2 } from './re2.js';

/** Reports at a path relative to the message being checked (`""` for the message itself). */
export type Report = (relativePath: string, message: string) => void;
export type EnvoyCheck = (message: Record<string, unknown>, report: Report) => void;

const ROUTER = 'envoy.extensions.filters.http.router.v3.Router';
const HTTP_PROTOCOL_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

/** By message full name (with the leading dot, as protobufjs names types). */
export const ENVOY_CHECKS: ReadonlyMap<string, EnvoyCheck> = new Map<string, EnvoyCheck>([
  // Envoy compiles safe_regex with RE2 at load time and refuses what does not compile.
  ['.envoy.type.matcher.v3.RegexMatcher', checkRegex],
  // Envoy refuses an HTTP filter chain whose last filter is not terminal, or with a terminal
  // filter (the router) before the end.
  ['.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager', checkRouterLast],
  ['.envoy.config.cluster.v3.Cluster', checkCluster],
]);

function checkRegex(msg: Record<string, unknown>, report: Report): void {
  const regex = msg.regex;
  if (typeof regex !== 'string') return;
  const compiled = compileRe2(regex);
  if (compiled instanceof Error) report('regex', `is not a valid RE2 regular expression: ${compiled.message}`);
}

function checkRouterLast(msg: Record<string, unknown>, report: Report): void {
  const filters = msg.http_filters as Array<Record<string, unknown>> | undefined;
  if (!filters || filters.length === 0) return; // Envoy then installs the router itself
  filters.forEach((filter, i) => {
    if (filter.typed_config == null) return; // discovered over ECDS: type unknown here
    const type = anyTypeName(filter.typed_config);
    const last = i === filters.length - 1;
    if (type === ROUTER && !last) report(`http_filters[${i}]`, `the router filter is terminal and must be the last HTTP filter`);
    if (type !== ROUTER && last)
      report(`http_filters[${i}]`, `the last HTTP filter must be the router (${ROUTER}), not ${type || 'an untyped filter'}`);
  });
}

function checkCluster(msg: Record<string, unknown>, report: Report): void {
  checkStaticAddresses(msg, report);
  checkGrpcHealthCheckHttp2(msg, report);
}

/**
 * A STATIC cluster's endpoints are not resolved: Envoy refuses an address that is not an IP
 * literal ("malformed IP address ... consider STRICT_DNS") unless a custom resolver is named.
 */
function checkStaticAddresses(msg: Record<string, unknown>, report: Report): void {
  // STATIC is value 0 of the `type` member of the cluster_discovery_type oneof (also the default).
  if (msg.cluster_type != null || (msg.type ?? 0) !== 0) return;
  const assignment = msg.load_assignment as Record<string, unknown> | null | undefined;
  const localities = (assignment?.endpoints as Array<Record<string, unknown>> | undefined) ?? [];
  localities.forEach((locality, i) => {
    const endpoints = (locality.lb_endpoints as Array<Record<string, unknown>> | undefined) ?? [];
    endpoints.forEach((lb, j) => {
      const socket = (lb.endpoint as { address?: { socket_address?: Record<string, unknown> } } | null | undefined)?.address
        ?.socket_address;
      if (!socket || socket.resolver_name) return;
      const address = socket.address;
      if (typeof address === 'string' && address !== '' && !isIp(address)) {
        report(
          `load_assignment.endpoints[${i}].lb_endpoints[${j}].endpoint.address.socket_address.address`,
          `a STATIC cluster needs IP addresses, got "${address}" (use type STRICT_DNS or LOGICAL_DNS for host names)`,
        );
      }
    });
  });
}

/** Envoy refuses gRPC health checking on a cluster without HTTP/2 ("must support HTTP/2"). */
function checkGrpcHealthCheckHttp2(msg: Record<string, unknown>, report: Report): void {
  const checks = (msg.health_checks as Array<Record<string, unknown>> | undefined) ?? [];
  const grpcIndex = checks.findIndex((c) => c.grpc_health_check != null);
  if (grpcIndex < 0 || clusterSpeaksHttp2(msg)) return;
  report(
    `health_checks[${grpcIndex}].grpc_health_check`,
    `gRPC health checking needs an HTTP/2 cluster: set typed_extension_protocol_options["${HTTP_PROTOCOL_OPTIONS}"] with http2_protocol_options`,
  );
}

function clusterSpeaksHttp2(msg: Record<string, unknown>): boolean {
  if (msg.http2_protocol_options != null) return true; // deprecated form
  const options = (msg.typed_extension_protocol_options as Record<string, unknown> | undefined) ?? {};
  const any = options[HTTP_PROTOCOL_OPTIONS];
  if (any == null || anyTypeName(any) !== HTTP_PROTOCOL_OPTIONS) return false;
  const payload = anyPayload(any as object);
  if ('problem' in payload) return false;
  const http = payload.message as unknown as Record<string, Record<string, unknown> | null | undefined>;
  return (
    http.auto_config != null ||
    http.explicit_http_config?.http2_protocol_options != null ||
    http.use_downstream_protocol_config?.http2_protocol_options != null
  );
}

import type { EnvoyJson } from '../../envoy-schema/index.js';
import { TypeUrl } from '../../proto/xds.js';
import {
  durationMs,
  type HeaderCondition,
  type Notes,
  onlyFields,
  type PathMatch,
  type RetrySpec,
  type RouteSpec,
  Unrenderable,
} from './model.js';

/** Envoy's route timeout when a route sets none. */
const DEFAULT_ROUTE_TIMEOUT_MS = 15_000;

/** The per-route settings of the ext_proc filter: the one filter a route may configure. */
const EXT_PROC_FILTER = 'envoy.filters.http.ext_proc';

/** Envoy's pseudo-headers Nginx has variables for. */
const PSEUDO_HEADERS: Record<string, string> = {
  ':authority': 'host',
  ':method': 'request_method',
  ':path': 'request_uri',
  ':scheme': 'scheme',
};

type Fail = (reason: string) => never;

/** A route configuration's routes, in order, as the renderer needs them. */
export function routesOf(config: EnvoyJson, notes: Notes): RouteSpec[] {
  const name = String(config.name);
  const fail: Fail = (reason) => {
    throw new Unrenderable(TypeUrl.route, name, reason);
  };
  onlyFields(config, ['name', 'virtual_hosts', 'validate_clusters'], '', fail);
  const hosts = (config.virtual_hosts ?? []) as EnvoyJson[];
  if (hosts.length !== 1) fail(`${hosts.length} virtual hosts: the agent renders one virtual host, for every domain`);
  const host = hosts[0]!;
  onlyFields(host, ['name', 'domains', 'routes'], `virtual host ${String(host.name)}: `, fail);
  const domains = (host.domains ?? []) as string[];
  if (domains.length !== 1 || domains[0] !== '*') fail(`virtual host ${String(host.name)}: domains ${domains.join(', ')} (only "*")`);
  return ((host.routes ?? []) as EnvoyJson[]).map((route, i) => routeOf(route, String(route.name ?? `#${i}`), notes, fail));
}

function routeOf(route: EnvoyJson, name: string, notes: Notes, configFail: Fail): RouteSpec {
  const fail: Fail = (reason) => configFail(`route ${name}: ${reason}`);
  onlyFields(route, ['name', 'match', 'route', 'typed_per_filter_config'], '', fail);
  onlyFields((route.typed_per_filter_config ?? {}) as EnvoyJson, [EXT_PROC_FILTER], 'per-filter settings of ', fail);
  if (!route.route) fail('no route action (redirects and direct responses have no Nginx rendering here)');
  const match = (route.match ?? {}) as EnvoyJson;
  onlyFields(match, ['path', 'prefix', 'safe_regex', 'headers', 'case_sensitive'], 'match ', fail);
  const action = route.route as EnvoyJson;
  onlyFields(action, ['cluster', 'weighted_clusters', 'timeout', 'retry_policy', 'hash_policy', 'max_stream_duration'], '', fail);
  const grpcDeadline = maxStreamDuration(action, fail);
  const timeoutMs = action.timeout === undefined ? DEFAULT_ROUTE_TIMEOUT_MS : durationMs(action.timeout);
  if (grpcDeadline !== undefined)
    notes.add("gRPC deadlines: Nginx passes grpc-timeout to the upstream, which enforces it; Nginx's own timeouts stay off");
  const retry = action.retry_policy ? retryOf(action.retry_policy as EnvoyJson, notes, fail) : undefined;
  return {
    name,
    path: pathOf(match, fail),
    headers: ((match.headers ?? []) as EnvoyJson[]).map((h) => headerCondition(h, notes, fail)),
    clusters: clustersOf(action, fail),
    // A capped gRPC deadline (a non-zero grpc_timeout_header_max) is the most Nginx waits.
    timeoutMs: timeoutMs === 0 && grpcDeadline ? grpcDeadline : timeoutMs,
    perTryTimeoutMs: retry?.perTryTimeoutMs,
    retry: retry?.spec,
    hashVariables: hashVariables(action, notes, fail),
  };
}

function pathOf(match: EnvoyJson, fail: Fail): PathMatch {
  const ignoreCase = match.case_sensitive === false;
  if (match.path !== undefined) return { kind: 'exact', value: String(match.path), ignoreCase };
  if (match.safe_regex !== undefined) {
    const regex = match.safe_regex as EnvoyJson;
    onlyFields(regex, ['regex', 'google_re2'], 'safe_regex ', fail);
    return { kind: 'regex', value: String(regex.regex), ignoreCase };
  }
  return { kind: 'prefix', value: String(match.prefix ?? '/'), ignoreCase };
}

/** `max_stream_duration`: the gRPC deadline header as the limit (0: uncapped); undefined when absent. */
function maxStreamDuration(action: EnvoyJson, fail: Fail): number | undefined {
  const limits = action.max_stream_duration as EnvoyJson | undefined;
  if (!limits) return undefined;
  onlyFields(limits, ['grpc_timeout_header_max'], 'max_stream_duration ', fail);
  return limits.grpc_timeout_header_max === undefined ? undefined : durationMs(limits.grpc_timeout_header_max);
}

function clustersOf(action: EnvoyJson, fail: Fail): RouteSpec['clusters'] {
  if (action.cluster !== undefined) return [{ name: String(action.cluster), weight: 1 }];
  const weighted = action.weighted_clusters as EnvoyJson | undefined;
  if (!weighted) return fail('neither a cluster nor weighted clusters (a cluster named by a header has no Nginx rendering)');
  onlyFields(weighted, ['clusters', 'total_weight'], 'weighted_clusters ', fail);
  const clusters = ((weighted.clusters ?? []) as EnvoyJson[]).map((c) => {
    onlyFields(c, ['name', 'weight'], 'weighted cluster ', fail);
    return { name: String(c.name), weight: Number(c.weight ?? 0) };
  });
  if (!clusters.some((c) => c.weight > 0)) fail('weighted clusters whose weights are all 0');
  return clusters;
}

/**
 * Envoy's retry conditions as Nginx's next-upstream ones. Nginx retries on connection errors,
 * timeouts and HTTP statuses of the response header; a gRPC status arrives in the trailers,
 * after Nginx has committed to the response, so only `unavailable` (what a client sees when a
 * connection fails) has a counterpart.
 */
const RETRY_ON: Record<string, string[]> = {
  '5xx': ['error', 'timeout', 'http_500', 'http_502', 'http_503', 'http_504'],
  'gateway-error': ['error', 'timeout', 'http_502', 'http_503', 'http_504'],
  reset: ['error', 'timeout'],
  'connect-failure': ['error', 'timeout'],
  'refused-stream': ['error'],
  unavailable: ['error', 'timeout'],
};
const TRAILER_STATUSES = new Set(['cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted']);

function retryOf(policy: EnvoyJson, notes: Notes, fail: Fail): { spec: RetrySpec; perTryTimeoutMs: number | undefined } {
  onlyFields(policy, ['retry_on', 'num_retries', 'per_try_timeout', 'retry_back_off'], 'retry policy ', fail);
  const conditions = new Set<string>();
  for (const on of String(policy.retry_on ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (TRAILER_STATUSES.has(on))
      fail(
        `retry on gRPC status ${on}: the status arrives in the trailers, and Nginx retries only on connection errors, timeouts and HTTP statuses`,
      );
    if (on === 'retriable-4xx') fail('retry on retriable-4xx: Nginx cannot retry on HTTP 409');
    const mapped = RETRY_ON[on];
    if (!mapped) fail(`retry on ${on}`);
    for (const c of mapped!) conditions.add(c);
  }
  if (conditions.has('error') && policy.retry_on?.toString().includes('unavailable'))
    notes.add('retry on unavailable: Nginx retries connection failures, not an UNAVAILABLE status a server answers');
  if (policy.retry_back_off !== undefined) notes.add('retry back-off: Nginx retries at once, on the next server');
  // Envoy retries POSTs (every gRPC call is one); Nginx only when told to.
  conditions.add('non_idempotent');
  return {
    spec: { conditions: [...conditions], tries: Number(policy.num_retries ?? 1) + 1 },
    perTryTimeoutMs: policy.per_try_timeout === undefined ? undefined : durationMs(policy.per_try_timeout),
  };
}

function hashVariables(action: EnvoyJson, notes: Notes, fail: Fail): string[] {
  return ((action.hash_policy ?? []) as EnvoyJson[]).map((policy) => {
    onlyFields(policy, ['header', 'terminal'], 'hash policy ', fail);
    const header = policy.header as EnvoyJson | undefined;
    if (!header) return fail('a hash policy on something other than a header');
    onlyFields(header, ['header_name'], 'hash policy header ', fail);
    if (policy.terminal) notes.add("terminal hash policies: Nginx hashes on every policy's header together");
    return headerVariable(String(header.header_name), fail);
  });
}

/** The Nginx variable holding a request header's value. */
function headerVariable(name: string, fail: Fail): string {
  const pseudo = PSEUDO_HEADERS[name];
  if (pseudo) return pseudo;
  if (!/^[a-z0-9_-]+$/i.test(name)) fail(`header ${name}: Nginx has variables only for headers of letters, digits, - and _`);
  return `http_${name.toLowerCase().replace(/-/g, '_')}`;
}

/** Characters PCRE reads as operators. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

function headerCondition(h: EnvoyJson, notes: Notes, fail: Fail): HeaderCondition {
  const name = String(h.name);
  onlyFields(h, ['name', 'string_match', 'present_match', 'invert_match'], `header matcher ${name}: `, fail);
  const variable = headerVariable(name, fail);
  const invert = h.invert_match === true;
  if (h.present_match !== undefined) {
    notes.add('present_match: Nginx cannot tell an empty header from an absent one; an empty value counts as absent');
    // present_match false matches requests without the header.
    return { variable, regex: '.', ignoreCase: false, invert: h.present_match === false ? !invert : invert };
  }
  const match = (h.string_match ?? {}) as EnvoyJson;
  onlyFields(match, ['exact', 'prefix', 'suffix', 'contains', 'safe_regex', 'ignore_case'], `header matcher ${name}: `, fail);
  const ignoreCase = match.ignore_case === true;
  let regex: string;
  if (match.exact !== undefined) regex = `^${escapeRegex(String(match.exact))}$`;
  else if (match.prefix !== undefined) regex = `^${escapeRegex(String(match.prefix))}`;
  else if (match.suffix !== undefined) regex = `${escapeRegex(String(match.suffix))}$`;
  else if (match.contains !== undefined) regex = escapeRegex(String(match.contains));
  else if (match.safe_regex !== undefined) regex = `^(?:${String((match.safe_regex as EnvoyJson).regex)})$`;
  else return fail(`header matcher ${name}: no condition`);
  return { variable, regex, ignoreCase, invert };
}

import type { EnvoyJson } from '../../envoy-schema/index.js';
import { TypeUrl } from '../../proto/xds.js';

/**
 * What the renderer reads and what it builds from it. The input is the xDS state the agent
 * holds, every resource decoded into proto3 JSON (`decodeEnvoy`); each resource is first
 * translated into one of the specs below, which is where everything Nginx cannot express is
 * refused with the reason (a NACK), and everything it expresses only approximately is named
 * (a note, logged and documented in docs/nginx.md).
 */

/** Resources of one type by name. */
export type Resources = ReadonlyMap<string, EnvoyJson>;

export type XdsState = Readonly<Record<TypeUrl, Resources>>;

/** A resource Nginx cannot express: the agent NACKs the response that carried it. */
export class Unrenderable extends Error {
  constructor(
    readonly typeUrl: TypeUrl,
    readonly resource: string,
    reason: string,
  ) {
    super(`${TYPE_LABEL[typeUrl]} ${resource}: ${reason}`);
    this.name = 'Unrenderable';
  }
}

const TYPE_LABEL: Record<TypeUrl, string> = {
  [TypeUrl.cluster]: 'cluster',
  [TypeUrl.endpoint]: 'endpoints of',
  [TypeUrl.listener]: 'listener',
  [TypeUrl.route]: 'route configuration',
};

/** Approximations in effect, each said once in words an operator can look up in docs/nginx.md. */
export type Notes = Set<string>;

/**
 * Refuses fields the renderer has no mapping for: a field it does not know would otherwise be
 * dropped silently, and the configuration Nginx runs would differ from the snapshot.
 */
export function onlyFields(json: EnvoyJson, known: readonly string[], where: string, fail: (reason: string) => never): void {
  const unknown = Object.keys(json).filter((k) => !known.includes(k));
  if (unknown.length) fail(`${where}${unknown.join(', ')} ha${unknown.length === 1 ? 's' : 've'} no Nginx rendering`);
}

/** A proto3 JSON Duration (`"1.5s"`, `"0.250s"`) in whole milliseconds. */
export function durationMs(duration: unknown): number {
  return Math.round(Number.parseFloat(String(duration)) * 1000);
}

export type Protocol = 'grpc' | 'http';
export type Balance = 'round_robin' | 'least_conn' | 'random' | 'hash';

/** A cluster, as an `upstream` block (its servers come from the cluster's endpoints). */
export interface UpstreamSpec {
  name: string;
  /** gRPC upstreams speak HTTP/2 (`grpc_pass`), the others HTTP/1.1 (`proxy_pass`). */
  protocol: Protocol;
  connectTimeoutMs: number;
  balance: Balance;
  /** Passive health: a server failing this often within `failTimeoutMs` is skipped that long. */
  maxFails: number;
  failTimeoutMs: number;
}

export interface ServerSpec {
  ip: string;
  port: number;
  weight: number;
}

/** The front listener, as Nginx `server` blocks. */
export interface FrontSpec {
  name: string;
  address: string;
  port: number;
  /** The route configuration (RDS) of its HTTP connection manager. */
  routeConfig: string;
  /** The largest request body; 0 for no limit. */
  maxBodyBytes: number;
  idleTimeoutMs: number | undefined;
  maxConcurrentStreams: number | undefined;
}

export interface PathMatch {
  kind: 'exact' | 'prefix' | 'regex';
  value: string;
  ignoreCase: boolean;
}

/** One header condition of a route: the Nginx variable holding the value, and a PCRE on it. */
export interface HeaderCondition {
  variable: string;
  regex: string;
  ignoreCase: boolean;
  invert: boolean;
}

export interface RetrySpec {
  /** `grpc_next_upstream` / `proxy_next_upstream` conditions. */
  conditions: string[];
  /** Attempts in all: the first one and the retries. */
  tries: number;
}

export interface RouteSpec {
  name: string;
  path: PathMatch;
  headers: HeaderCondition[];
  /** One cluster (weight 1), or the weighted clusters with their weights. */
  clusters: { name: string; weight: number }[];
  /** The whole request's timeout; 0: none (the gRPC deadline header is the limit). */
  timeoutMs: number;
  perTryTimeoutMs: number | undefined;
  retry: RetrySpec | undefined;
  /** Nginx variables whose values, together, are the hash key (empty: no hashing). */
  hashVariables: string[];
}

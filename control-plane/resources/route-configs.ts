import { ANSWERED_PATHS } from '../../cluster/front-contract.js';
import { compileRule } from '../routes/compile.js';
import { grpcPath, type NamedRouteRule } from '../routes/schema.js';
import type { EnvoyJson } from '../../envoy-schema/index.js';
import { EXT_PROC_DISABLED } from './ext-proc-filter.js';
import { COORDINATOR, COORDINATOR_HTTP, FRONT_LISTENER, WRITER } from './names.js';

/** gRPC methods the coordinator answers by scatter-gather; every other method is the writer's. */
export const SCATTER_METHODS = ['Search', 'Query', 'HybridSearch'] as const;
/** REST paths the ext_proc processor answers itself: the filter stays on for these routes. */
const SCATTER_REST_PATHS = [...ANSWERED_PATHS];

/** gRPC deadlines come from the client's grpc-timeout header, not from a route timeout. */
const GRPC_ROUTE = { timeout: '0s', max_stream_duration: { grpc_timeout_header_max: '0s' } };

function virtualHost(routes: EnvoyJson[]): EnvoyJson {
  return { name: 'mishards', domains: ['*'], routes };
}

/**
 * Operators' rules first (by priority, then name), then the built-in routes. On the front,
 * the processor stays in a rule's path only where the rule matches a scatter REST path.
 */
function withRules(rules: readonly NamedRouteRule[], front: boolean): EnvoyJson[] {
  return rules.map((r) => {
    const route = compileRule(r);
    const processed = r.rule.match.restPath !== undefined && SCATTER_REST_PATHS.includes(r.rule.match.restPath);
    return front && !processed ? { ...route, typed_per_filter_config: EXT_PROC_DISABLED } : route;
  });
}

/**
 * The front Envoy's routes: gRPC search and query to the coordinators; REST to the
 * coordinators' REST port, with search, query and get answered by the ext_proc processor on
 * the way; every other gRPC call to the writer.
 */
export function frontRouteConfig(rules: readonly NamedRouteRule[], requestTimeoutMs: number): EnvoyJson {
  const restTimeout = `${requestTimeoutMs / 1000}s`;
  return {
    name: FRONT_LISTENER,
    virtual_hosts: [
      virtualHost([
        ...withRules(rules, true),
        ...SCATTER_METHODS.map((m) => ({
          name: `grpc/${m}`,
          match: { path: grpcPath(m) },
          route: { cluster: COORDINATOR, ...GRPC_ROUTE },
          typed_per_filter_config: EXT_PROC_DISABLED,
        })),
        ...SCATTER_REST_PATHS.map((path) => ({
          name: `rest${path}`,
          match: { path },
          route: { cluster: COORDINATOR_HTTP, timeout: restTimeout },
        })),
        {
          name: 'rest',
          match: { prefix: '/v2/vectordb/' },
          route: { cluster: COORDINATOR_HTTP, timeout: restTimeout },
          typed_per_filter_config: EXT_PROC_DISABLED,
        },
        { name: 'writer', match: { prefix: '/' }, route: { cluster: WRITER, ...GRPC_ROUTE }, typed_per_filter_config: EXT_PROC_DISABLED },
      ]),
    ],
  };
}

/** The routes of an API listener: operators' rules, then everything to its own cluster. */
export function apiRouteConfig(name: string, rules: readonly NamedRouteRule[]): EnvoyJson {
  return {
    name,
    virtual_hosts: [virtualHost([...withRules(rules, false), { name: 'default', match: { prefix: '/' }, route: { cluster: name } }])],
  };
}

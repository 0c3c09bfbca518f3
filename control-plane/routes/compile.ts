import type { EnvoyJson } from '../../envoy-schema/index.js';
import { COLLECTION_HEADER, grpcPath, type HeaderMatch, type NamedRouteRule } from './schema.js';

/** An operator's rule as an Envoy route (RouteConfiguration.virtual_hosts[].routes[]). */
export function compileRule({ name, rule }: NamedRouteRule): EnvoyJson {
  const m = rule.match;
  const path = m.grpcMethod ? { path: grpcPath(m.grpcMethod) } : m.restPath ? { path: m.restPath } : { prefix: m.pathPrefix ?? '/' };
  const headers = [
    ...(m.headers ?? []).map(headerMatcher),
    ...(m.collection ? [headerMatcher({ name: COLLECTION_HEADER, exact: m.collection })] : []),
  ];
  const a = rule.action;
  return {
    name: `rule/${name}`,
    match: { ...path, ...(headers.length ? { headers } : {}) },
    route: {
      ...(a.cluster
        ? { cluster: a.cluster }
        : { weighted_clusters: { clusters: a.weightedClusters!.map((w) => ({ name: w.cluster, weight: w.weight })) } }),
      ...(a.timeout ? { timeout: seconds(a.timeout) } : {}),
      ...(a.retry
        ? {
            retry_policy: {
              retry_on: a.retry.on.join(','),
              num_retries: a.retry.numRetries,
              ...(a.retry.perTryTimeout ? { per_try_timeout: seconds(a.retry.perTryTimeout) } : {}),
              ...(a.retry.backoff
                ? {
                    retry_back_off: {
                      base_interval: seconds(a.retry.backoff.base),
                      ...(a.retry.backoff.max ? { max_interval: seconds(a.retry.backoff.max) } : {}),
                    },
                  }
                : {}),
            },
          }
        : {}),
      ...(a.hashPolicy
        ? {
            hash_policy: a.hashPolicy.map((h) => ({
              header: { header_name: h.header ?? COLLECTION_HEADER },
              ...(h.terminal ? { terminal: true } : {}),
            })),
          }
        : {}),
    },
  };
}

function headerMatcher(h: HeaderMatch): EnvoyJson {
  const invert = h.invert ? { invert_match: true } : {};
  if (h.present) return { name: h.name, present_match: true, ...invert };
  const stringMatch =
    h.regex !== undefined ? { safe_regex: { regex: h.regex } } : h.prefix !== undefined ? { prefix: h.prefix } : { exact: h.exact };
  return { name: h.name, string_match: stringMatch, ...invert };
}

/** `250ms`, `2m` and `1.5s` as proto3 JSON Durations, which count in seconds only. */
function seconds(duration: string): string {
  const value = parseFloat(duration);
  const factor = duration.endsWith('ms') ? 0.001 : duration.endsWith('m') ? 60 : 1;
  return `${+(value * factor).toFixed(9)}s`;
}

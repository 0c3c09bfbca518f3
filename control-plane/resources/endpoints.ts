import type { EnvoyJson } from '../../envoy-schema/index.js';

export type HealthStatus = 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY';

export interface Endpoint {
  /** The registration's name, shown by Envoy's admin page and CSDS as the hostname. */
  name: string;
  /** An IP address: Envoy and gRPC take no host names in EDS. */
  ip: string;
  port: number;
  health: HealthStatus;
}

/**
 * One locality holding every endpoint of the cluster: Mishards has no zones of its own, and
 * gRPC ignores endpoints of a locality that carries no weight.
 */
export function loadAssignment(cluster: string, endpoints: readonly Endpoint[]): EnvoyJson {
  const sorted = [...endpoints].sort((a, b) => a.name.localeCompare(b.name));
  return {
    cluster_name: cluster,
    endpoints:
      sorted.length === 0
        ? []
        : [
            {
              locality: { zone: 'mishards' },
              load_balancing_weight: 1,
              lb_endpoints: sorted.map((e) => ({
                endpoint: { address: { socket_address: { address: e.ip, port_value: e.port } }, hostname: e.name },
                health_status: e.health,
              })),
            },
          ],
  };
}

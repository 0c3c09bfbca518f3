import { isLoopback, DEFAULT_METRICS_HOST } from '../runtime/serve.js';
import type { Access } from './access.js';

/**
 * What the admin surfaces (metrics, status pages) of a process that checks users want: on
 * loopback, nothing (only this machine reaches them); anywhere else, with authentication on,
 * the credentials of a user (HTTP Basic or Bearer user:password, as Prometheus sends them).
 */
export function adminGuard(
  access: Access | undefined,
  metricsHost: string | undefined,
): ((authorization: string | undefined) => Promise<boolean>) | undefined {
  if (!access || isLoopback(metricsHost ?? DEFAULT_METRICS_HOST)) return undefined;
  return (authorization) => access.signsIn(authorization);
}

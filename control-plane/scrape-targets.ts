import type { NodeRegistration } from '../cluster/registry/schema.js';

/** One target group of Prometheus's HTTP service discovery (and of its file_sd format). */
export interface ScrapeTargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/**
 * The registered processes as Prometheus scrape targets (`/sd/targets`, for http_sd_configs):
 * each metrics address with `node` (its registered name) and, for a reader, `reader_group`.
 * Not `role` or `group`: every Mishards metric carries `role` already, and some a `group`
 * label of their own, which a target label of that name would rename.
 */
export function scrapeTargets(registrations: Iterable<NodeRegistration>): ScrapeTargetGroup[] {
  return [...registrations]
    .map((r) => ({
      targets: [r.addresses.metrics],
      labels: { node: r.name, ...(r.group ? { reader_group: r.group } : {}) },
    }))
    .sort((a, b) => a.labels.node.localeCompare(b.labels.node));
}

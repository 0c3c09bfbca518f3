import type { NodeRegistration } from '../cluster/registry/schema.js';
import { withElection, type StatusMember, type StatusReport, type StatusXdsClient } from '../runtime/status-page.js';
import type { ClientStatus } from './ads/client-status.js';
import { isServedType, typeName } from './ads/types.js';
import type { HealthStatus } from './resources/endpoints.js';

export interface ControlPlaneStatusSources {
  registrations: Iterable<NodeRegistration>;
  health: (address: string) => HealthStatus;
  clients: ClientStatus[];
  snapshot: { version?: string; endpoints: number };
  /** The control plane's ADS address. */
  address: string;
  /** The writer election's leader. */
  leader: { address: string; epoch: number } | undefined;
}

const HEALTH: Record<HealthStatus, StatusMember['health']> = { HEALTHY: 'up', UNHEALTHY: 'down', UNKNOWN: 'unknown' };

/**
 * The control plane's status page report: the registered processes with their health as its
 * active checks find it, the snapshot served, and every xDS client with what it was sent,
 * ACKed and NACKed per resource type.
 */
export function controlPlaneStatus(o: ControlPlaneStatusSources): Omit<StatusReport, 'generatedAt'> {
  const members = [...o.registrations]
    .map((r) => ({
      role: r.role,
      name: r.name,
      address: r.addresses.grpc,
      ...(r.group ? { group: r.group } : {}),
      health: HEALTH[o.health(r.addresses.grpc)],
    }))
    .sort((a, b) => a.role.localeCompare(b.role) || a.name.localeCompare(b.name));
  const clients: StatusXdsClient[] = o.clients.map((c) => ({
    node: c.node.id,
    kind: c.kind,
    peer: c.peer,
    types: c.types.map((t) => ({
      type: isServedType(t.typeUrl) ? typeName(t.typeUrl) : t.typeUrl,
      ...(t.sent ? { sent: t.sent.version } : {}),
      ...(t.acked ? { acked: t.acked.version } : {}),
      ...(t.nacked ? { nacked: { version: t.nacked.version, message: t.nacked.message } } : {}),
    })),
  }));
  return { role: 'control-plane', address: o.address, members: withElection(members, o.leader), xds: { ...o.snapshot, clients } };
}

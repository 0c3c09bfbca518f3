import type { Discovery } from '../../cluster/discovery.js';
import type { MetadataCache } from '../../cluster/metadata-cache.js';
import { imbalance } from '../../cluster/routing/assignment.js';
import { servedSegmentIds, servedSegments } from '../../meta/collection-view.js';
import { anyLoaded } from '../../meta/load-state.js';
import { RECENT_WINDOW_S, type RecentTraffic } from '../../runtime/recent-traffic.js';
import { withElection, type StatusCollection, type StatusGroup, type StatusMember, type StatusReport } from '../../runtime/status-page.js';
import type { ClusterDescription } from './cluster-description.js';
import type { Placement } from './placement.js';

export interface ClusterStatusSources {
  discovery: Discovery;
  placement: Placement;
  cache: MetadataCache;
  cluster: ClusterDescription;
  traffic: RecentTraffic;
  writer: string;
  /** The writer leader, when the coordinator follows the writer election. */
  leader?: () => { address: string; epoch: number } | undefined;
  /** The coordinator's gRPC address (known once bound). */
  self: () => string;
}

/**
 * The coordinator's status page report, from what it holds in memory: the membership with
 * each process's health as this coordinator sees it (readers: answered the last
 * reconciliation; the writer: its metadata feed flows), the reader groups with their replicas
 * and placement, the collections with their load state and segments per group, and the
 * requests of the last seconds.
 */
export function clusterStatus(o: ClusterStatusSources): Omit<StatusReport, 'generatedAt'> {
  const readers = o.placement.readerStates();
  const upByAddress = new Map(readers.map((r) => [r.member.address, r.up]));
  const members: StatusMember[] = o.discovery.members().map((m) => ({
    role: m.role,
    name: m.name,
    address: m.address,
    ...(m.group ? { group: m.group } : {}),
    health: health(m.role === 'writer' ? o.cache.connected : m.address === o.self() ? true : upByAddress.get(m.address)),
  }));
  // A membership file lists the data nodes only.
  if (!members.some((m) => m.role === 'writer'))
    members.unshift({ role: 'writer', name: 'writer', address: o.writer, health: health(o.cache.connected) });
  if (!members.some((m) => m.address === o.self()))
    members.unshift({ role: 'coordinator', name: 'coordinator', address: o.self(), health: 'up' });
  const assignment = o.placement.assignment();
  const groups: StatusGroup[] = [...o.placement.groupReplicas().keys()].sort().map((group) => ({
    group,
    replicas: readers.filter((r) => r.member.group === group).map((r) => ({ name: r.member.name, address: r.member.address, up: r.up })),
    segments: assignment.segmentCounts.get(group) ?? 0,
    rows: assignment.rows.get(group) ?? 0,
  }));
  const collections: StatusCollection[] = o.cache
    .all()
    .sort((a, b) => a.record.name.localeCompare(b.record.name))
    .map((view) => {
      const served = servedSegments(view);
      const byGroup = assignment.partition(servedSegmentIds(view));
      return {
        name: view.record.name,
        loadState: anyLoaded(view.partitions) ? 'LoadStateLoaded' : 'LoadStateNotLoad',
        loadingProgress: anyLoaded(view.partitions) ? o.cluster.progressOf(view) : 0,
        segments: served.length,
        rows: served.reduce((n, s) => n + s.rows, 0),
        segmentsByGroup: Object.fromEntries([...byGroup].map(([g, ids]) => [g, ids.length])),
      };
    });
  return {
    role: 'coordinator',
    address: o.self(),
    members: withElection(members, o.leader?.()),
    groups,
    placement: {
      router: o.placement.routerName,
      segments: [...assignment.segmentCounts.values()].reduce((a, b) => a + b, 0),
      rows: [...assignment.rows.values()].reduce((a, b) => a + b, 0),
      imbalance: imbalance(assignment) ?? null,
    },
    collections,
    traffic: { windowSeconds: RECENT_WINDOW_S, methods: o.traffic.read() },
  };
}

function health(up: boolean | undefined): StatusMember['health'] {
  return up === undefined ? 'unknown' : up ? 'up' : 'down';
}

import { readFileSync } from 'node:fs';
import type { MetricsServer } from './metrics-server.js';
import type { MethodTraffic } from './recent-traffic.js';

/** A process the status page lists, with what its reporter knows of its health. */
export interface StatusMember {
  role: string;
  name: string;
  address: string;
  group?: string;
  health: 'up' | 'down' | 'unknown';
  /** A writer in the writer election (docs/writer-ha.md): the leader with its fencing epoch, or a standby. */
  election?: string;
}

/**
 * The writers' election column: `leader epoch=N` for the writer at the leader's address,
 * `standby` for the others; nothing without an election (a single writer without etcd).
 */
export function withElection(members: StatusMember[], leader: { address: string; epoch: number } | undefined): StatusMember[] {
  if (!leader) return members;
  return members.map((m) =>
    m.role === 'writer' ? { ...m, election: m.address === leader.address ? `leader epoch=${leader.epoch}` : 'standby' } : m,
  );
}

/** A reader group with its replicas and what placement gave it. */
export interface StatusGroup {
  group: string;
  replicas: { name: string; address: string; up: boolean }[];
  segments: number;
  rows: number;
}

export interface StatusCollection {
  name: string;
  /** Milvus's load state names: LoadStateLoaded, LoadStateNotLoad. */
  loadState: string;
  /** Percent of the served rows held by readers (GetLoadingProgress). */
  loadingProgress: number;
  /** Sealed segments in service, and their rows. */
  segments: number;
  rows: number;
  segmentsByGroup: Record<string, number>;
}

export interface StatusXdsClient {
  node: string;
  kind: string;
  peer: string;
  types: { type: string; sent?: string; acked?: string; nacked?: { version: string; message: string } }[];
}

/**
 * What `/status.json` answers and `/status` renders: each part present where the process
 * knows it (a coordinator: members, groups, placement, collections, traffic; the control
 * plane: members and xDS clients).
 */
export interface StatusReport {
  role: string;
  address: string;
  /** ISO time the report was made. */
  generatedAt: string;
  members?: StatusMember[];
  groups?: StatusGroup[];
  placement?: { router: string; segments: number; rows: number; imbalance: number | null };
  collections?: StatusCollection[];
  traffic?: { windowSeconds: number; methods: MethodTraffic[] };
  xds?: { version?: string; endpoints: number; clients: StatusXdsClient[] };
}

const PAGE = readFileSync(new URL('./status-page.html', import.meta.url), 'utf8');

/**
 * Serves the status page on the metrics port: `/status` (a static HTML page that fetches
 * the report every second and renders it) and `/status.json` (the report, built on request).
 */
export function serveStatusPage(metrics: MetricsServer, report: () => Omit<StatusReport, 'generatedAt'>): void {
  metrics.addPage('/status', 'text/html; charset=utf-8', PAGE);
  metrics.addJsonRoute('/status.json', () => ({ ...report(), generatedAt: new Date().toISOString() }));
}

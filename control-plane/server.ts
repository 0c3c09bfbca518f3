import type { Etcd3 } from 'etcd3';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram } from 'prom-client';
import { Debouncer } from '../core/debouncer.js';
import { encodeEnvoyJson } from '../envoy-schema/index.js';
import { MetricsServer } from '../runtime/metrics-server.js';
import { serveNode, type RunningNode } from '../runtime/serve.js';
import { createAdsService } from './ads/service.js';
import { ActiveHealthChecker } from './health/active-checker.js';
import { HostResolver } from './host-resolver.js';
import { etcdMetrics } from '../cluster/registry/etcd-metrics.js';
import { PrefixWatcher } from '../cluster/registry/prefix-watcher.js';
import { WriterLeaderWatch } from '../cluster/writer-leader.js';
import { nodesPrefix, parseNodeRegistration, type NodeRegistration } from '../cluster/registry/schema.js';
import { RemovalGuard } from './removal-guard.js';
import { scrapeTargets } from './scrape-targets.js';
import { controlPlaneStatus } from './status.js';
import { serveStatusPage } from '../runtime/status-page.js';
import { SnapshotBuilder, type BuiltSnapshot, type Rejection } from './resources/build-snapshot.js';
import type { FrontSettings } from './resources/listeners.js';
import { parseRouteRule, routesPrefix, type NamedRouteRule } from './routes/schema.js';
import { SnapshotCache } from './xds/snapshot.js';
import { channelCredentials, type Tls } from '../runtime/tls.js';

export interface ControlPlaneOptions {
  etcd: Etcd3;
  /** Key prefix, e.g. `/mishards`. */
  prefix: string;
  host: string;
  port: number;
  metricsPort: number;
  front: FrontSettings & { requestTimeoutMs: number };
  /** A burst of etcd changes is built into one snapshot once quiet this long… */
  debounceMs: number;
  /** …and at the latest this long after its first change. */
  maxDebounceMs: number;
  health: { intervalMs: number; timeoutMs: number; unhealthyThreshold: number };
  guard: { maxRemovedFraction: number; minEndpoints: number; holdMs: number };
  log: Logger;
  /**
   * TLS of the ADS and metrics listeners and of the health checks; Envoy's front listener and
   * its clusters are given the same files (docs/security.md).
   */
  tls?: Tls | undefined;
  /** Where the metrics port and status pages listen: loopback by default (the control plane has no users to check). */
  metricsHost?: string | undefined;
}

export interface RunningControlPlane extends RunningNode {
  cache: SnapshotCache;
  /** Resolves once the first snapshot is served. */
  ready: Promise<void>;
}

/**
 * `mishards control-plane`: watches registrations and route rules in etcd, checks the
 * registered processes' health, builds xDS snapshots and serves them over ADS.
 *
 * Nothing from etcd reaches a data plane unchecked: bad keys are reported and ignored (the
 * watchers keep a key's last good value), rules that do not fit the current cluster keep
 * their previous value, every generated resource is validated against Envoy's protos, a
 * snapshot removing most endpoints at once is held back, and while etcd is unreachable the
 * last good snapshot keeps being served.
 */
export async function startControlPlane(o: ControlPlaneOptions): Promise<RunningControlPlane> {
  const log = o.log;
  const metrics = new MetricsServer('control-plane');
  const m = controlPlaneMetrics(metrics);
  const cache = new SnapshotCache();
  const builder = new SnapshotBuilder(encodeEnvoyJson);
  const guard = new RemovalGuard(o.guard);
  const resolver = new HostResolver(log);
  const health = new ActiveHealthChecker({ ...o.health, log, credentials: channelCredentials(o.tls) });
  const nodes = new PrefixWatcher<NodeRegistration>({
    etcd: o.etcd,
    prefix: nodesPrefix(o.prefix),
    parse: (k, t) => parseNodeRegistration(o.prefix, k, t),
    log,
  });
  const routes = new PrefixWatcher<NamedRouteRule>({
    etcd: o.etcd,
    prefix: routesPrefix(o.prefix),
    parse: (k, t) => parseRouteRule(o.prefix, k, t),
    log,
  });
  for (const w of [nodes, routes]) w.on('invalid', () => m.invalidKeys.inc());
  const leader = await WriterLeaderWatch.open({ etcd: o.etcd, prefix: o.prefix, log });
  etcdMetrics(metrics.registry, { connected: [() => nodes.connected, () => routes.connected, () => leader.connected] });

  let served = 0;
  let reported = new Map<string, string>();
  let guardTimer: NodeJS.Timeout | undefined;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  /** Logs each rejection once, when it first appears, rather than on every build. */
  const report = (rejected: Rejection[]) => {
    const now = new Map(rejected.map((r) => [r.key, r.reason]));
    for (const [key, reason] of now) if (reported.get(key) !== reason) log.error({ key, reason }, 'etcd key not applied');
    reported = now;
    m.rejectedKeys.set(now.size);
  };

  const build = () => {
    clearTimeout(guardTimer);
    const started = performance.now();
    const registered = nodes.entries();
    health.setTargets([...registered.values()].map((r) => r.addresses.grpc));
    let built: BuiltSnapshot;
    try {
      built = builder.build({
        nodes: [...registered].map(([key, registration]) => ({ key, registration, resolve: (hp: string) => resolver.resolve(hp) })),
        routes: [...routes.entries()].map(([key, rule]) => ({ key, rule })),
        health: (address) => health.status(address),
        writerLeader: leader.current()?.address,
        revision: [nodes.maxModRevision(), routes.maxModRevision(), leader.revision()].reduce((a: bigint, b: bigint) => (a > b ? a : b)),
        front: o.front,
      });
    } catch (e) {
      // A resource Envoy would reject is a bug here, not bad input (that is caught per key).
      log.error({ err: (e as Error).message }, 'snapshot not built; the previous one stays');
      m.buildFailures.inc();
      return;
    }
    m.buildSeconds.observe((performance.now() - started) / 1000);
    report(built.rejected);
    const current = cache.current();
    if (current?.version === built.snapshot.version) return;
    if (current) {
      const verdict = guard.check(served, built.endpointCount);
      if (!verdict.push) {
        log.error({ reason: verdict.reason, retryInMs: verdict.retryInMs }, 'snapshot held back by the mass-removal guard');
        m.guardHolds.inc();
        guardTimer = setTimeout(build, verdict.retryInMs);
        return;
      }
      if (verdict.releasedAfterHold)
        log.warn({ endpoints: built.endpointCount, before: served }, 'large endpoint removal persisted; pushing it');
    }
    served = built.endpointCount;
    m.endpoints.set(served);
    m.snapshots.inc();
    cache.set(built.snapshot);
    log.info({ version: built.snapshot.version, endpoints: served }, 'snapshot served');
    markReady();
  };
  const debouncer = new Debouncer(build, o.debounceMs, o.maxDebounceMs);
  for (const source of [nodes, routes, resolver, health, leader]) source.on('change', () => debouncer.trigger());

  await Promise.all([nodes.start(), routes.start()]);
  build();

  const ads = createAdsService({ source: cache, log, registry: metrics.registry });
  // Operator views: who is connected and what each client ACKed or NACKed; what is served.
  metrics.addJsonRoute('/xds/clients', () => ads.clients());
  metrics.addJsonRoute('/xds/status', () => ({
    version: cache.current()?.version,
    endpoints: served,
    resources: Object.fromEntries(
      [...(cache.current()?.types ?? [])].map(([type, t]) => [type, { version: t.version, names: [...t.resources.keys()] }]),
    ),
    rejectedKeys: Object.fromEntries(reported),
  }));
  metrics.addJsonRoute('/sd/targets', () => scrapeTargets(nodes.entries().values()));
  let address = '';
  serveStatusPage(metrics, () =>
    controlPlaneStatus({
      registrations: nodes.entries().values(),
      health: (a) => health.status(a),
      clients: ads.clients(),
      snapshot: { ...(cache.current() ? { version: cache.current()!.version } : {}), endpoints: served },
      address,
      leader: leader.current(),
    }),
  );
  const node = await serveNode({
    metrics,
    host: o.host,
    port: o.port,
    metricsPort: o.metricsPort,
    services: [[ads.definition, ads.implementation]],
    tls: o.tls,
    metricsHost: o.metricsHost,
    beforeStop: () => ads.close(),
    closers: [
      async () => {
        debouncer.cancel();
        clearTimeout(guardTimer);
        nodes.close();
        routes.close();
        leader.close();
        health.close();
      },
    ],
  });
  address = node.grpc;
  return { ...node, cache, ready };
}

function controlPlaneMetrics(metrics: MetricsServer) {
  const registers = [metrics.registry];
  return {
    snapshots: new Counter({ name: 'mishards_xds_snapshots_total', help: 'Snapshots served', registers }),
    buildSeconds: new Histogram({
      name: 'mishards_xds_snapshot_build_seconds',
      help: 'Time to build and validate a snapshot',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    buildFailures: new Counter({
      name: 'mishards_xds_snapshot_build_failures_total',
      help: 'Snapshots that could not be built',
      registers,
    }),
    endpoints: new Gauge({ name: 'mishards_xds_endpoints', help: 'Endpoints in the served snapshot', registers }),
    guardHolds: new Counter({ name: 'mishards_xds_guard_holds_total', help: 'Snapshots held back by the mass-removal guard', registers }),
    invalidKeys: new Counter({ name: 'mishards_xds_invalid_keys_total', help: 'etcd values rejected by their schema', registers }),
    rejectedKeys: new Gauge({ name: 'mishards_xds_rejected_keys', help: 'etcd keys whose current value is not applied', registers }),
  };
}

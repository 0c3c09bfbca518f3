import type { Logger } from 'pino';
import type { RequestLimits } from '../milvus/request-limits.js';
import { DQL_KINDS, RateQuotas, unlimitedRates, type QuotaConfig, type RateQuotaConfig } from '../milvus/quotas.js';
import type { QuotaSettingsWatcher } from '../cluster/quota-settings.js';
import { QuotaMetrics } from '../runtime/quota-metrics.js';
import { MetricsServer } from '../runtime/metrics-server.js';
import { ResourceMeter } from '../runtime/node-resources.js';
import { RpcMetrics } from '../runtime/rpc-metrics.js';
import { serveNode, type RunningNode } from '../runtime/serve.js';
import { ClusterDescription } from './coordinator/cluster-description.js';
import { clusterStatus } from './coordinator/cluster-status.js';
import { RecentTraffic } from '../runtime/recent-traffic.js';
import { serveStatusPage } from '../runtime/status-page.js';
import type { Discovery } from '../cluster/discovery.js';
import type { WriterLeaderWatch } from '../cluster/writer-leader.js';
import { MetadataCache } from '../cluster/metadata-cache.js';
import { NodeClients } from './coordinator/node-clients.js';
import { Placement } from './coordinator/placement.js';
import { enableXdsReaders } from './coordinator/xds-readers.js';
import { Coordinator } from './coordinator/coordinator.js';
import { CoordinatorMetrics } from './coordinator/coordinator-metrics.js';
import { Fanout } from './coordinator/fanout.js';
import { startingAtFirstMessage } from '../runtime/first-message.js';
import { frontImplementation, frontServiceDefinition } from './front/milvus-front.js';
import { extProcService } from './processor/service.js';
import { Access } from '../security/access.js';
import { adminGuard } from '../security/admin-guard.js';
import { RestApi } from './rest/api.js';
import { peering } from '../runtime/peering.js';
import type { Tls } from '../runtime/tls.js';
import { startRestServer } from './rest/server.js';
import { WriterClient } from './rest/writer-client.js';

export interface CoordinatorOptions {
  host: string;
  port: number;
  metricsPort: number;
  /** The writable node's gRPC address, or a target following the writer leader (cluster/leader-resolver.ts). */
  writer: string;
  /**
   * With a leader target: the leader's changes, which end the relayed calls still waiting on
   * the old one, and the leader the status page marks.
   */
  writerLeader?: WriterLeaderWatch;
  discovery: Discovery;
  /** Delay before a slow replica is backed up by another one. */
  hedgeAfterMs?: number;
  /** Serve the Milvus REST v2 API on this port (0 picks a free one); not served when absent. */
  httpPort?: number;
  /** The control plane's ADS address: search sub-requests reach reader groups over xDS. */
  xds?: string;
  /** What a search or query may ask for. */
  limits: RequestLimits;
  /** Milvus's quotaAndLimits rates; the coordinator holds searches and queries to the DQL ones (default unlimited). */
  rates?: RateQuotaConfig;
  /** The wall clock (unix ms) collection TTLs are applied at; Date.now by default. */
  clock?: () => number;
  /** Quota settings changed at run time (etcd), replacing `rates`. */
  quotaSettings?: QuotaSettingsWatcher;
  /**
   * Requests need a user's credentials and the privileges for what they do, checked against
   * the RBAC state of the writer's metadata feed (docs/security.md); off by default.
   */
  auth?: boolean;
  /** TLS of its listeners and of its calls to the writer and readers (runtime/tls.ts). */
  tls?: Tls | undefined;
  /** The secret the internal API of the writer and readers wants (runtime/cluster-token.ts). */
  clusterToken?: string | undefined;
  /** Where the metrics port (and status pages) listen (loopback by default); elsewhere, with `auth`, they want credentials. */
  metricsHost?: string | undefined;
}

export interface RunningCoordinator extends RunningNode {
  /** The REST address, when served. */
  http?: string;
  placement: Placement;
  cache: MetadataCache;
}

/**
 * Starts the coordinator: the metadata cache (from the writer's feed), segment placement over
 * the discovered reader groups, and the Milvus front door.
 */
export async function startCoordinator(o: CoordinatorOptions, log: Logger): Promise<RunningCoordinator> {
  const peers = peering(o.tls, o.clusterToken);
  const { credentials } = peers;
  const cache = new MetadataCache(o.writer, log, peers);
  cache.start();
  await cache.ready();
  const access = o.auth
    ? new Access(
        () => cache.security(),
        (database, name) => cache.aliasTarget(database, name),
      )
    : undefined;
  const clients = new NodeClients(peers);
  const metrics = new MetricsServer('coordinator');
  const rpc = new RpcMetrics(metrics.registry);
  const coordinatorMetrics = new CoordinatorMetrics(metrics.registry, cache);
  const placement = new Placement(cache, o.discovery, clients, log, {
    writer: o.writer,
    ...(o.xds ? { balancedTarget: enableXdsReaders(o.xds) } : {}),
    onAssignment: (assignment) => coordinatorMetrics.recordAssignment(assignment),
  });
  placement.start();
  coordinatorMetrics.watchGroups(() => placement.groupReplicas());
  const fanout = new Fanout(clients, {
    hedgeAfterMs: o.hedgeAfterMs ?? 250,
    onReplicaFailure: (address) => placement.markDown(address),
    onAttempt: (target) => coordinatorMetrics.attempt(target),
  });
  const rates = o.rates ?? unlimitedRates();
  const quotaMetrics = new QuotaMetrics(metrics.registry, rates, DQL_KINDS);
  const quotas = new RateQuotas(rates, { onRefused: quotaMetrics.refused });
  o.quotaSettings?.on('change', (c: QuotaConfig) => {
    quotas.reconfigure(c.rates);
    quotaMetrics.configure(c.rates);
    log.info({ rates: c.rates }, 'quota settings changed');
  });
  const coordinator = new Coordinator(cache, placement, fanout, o.writer, coordinatorMetrics, o.limits, quotas, o.clock);
  // The address is known once the server is bound; GetMetrics asks for it later.
  let address = '';
  const cluster = new ClusterDescription({
    discovery: o.discovery,
    clients,
    placement,
    cache,
    writer: o.writer,
    self: () => address,
    meter: new ResourceMeter(),
  });
  const front = frontImplementation(
    coordinator,
    cluster,
    o.writer,
    {
      onError: (method, err) => log.error({ err, method }, 'request failed'),
      onRequest: (method) => rpc.start('MilvusService', method),
      ...(access ? { access: (method, call) => access.check(method, call) } : {}),
    },
    o.writerLeader,
    credentials,
  );
  // One REST core for the HTTP endpoint and Envoy's ExternalProcessor: the same bytes either way.
  const writerClient = new WriterClient(o.writer, credentials);
  const restApi = new RestApi({ coordinator, writer: writerClient, cluster, ...(access ? { access } : {}) });
  const extProc = extProcService(restApi, {
    onError: (path, err) => log.error({ err, path }, 'ext_proc request failed'),
    onRequest: (path) => rpc.start('ExtProc', path),
  });
  const traffic = new RecentTraffic(rpc.latency);
  serveStatusPage(metrics, () =>
    clusterStatus({
      discovery: o.discovery,
      placement,
      cache,
      cluster,
      traffic,
      writer: o.writer,
      leader: () => o.writerLeader?.current(),
      self: () => address,
    }),
  );
  const node = await serveNode({
    metrics,
    host: o.host,
    port: o.port,
    metricsPort: o.metricsPort,
    services: [startingAtFirstMessage(frontServiceDefinition(), front.implementation), [extProc.definition, extProc.implementation]],
    tls: o.tls,
    metricsHost: o.metricsHost,
    metricsGuard: adminGuard(access, o.metricsHost),
    closers: [
      async () => front.close(),
      async () => traffic.close(),
      async () => writerClient.close(),
      async () => placement.close(),
      async () => cache.close(),
      async () => clients.close(),
      async () => o.discovery.close(),
      async () => o.quotaSettings?.close(),
    ],
  });
  address = node.grpc;
  if (o.httpPort === undefined) return { ...node, placement, cache };
  const rest = await startRestServer({
    host: o.host,
    port: o.httpPort,
    api: restApi,
    tls: o.tls,
    hooks: { onError: (path, err) => log.error({ err, path }, 'REST request failed'), onRequest: (path) => rpc.start('REST', path) },
  }).catch(async (e) => {
    await node.stop();
    throw e;
  });
  // The HTTP server closes first: the REST core's writer client is closed with the node.
  const stop = async () => {
    await rest.close();
    await node.stop();
  };
  return { ...node, http: rest.address, stop, placement, cache };
}

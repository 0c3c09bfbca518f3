import { randomBytes } from 'node:crypto';
import type { Etcd3 } from 'etcd3';
import { etcdClient } from '../cluster/etcd-client.js';
import type { Logger } from 'pino';
import { parseServerOptions, USAGE, UsageError, type ServerOptions } from './options.js';
import { createLogger } from '../runtime/logger.js';
import { loadTls, type Tls } from '../runtime/tls.js';
import { setupTracing } from '../runtime/tracing.js';
import { startWriter } from '../nodes/writer/server.js';
import { startHaWriter } from '../nodes/writer/ha-node.js';
import { leaderTarget } from '../cluster/leader-resolver.js';
import { WriterLeaderWatch } from '../cluster/writer-leader.js';
import { startReader } from '../nodes/reader/server.js';
import { FileDiscovery, StaticDiscovery, writerAddress, type Discovery } from '../cluster/discovery.js';
import { EtcdDiscovery } from '../cluster/etcd-discovery.js';
import { QuotaSettingsWatcher } from '../cluster/quota-settings.js';
import type { QuotaConfig } from '../milvus/quotas.js';
import { startCoordinator } from '../ext-proc/server.js';
import type { Registry } from 'prom-client';
import { etcdMetrics } from '../cluster/registry/etcd-metrics.js';
import { registerNode, type Registration } from '../cluster/registry/register.js';
import { describeError, NodeNameSchema, type Role } from '../cluster/registry/schema.js';
import { MISHARDS_VERSION } from '../cluster/registry/version.js';
import { up } from './up.js';
import { ctl } from './ctl.js';
import { startControlPlane } from '../control-plane/server.js';
import { CONTROL_PLANE_DEFAULTS, DEFAULT_ADS_PORT } from '../control-plane/defaults.js';
import { nginxAgentConfig } from './nginx-agent.js';
import { startNginxAgent } from '../nginx/start.js';

interface Running {
  grpc: string;
  http?: string;
  metrics: string;
  /** The metrics of a single process (`up` has none of its own). */
  registry?: Registry;
  /** `up --nginx`: the control plane's ADS address. */
  xds?: string;
  /** Data nodes and coordinators: NOT_SERVING to health checks while still serving (RunningNode). */
  drain?(): void;
  stop(): Promise<void>;
}

/** What a server subcommand gets besides its options: its logger and, with --etcd, the client. */
interface Context {
  log: Logger;
  /** TLS of the process's listeners and calls, when configured. */
  tls: Tls | undefined;
  etcd: Etcd3 | undefined;
  /** Whether each etcd watch the subcommand opened is live (mishards_etcd_up). */
  etcdWatches: (() => boolean)[];
}

/**
 * The membership source: the discovery file when given, else etcd when configured, else none.
 * With both, etcd still gives the registration and the writer leader.
 */
async function openDiscovery(o: ServerOptions, ctx: Context): Promise<Discovery | undefined> {
  if (o.discovery) return FileDiscovery.open(o.discovery, ctx.log);
  if (ctx.etcd) {
    const discovery = await EtcdDiscovery.open({ etcd: ctx.etcd, prefix: o.etcdPrefix, log: ctx.log });
    ctx.etcdWatches.push(() => discovery.connected);
    return discovery;
  }
  return undefined;
}

/**
 * The quotas of a writer or coordinator: its flags, and with --etcd the settings key, which
 * overrides them at run time (cluster/quota-settings.ts).
 */
async function openQuotas(o: ServerOptions, ctx: Context): Promise<QuotaConfig & { quotaSettings?: QuotaSettingsWatcher }> {
  const flags = { rates: o.rates, memoryHighWaterLevel: o.memoryHighWaterLevel };
  if (!ctx.etcd) return flags;
  const quotaSettings = await QuotaSettingsWatcher.open({ etcd: ctx.etcd, prefix: o.etcdPrefix, flags, log: ctx.log });
  return { ...quotaSettings.current(), quotaSettings };
}

/** The writer election's leader, watched (docs/writer-ha.md). */
async function openLeaderWatch(o: ServerOptions, ctx: Context): Promise<WriterLeaderWatch> {
  const watch = await WriterLeaderWatch.open({ etcd: ctx.etcd!, prefix: o.etcdPrefix, log: ctx.log });
  ctx.etcdWatches.push(() => watch.connected);
  return watch;
}

/** A gRPC target that follows the writer leader, once one is elected, with the watch it follows. */
async function followLeader(o: ServerOptions, ctx: Context): Promise<{ writer: string; writerLeader: WriterLeaderWatch }> {
  const watch = await openLeaderWatch(o, ctx);
  await watch.next();
  return { writer: leaderTarget(watch), writerLeader: watch };
}

interface Command {
  /**
   * The role it registers as in etcd; `up` registers nothing itself (its children do), the
   * control plane only reads.
   */
  role?: Role;
  /** The gRPC port when --port is absent (default Milvus's 19530). */
  defaultPort?: number;
  logName(o: ServerOptions): string;
  start(o: ServerOptions, ctx: Context): Promise<Running>;
}

const commands: Record<string, Command> = {
  writer: {
    role: 'writer',
    logName: () => 'writer',
    start: async (o, ctx) => {
      const config = { ...o, ...(await openQuotas(o, ctx)), tls: ctx.tls };
      // With etcd, every writer campaigns: the leader serves, the others stand by.
      if (!ctx.etcd) return startWriter(config, ctx.log);
      const ha = {
        etcd: ctx.etcd,
        prefix: o.etcdPrefix,
        ttlSeconds: o.leaseTtl,
        name: o.name,
        advertiseHost: o.advertiseHost,
        etcdWatches: ctx.etcdWatches,
      };
      return startHaWriter(config, ha, ctx.log);
    },
  },
  reader: {
    role: 'reader',
    logName: (o) => `reader-${o.group}`,
    start: async (o, ctx) => {
      const writer = o.writer ?? (ctx.etcd ? leaderTarget(await openLeaderWatch(o, ctx)) : undefined);
      return startReader({ ...o, writer, tls: ctx.tls }, ctx.log, await openDiscovery(o, ctx));
    },
  },
  coordinator: {
    role: 'coordinator',
    logName: () => 'coordinator',
    start: async (o, ctx) => {
      if (o.xds && ctx.tls)
        throw new UsageError(
          '--xds cannot be used with TLS: the xDS client connects to the control plane in plaintext only (docs/security.md)',
        );
      const found = await openDiscovery(o, ctx);
      if (!o.writer && !found) throw new UsageError('coordinator needs --writer HOST:PORT (or --etcd / --discovery listing a writer)');
      const discovery = found ?? new StaticDiscovery();
      if (!o.writer) ctx.log.info(ctx.etcd ? 'waiting for a writer leader to be elected' : 'waiting for a writer to be listed');
      const target = o.writer ? { writer: o.writer } : ctx.etcd ? await followLeader(o, ctx) : { writer: await writerAddress(discovery) };
      const { rates, quotaSettings } = await openQuotas(o, ctx);
      return startCoordinator(
        {
          host: o.host,
          port: o.port,
          httpPort: o.httpPort,
          metricsPort: o.metricsPort,
          ...target,
          discovery,
          limits: { maxResultBytes: o.maxResultBytes },
          rates,
          auth: o.auth,
          tls: ctx.tls,
          clusterToken: o.clusterToken,
          metricsHost: o.metricsHost,
          ...(quotaSettings ? { quotaSettings } : {}),
          ...(o.xds ? { xds: o.xds } : {}),
        },
        ctx.log,
      );
    },
  },
  up: { logName: () => 'up', start: (o) => up(o) },
  'control-plane': {
    logName: () => 'control-plane',
    defaultPort: DEFAULT_ADS_PORT,
    start: async (o, ctx) => {
      if (!ctx.etcd) throw new UsageError('control-plane needs --etcd HOST:PORT');
      const d = CONTROL_PLANE_DEFAULTS;
      const cp = await startControlPlane({
        ...d,
        etcd: ctx.etcd,
        prefix: o.etcdPrefix,
        host: o.host,
        port: o.port,
        metricsPort: o.metricsPort,
        front: {
          ...d.front,
          address: o.frontHost,
          port: o.frontPort,
          ...(ctx.tls ? { tls: ctx.tls.paths } : {}),
        },
        debounceMs: o.debounceMs,
        maxDebounceMs: Math.max(d.maxDebounceMs, o.debounceMs),
        health: { ...d.health, intervalMs: o.healthInterval * 1000 },
        log: ctx.log,
        tls: ctx.tls,
        metricsHost: o.metricsHost,
      });
      return cp;
    },
  },
  'nginx-agent': {
    logName: () => 'nginx-agent',
    start: (o, ctx) => startNginxAgent(nginxAgentConfig(o, ctx.log)),
  },
};
/** `up` reports itself as the cluster (the proxy's or the coordinator's addresses). */
const READY_ROLE: Record<string, string> = { up: 'cluster' };

/**
 * How long a server may take to stop after SIGTERM or SIGINT once its drain delay is over
 * (docs/limits.md): the gRPC grace of 2 s for calls in flight, their cancellation, the
 * closers. Whatever has not stopped by then is abandoned as after a crash, which every part
 * recovers from. `up` waits for its children, each bound by this.
 */
const STOP_BOUND_MS = 5000;

/** Runs one server subcommand until SIGINT/SIGTERM, printing the `ready` line once serving. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'ctl') return ctl(rest);
  const start = commands[command];
  if (!start) {
    process.stderr.write(`mishards: unknown or not yet available command "${command}"\n\n${USAGE}`);
    return 2;
  }
  const opts = parseServerOptions(rest, process.env, start.defaultPort);
  if (opts.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const badName = opts.name === undefined ? undefined : NodeNameSchema.safeParse(opts.name).error;
  if (badName) throw new UsageError(`--name ${describeError(badName)}`);
  setupTracing(command);
  const log = createLogger(start.logName(opts), opts.logLevel);
  if (opts.auth && start.role && !opts.clusterToken) {
    if (command !== 'writer')
      throw new UsageError(
        `${command} --auth: the cluster's internal API needs a shared secret: set MISHARDS_CLUSTER_TOKEN (or --cluster-token-file) ` +
          'to the same value on every process (docs/security.md)',
      );
    // A standalone writer: a secret no one else knows keeps its internal API closed to all.
    opts.clusterToken = randomBytes(32).toString('base64url');
    log.warn('no cluster token (MISHARDS_CLUSTER_TOKEN): the internal API refuses every caller, as a standalone writer needs');
  }
  // `up` hands --etcd to its children and uses no client itself.
  const etcd = opts.etcd && command !== 'up' ? etcdClient(opts.etcd) : undefined;
  const ctx: Context = { log, etcd, etcdWatches: [], tls: tlsOf(opts) };
  const node = await start.start(opts, ctx);
  // Registered before `ready`: whoever waits for that line can find the process in etcd.
  let registration: Registration | undefined;
  if (etcd && start.role) {
    registration = await registerNode({
      etcd,
      prefix: opts.etcdPrefix,
      role: start.role,
      ...(opts.name ? { name: opts.name } : {}),
      ...(start.role === 'reader' ? { group: opts.group } : {}),
      addresses: { grpc: node.grpc, metrics: node.metrics, ...(node.http ? { http: node.http } : {}) },
      ...(opts.advertiseHost ? { advertiseHost: opts.advertiseHost } : {}),
      version: MISHARDS_VERSION,
      ttlSeconds: opts.leaseTtl,
      log,
    });
    const r = registration;
    if (node.registry) etcdMetrics(node.registry, { connected: [...ctx.etcdWatches, () => r.alive], registrations: () => r.registrations });
  }
  const parts = [`ready ${READY_ROLE[command] ?? command}`, `grpc=${node.grpc}`];
  if (node.http) parts.push(`http=${node.http}`);
  parts.push(`metrics=${node.metrics}`);
  if (node.xds) parts.push(`xds=${node.xds}`);
  process.stdout.write(`${parts.join(' ')}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  const drainMs = opts.drainDelay * 1000;
  if (command !== 'up') {
    setTimeout(() => {
      process.stderr.write(`mishards: ${command} did not stop within ${drainMs + STOP_BOUND_MS} ms; exiting\n`);
      process.exit(1);
    }, drainMs + STOP_BOUND_MS).unref();
  }
  // The drain of a rolling upgrade (docs/limits.md): health checks hear NOT_SERVING and the
  // membership loses the process first, so proxies, Services and coordinators stop sending new
  // work here; the ports stay open through the drain delay for what they send meanwhile; then
  // stop() closes them, lets calls in flight finish and releases the rest.
  node.drain?.();
  await registration?.stop();
  if (drainMs > 0) {
    log.info({ drainDelayS: opts.drainDelay }, 'draining: not serving, still answering until the drain delay ends');
    await new Promise((resolve) => setTimeout(resolve, drainMs));
  }
  await node.stop();
  etcd?.close();
  return 0;
}

/** The process's TLS from its options; a bad configuration is a usage error. */
function tlsOf(o: ServerOptions): Tls | undefined {
  try {
    return loadTls(o.tls);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/**
 * Children of `mishards up` and of test harnesses set MISHARDS_EXIT_WITH_PARENT=1: when
 * their parent dies, however abruptly, they are re-parented, notice, and shut down instead of
 * lingering with their ports and files.
 */
function exitWithParent(): void {
  if (process.env.MISHARDS_EXIT_WITH_PARENT !== '1') return;
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 500).unref();
}

exitWithParent();

process.on('unhandledRejection', (e) => {
  process.stderr.write(`mishards: unhandled rejection: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 1;
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`mishards: ${e instanceof UsageError ? e.message : ((e as Error)?.stack ?? String(e))}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);

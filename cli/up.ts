import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import YAML from 'yaml';
import { quotaArgs, type ServerOptions, UsageError } from './options.js';
import type { Member } from '../cluster/discovery.js';
import { findExecutable } from '../runtime/executables.js';
import { freePort } from '../runtime/free-port.js';
import { PACKAGE_ROOT } from '../runtime/package-root.js';
import { NGINX_PACKAGES } from './nginx-agent.js';

const BIN = join(PACKAGE_ROOT, 'bin/mishards.js');

interface Child {
  name: string;
  process: ChildProcess;
  addresses: Record<string, string>;
}

/** Starts `mishards <args>` and resolves with the addresses of its `ready` line. */
function startChild(name: string, args: string[]): Promise<Child> {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, MISHARDS_EXIT_WITH_PARENT: '1' },
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      const i = lines.findIndex((l, n) => l.startsWith('ready ') && n < lines.length - 1);
      if (i < 0) return;
      // After its ready line a child's stdout (console traces) goes to our stderr: our stdout
      // carries only the cluster's ready line, and nothing accumulates here.
      child.stdout!.off('data', onData);
      const rest = lines.slice(i + 1).join('\n');
      if (rest) process.stderr.write(rest);
      child.stdout!.pipe(process.stderr, { end: false });
      const line = lines[i]!;
      resolve({
        name,
        process: child,
        addresses: Object.fromEntries(
          line
            .split(' ')
            .slice(2)
            .map((kv) => kv.split('=') as [string, string]),
        ),
      });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
  });
}

async function stopChild(c: Child): Promise<void> {
  if (c.process.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => c.process.once('exit', () => resolve()));
  c.process.kill('SIGTERM');
  await exited;
}

/** The addresses `up` reports in its ready line. */
export interface UpAddresses {
  grpc: string;
  http?: string;
  metrics: string;
  /** With --nginx: the control plane's ADS address. */
  xds?: string;
}

/**
 * `mishards up`: the whole cluster on one machine with embedded defaults. A writer, N
 * readers (groups g1..gN) and a coordinator, as child processes sharing the data directory's
 * SQLite metadata and segment storage. Membership goes to a discovery file the coordinator
 * and readers watch or, with --etcd, each child registers in etcd and takes the membership
 * from there. The coordinator gets the requested ports; with --nginx (and --etcd), the
 * control plane and the Nginx agent join, and a private Nginx takes them instead: gRPC on
 * --port, REST on --http-port (default --port + 1).
 */
export async function up(opts: ServerOptions): Promise<UpAddresses & { stop(): Promise<void> }> {
  if (opts.nginx && !opts.etcd) throw new UsageError('up --nginx needs --etcd HOST:PORT: the control plane reads the cluster from etcd');
  if (opts.nginx && !opts.nginxBin && !findExecutable('nginx')) throw new UsageError(`up --nginx needs nginx: ${NGINX_PACKAGES}`);
  await mkdir(opts.dataDir, { recursive: true });
  // A membership file left by an earlier run names dead processes.
  await rm(join(opts.dataDir, 'cluster.yaml'), { force: true });
  const etcd = opts.etcd ? ['--etcd', opts.etcd.join(','), '--etcd-prefix', opts.etcdPrefix, '--lease-ttl', String(opts.leaseTtl)] : [];
  const shared = ['--meta', opts.meta, '--storage', opts.storage, '--host', opts.host, '--log-level', opts.logLevel, ...etcd];
  if (opts.threads) shared.push('--threads', String(opts.threads));
  const { heavySlots, heavyBytes, maxWaitMs } = opts.admission;
  if (heavySlots !== undefined) shared.push('--heavy-searches', String(heavySlots));
  if (heavyBytes !== undefined) shared.push('--search-memory', String(heavyBytes / 2 ** 20));
  if (maxWaitMs !== undefined) shared.push('--admission-wait', String(maxWaitMs));
  // Both answer searches and queries: the writer alone, and as the coordinator's target.
  // The quotas too: the writer holds writes and its own searches to them, the coordinator searches.
  const requestLimits = ['--max-result-bytes', String(opts.maxResultBytes), ...quotaArgs(opts)];
  const children: Child[] = [];
  const stopAll = async () => {
    for (const c of [...children].reverse()) await stopChild(c);
  };
  try {
    const writer = await startChild('writer', [
      'writer',
      ...shared,
      '--port',
      '0',
      '--metrics-port',
      '0',
      '--data-dir',
      join(opts.dataDir, 'writer'),
      '--seal-rows',
      String(opts.sealRows),
      '--seal-age',
      String(opts.sealAgeMs / 1000),
      ...requestLimits,
      '--segment-size',
      opts.segmentSize.unit === 'MiB' ? `${opts.segmentSize.value}MiB` : String(opts.segmentSize.value),
      '--compaction-interval',
      String(opts.compactionIntervalMs / 1000),
      '--compaction-deleted-ratio',
      String(opts.compactionDeletedRatio),
      '--compaction-retention',
      String(opts.compactionRetentionMs / 1000),
    ]);
    children.push(writer);
    const discoveryFile = join(opts.dataDir, 'cluster.yaml');
    // Readers watch the membership (the file is written once all have their ports) and
    // preload. The writer's address is passed even with etcd: a registration left by an
    // earlier run's writer must not be mistaken for this one.
    const membership = opts.etcd ? [] : ['--discovery', discoveryFile];
    const readerArgs = ['--writer', writer.addresses.grpc!, ...membership];
    const readers = await Promise.all(
      Array.from({ length: opts.readers }, (_, i) =>
        startChild(`reader g${i + 1}`, [
          'reader',
          ...shared,
          ...readerArgs,
          '--group',
          `g${i + 1}`,
          '--port',
          '0',
          '--metrics-port',
          '0',
          '--data-dir',
          join(opts.dataDir, `reader-g${i + 1}`),
        ]),
      ),
    );
    children.push(...readers);
    if (!opts.etcd) {
      const members: Member[] = [
        { role: 'writer', name: 'writer', address: writer.addresses.grpc! },
        ...readers.map((r, i) => ({ role: 'reader' as const, name: `reader-g${i + 1}`, group: `g${i + 1}`, address: r.addresses.grpc! })),
      ];
      await writeFile(`${discoveryFile}.tmp`, YAML.stringify({ members }));
      await rename(`${discoveryFile}.tmp`, discoveryFile);
    }
    // Behind Nginx the coordinator takes free ports, REST always on (Nginx's REST server needs it).
    const coordinatorPorts = opts.nginx
      ? ['--port', '0', '--http-port', '0']
      : ['--port', String(opts.port), ...(opts.httpPort === undefined ? [] : ['--http-port', String(opts.httpPort)])];
    const coordinator = await startChild('coordinator', [
      'coordinator',
      '--host',
      opts.host,
      ...coordinatorPorts,
      '--metrics-port',
      String(opts.metricsPort),
      '--writer',
      writer.addresses.grpc!,
      ...membership,
      '--log-level',
      opts.logLevel,
      ...etcd,
      ...requestLimits,
      ...(opts.xds ? ['--xds', opts.xds] : []),
    ]);
    children.push(coordinator);
    const proxy = opts.nginx ? await startProxy(opts, etcd, children) : undefined;
    // A child that dies takes the cluster down with it rather than leaving it half-alive.
    for (const c of children)
      c.process.once('exit', (code) => {
        if (code !== 0 && code !== null) process.stderr.write(`mishards up: ${c.name} exited with ${code}\n`);
      });
    return {
      grpc: proxy?.grpc ?? coordinator.addresses.grpc!,
      http: proxy?.http ?? coordinator.addresses.http,
      metrics: coordinator.addresses.metrics!,
      ...(proxy ? { xds: proxy.xds } : {}),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/**
 * The control plane over the cluster's etcd, and the Nginx agent with its private Nginx on
 * the requested ports (a port of 0 becomes a free one: Nginx must be told its ports).
 */
async function startProxy(opts: ServerOptions, etcd: string[], children: Child[]): Promise<{ grpc: string; http: string; xds: string }> {
  const grpcPort = opts.port || (await freePort(opts.host));
  const restPort = opts.httpPort === undefined ? grpcPort + 1 : opts.httpPort || (await freePort(opts.host));
  const logLevel = ['--log-level', opts.logLevel];
  const controlPlane = await startChild('control-plane', [
    'control-plane',
    ...etcd,
    '--host',
    opts.host,
    '--port',
    '0',
    '--metrics-port',
    '0',
    '--front-host',
    opts.host,
    '--front-port',
    String(grpcPort),
    ...logLevel,
  ]);
  children.push(controlPlane);
  const agent = await startChild('nginx-agent', [
    'nginx-agent',
    '--xds',
    controlPlane.addresses.grpc!,
    '--host',
    opts.host,
    '--metrics-port',
    '0',
    '--http-port',
    String(restPort),
    '--data-dir',
    opts.dataDir,
    '--nginx-mode',
    opts.nginxMode,
    ...(opts.nginxBin ? ['--nginx-bin', opts.nginxBin] : []),
    ...logLevel,
  ]);
  children.push(agent);
  return { grpc: agent.addresses.grpc!, http: agent.addresses.http!, xds: controlPlane.addresses.grpc! };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import YAML from 'yaml';
import { quotaArgs, tlsArgs, type ServerOptions, UsageError } from './options.js';
import type { Member } from '../cluster/discovery.js';
import { findExecutable } from '../runtime/executables.js';
import { freePort } from '../runtime/free-port.js';
import { PACKAGE_ROOT } from '../runtime/package-root.js';
import { NGINX_NO_CLUSTER_TLS, NGINX_PACKAGES } from './nginx-agent.js';

const BIN = join(PACKAGE_ROOT, 'bin/mishards.js');

interface Child {
  name: string;
  process: ChildProcess;
  addresses: Record<string, string>;
}

/**
 * Starts `mishards <args>` and resolves with the addresses of its `ready` line. `rootPassword`
 * goes to the child's environment (never its arguments, which `ps` shows); every other child
 * gets none.
 */
function startChild(name: string, args: string[], clusterToken: string | undefined, rootPassword?: string): Promise<Child> {
  const { MISHARDS_ROOT_PASSWORD: _, MISHARDS_CLUSTER_TOKEN: __, ...env } = process.env;
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...env,
      MISHARDS_EXIT_WITH_PARENT: '1',
      ...(clusterToken === undefined ? {} : { MISHARDS_CLUSTER_TOKEN: clusterToken }),
      ...(rootPassword === undefined ? {} : { MISHARDS_ROOT_PASSWORD: rootPassword }),
    },
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
 * `mishards up`: the whole cluster on one machine with embedded defaults. A writer (with
 * --etcd and --writers N, a leader and N-1 standbys sharing the write-ahead log), N readers
 * (groups g1..gN) and a coordinator, as child processes sharing the data directory's SQLite
 * metadata and segment storage. Membership goes to a discovery file the coordinator and
 * readers watch or, with --etcd, each child registers in etcd and takes the membership from
 * there, and follows the writer election's leader. The coordinator gets the requested ports;
 * with --nginx (and --etcd), the control plane and the Nginx agent join, and a private Nginx
 * takes them instead: gRPC on --port, REST on --http-port (default --port + 1). With --auth,
 * the writers and the coordinator check credentials and privileges, and the writers get
 * root's password.
 */
export async function up(opts: ServerOptions): Promise<UpAddresses & { stop(): Promise<void> }> {
  if (opts.nginx && !opts.etcd) throw new UsageError('up --nginx needs --etcd HOST:PORT: the control plane reads the cluster from etcd');
  if (opts.nginx && !opts.nginxBin && !findExecutable('nginx')) throw new UsageError(`up --nginx needs nginx: ${NGINX_PACKAGES}`);
  if (opts.nginx && tlsArgs(opts).length) throw new UsageError(NGINX_NO_CLUSTER_TLS);
  await mkdir(opts.dataDir, { recursive: true });
  // A membership file left by an earlier run names dead processes.
  await rm(join(opts.dataDir, 'cluster.yaml'), { force: true });
  const etcd = opts.etcd ? ['--etcd', opts.etcd.join(','), '--etcd-prefix', opts.etcdPrefix, '--lease-ttl', String(opts.leaseTtl)] : [];
  const tls = tlsArgs(opts);
  const shared = [
    '--meta',
    opts.meta,
    '--storage',
    opts.storage,
    '--host',
    opts.host,
    '--metrics-host',
    opts.metricsHost,
    '--log-level',
    opts.logLevel,
    ...etcd,
    ...tls,
  ];
  if (opts.threads) shared.push('--threads', String(opts.threads));
  const { heavySlots, heavyBytes, maxWaitMs } = opts.admission;
  if (heavySlots !== undefined) shared.push('--heavy-searches', String(heavySlots));
  if (heavyBytes !== undefined) shared.push('--search-memory', String(heavyBytes / 2 ** 20));
  if (maxWaitMs !== undefined) shared.push('--admission-wait', String(maxWaitMs));
  // Both answer searches and queries: the writer alone, and as the coordinator's target.
  // The quotas too: the writer holds writes and its own searches to them, the coordinator searches.
  const requestLimits = ['--max-result-bytes', String(opts.maxResultBytes), ...quotaArgs(opts)];
  const auth = opts.auth ? ['--auth'] : [];
  // With --auth the internal API needs the cluster token: a random one unless given.
  const clusterToken = opts.clusterToken ?? (opts.auth ? randomBytes(32).toString('base64url') : undefined);
  const children: Child[] = [];
  const stopAll = async () => {
    for (const c of [...children].reverse()) await stopChild(c);
  };
  try {
    if (opts.writers > 1 && !opts.etcd) throw new UsageError('--writers above 1 needs --etcd: the writers campaign there');
    if (opts.writers < 1) throw new UsageError('--writers must be at least 1');
    const writerArgs = (i: number) => [
      'writer',
      ...shared,
      '--port',
      '0',
      '--metrics-port',
      '0',
      '--data-dir',
      join(opts.dataDir, i === 1 ? 'writer' : `writer-${i}`),
      // The leader and its standbys share the log: a standby replays it when it takes over.
      '--wal-dir',
      join(opts.dataDir, 'writer', 'wal'),
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
      ...auth,
    ];
    // One at a time: the first campaigns first and leads.
    for (let i = 1; i <= opts.writers; i++)
      children.push(await startChild(i === 1 ? 'writer' : `writer ${i}`, writerArgs(i), clusterToken, opts.rootPassword));
    const writer = children[0]!;
    const discoveryFile = join(opts.dataDir, 'cluster.yaml');
    // Readers watch the membership (the file is written once all have their ports) and
    // preload. With etcd, readers and the coordinator follow the writer election's leader.
    const membership = opts.etcd ? [] : ['--discovery', discoveryFile];
    const writerTarget = opts.etcd ? [] : ['--writer', writer.addresses.grpc!];
    const readerArgs = [...writerTarget, ...membership];
    const readers = await Promise.all(
      Array.from({ length: opts.readers }, (_, i) =>
        startChild(
          `reader g${i + 1}`,
          [
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
            ...auth,
          ],
          clusterToken,
        ),
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
    const coordinator = await startChild(
      'coordinator',
      [
        'coordinator',
        '--host',
        opts.host,
        ...coordinatorPorts,
        '--metrics-port',
        String(opts.metricsPort),
        '--metrics-host',
        opts.metricsHost,
        ...writerTarget,
        ...membership,
        '--log-level',
        opts.logLevel,
        ...etcd,
        ...tls,
        ...requestLimits,
        ...auth,
        ...(opts.xds ? ['--xds', opts.xds] : []),
      ],
      clusterToken,
    );
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
  // Their admin surfaces (metrics, /xds/clients, /nginx/status) listen where the cluster's do.
  const shared = ['--log-level', opts.logLevel, '--metrics-host', opts.metricsHost];
  // Neither calls the internal API: no cluster token.
  const controlPlane = await startChild(
    'control-plane',
    [
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
      ...shared,
    ],
    undefined,
  );
  children.push(controlPlane);
  const agent = await startChild(
    'nginx-agent',
    [
      'nginx-agent',
      '--xds',
      controlPlane.addresses.grpc!,
      '--metrics-port',
      '0',
      '--http-port',
      String(restPort),
      '--data-dir',
      opts.dataDir,
      '--nginx-mode',
      opts.nginxMode,
      ...(opts.nginxBin ? ['--nginx-bin', opts.nginxBin] : []),
      ...shared,
    ],
    undefined,
  );
  children.push(agent);
  return { grpc: agent.addresses.grpc!, http: agent.addresses.http!, xds: controlPlane.addresses.grpc! };
}

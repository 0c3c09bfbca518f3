import { parseServerOptions, USAGE, UsageError, type ServerOptions } from './options.js';
import { createLogger } from '../nodes/common/logger.js';
import { setupTracing } from '../nodes/common/tracing.js';
import { startWriter } from '../nodes/writer/server.js';
import { startReader } from '../nodes/reader/server.js';
import { FileDiscovery, StaticDiscovery } from '../ext-proc/cluster/discovery.js';
import { startCoordinator } from '../ext-proc/server.js';
import { up } from './up.js';

interface Running {
  grpc: string;
  http?: string;
  metrics: string;
  stop(): Promise<void>;
}

type Starter = (opts: ServerOptions) => Promise<Running>;

const commands: Record<string, Starter> = {
  writer: (o) => startWriter(o, createLogger('writer', o.logLevel)),
  reader: (o) => startReader(o, createLogger(`reader-${o.group}`, o.logLevel)),
  coordinator: async (o) => {
    const log = createLogger('coordinator', o.logLevel);
    if (!o.writer) throw new UsageError('coordinator needs --writer HOST:PORT');
    const discovery = o.discovery ? await FileDiscovery.open(o.discovery, log) : new StaticDiscovery();
    return startCoordinator({ host: o.host, port: o.port, httpPort: o.httpPort, metricsPort: o.metricsPort, writer: o.writer, discovery }, log);
  },
  up,
};
/** `up` reports itself as the cluster (the coordinator's addresses). */
const READY_ROLE: Record<string, string> = { up: 'cluster' };

/** Runs one server subcommand until SIGINT/SIGTERM, printing the `ready` line once serving. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const start = commands[command];
  if (!start) {
    process.stderr.write(`mishards: unknown or not yet available command "${command}"\n\n${USAGE}`);
    return 2;
  }
  const opts = parseServerOptions(rest);
  if (opts.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  setupTracing(command);
  const node = await start(opts);
  const parts = [`ready ${READY_ROLE[command] ?? command}`, `grpc=${node.grpc}`];
  if (node.http) parts.push(`http=${node.http}`);
  parts.push(`metrics=${node.metrics}`);
  process.stdout.write(parts.join(' ') + '\n');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await node.stop();
  return 0;
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
    process.stderr.write(`mishards: ${e instanceof UsageError ? e.message : (e as Error)?.stack ?? String(e)}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';

const BIN = fileURLToPath(new URL('../../bin/mishards.js', import.meta.url));
const live = new Set<ChildProcess>();
// A test file that fails before its afterAll must not leave servers behind.
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export interface MishardsProcess {
  /** Addresses from the `ready` line, e.g. { grpc: '127.0.0.1:40123', metrics: ... }. */
  addresses: Record<string, string>;
  child: ChildProcess;
  /** The last 20,000 characters of stdout and stderr. */
  output(): string;
  /** Everything the process wrote, when started with `transcript` (else what output() keeps). */
  transcript(): string;
  /** SIGTERM and wait for a clean exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait until the process is gone. */
  kill(): Promise<void>;
}

/**
 * The arguments every server started here shares: gRPC and metrics on free ports (the ready
 * line tells which), and its own data directory when it keeps state.
 */
export function onFreePorts(dataDir?: string): string[] {
  return ['--port', '0', '--metrics-port', '0', ...(dataDir === undefined ? [] : ['--data-dir', dataDir])];
}

/** The official SDK connected to `address`; `timeout` bounds each call (ms); `database` is the client's `database` option. */
export async function connectSdk(address: string, timeout = 30_000, database?: string): Promise<MilvusClient> {
  const client = new MilvusClient({ address, timeout, logLevel: 'error', ...(database === undefined ? {} : { database }) });
  await client.connectPromise;
  return client;
}

/** Another `mishards` executable than the repository's: an installed copy, run from its directory. */
export interface MishardsEntry {
  bin: string;
  cwd: string;
}

/**
 * Runs `mishards <args>` and resolves once it prints its `ready` line (the CLI contract),
 * or rejects with its output if it exits first. Automatic compaction is off unless a test
 * asks for it (`--compaction-interval`, or `env`): tests count and place segments, and a
 * background merge would change them under their feet.
 */
export function startMishards(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: { transcript?: boolean; entry?: MishardsEntry } = {},
): Promise<MishardsProcess> {
  const { entry } = options;
  const child = spawn(process.execPath, [entry?.bin ?? BIN, ...args], {
    ...(entry ? { cwd: entry.cwd } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MISHARDS_EXIT_WITH_PARENT: '1', MISHARDS_COMPACTION_INTERVAL: '0', ...env },
  });
  live.add(child);
  let out = '';
  let stdout = '';
  const all: string[] = [];
  const keep = (d: Buffer) => {
    if (options.transcript) all.push(d.toString());
  };
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  child.stderr!.on('data', (d: Buffer) => {
    keep(d);
    out = (out + d.toString()).slice(-20000);
  });
  child.stdout!.on('data', keep);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      out = (out + d.toString()).slice(-20000);
      const line = stdout.split('\n').find((l) => l.startsWith('ready '));
      if (!line) return;
      const addresses = Object.fromEntries(
        line
          .split(' ')
          .slice(2)
          .map((kv) => kv.split('=') as [string, string]),
      );
      resolve({
        addresses,
        child,
        output: () => out,
        transcript: () => (options.transcript ? all.join('') : out),
        async stop() {
          child.kill('SIGTERM');
          return exited;
        },
        async kill() {
          child.kill('SIGKILL');
          await exited;
        },
      });
    });
    void exited.then((code) => reject(new Error(`mishards ${args.join(' ')} exited with ${code} before ready:\n${out}`)));
  });
}

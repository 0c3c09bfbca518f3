import { spawnWatched } from '../../runtime/watchdog.js';

/** How much of the server's output we keep for error messages. */
const OUTPUT_TAIL_CHARS = 16 * 1024;

export interface Supervised {
  /** Undefined while the server runs; how it ended once it has exited. */
  readonly exitReason: string | undefined;
  /** The end of the server's stdout and stderr. */
  output(): string;
  /** Kills the server (test data is disposable: no clean shutdown) and waits until its directory is gone. */
  stop(): Promise<void>;
}

/**
 * Starts a server that owns `dir`: the directory is deleted when the server is gone, and the
 * server is killed if this process ends first (runtime/watchdog.ts).
 */
export function supervise(dir: string, command: string, args: string[]): Supervised {
  const child = spawnWatched(command, args, { signal: 'KILL', removeDir: dir });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exitReason: string | undefined;
  const exited = new Promise<void>((resolve) => {
    // 'close', not 'exit': it comes after the output pipes are drained, so the error
    // messages (and the port-clash check) see the server's last words.
    child.once('close', (code, signal) => {
      exitReason = signal ? `killed by ${signal}` : `exited with code ${code}`;
      resolve();
    });
    child.once('error', (err) => {
      exitReason = `could not start: ${err.message}`;
      resolve();
    });
  });
  return {
    get exitReason() {
      return exitReason;
    },
    output: () => tail,
    async stop() {
      child.stdin?.end();
      await exited;
    },
  };
}

/**
 * Polls `probe` until it succeeds. Fails early, with the server's output, if the server
 * exits; fails with the last probe error and the output when `timeoutMs` passes.
 */
export async function waitUntilReady<T>(what: string, server: Supervised, probe: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (err) {
      if (server.exitReason) {
        throw new Error(`${what} ${server.exitReason} before it was ready. Its output ends with:\n${lastLines(server.output())}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`${what} not ready after ${timeoutMs} ms (${String(err)}). Its output ends with:\n${lastLines(server.output())}`);
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function lastLines(text: string, count = 15): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

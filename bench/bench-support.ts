/** What every benchmark script needs: SDK status checks, sizes from the environment, cleanup that survives Ctrl-C. */

interface Status {
  error_code?: unknown;
  reason?: unknown;
}

/**
 * Throws unless the SDK reply carries a Success status: the SDK reports business errors in
 * the reply instead of throwing. Some replies are the status, others hold it in `status`.
 */
export function ok<T extends object>(what: string, reply: T): T {
  const status: Status = (reply as { status?: Status }).status ?? (reply as Status);
  if (status.error_code !== 'Success') throw new Error(`${what} failed: ${String(status.error_code)} ${String(status.reason ?? '')}`);
  return reply;
}

/** A positive integer from the environment (`BENCH_ROWS=20000`), else `fallback`. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

export interface Cleanup {
  /** Registers a release step; the returned function runs it at most once (early, or at exit). */
  defer(fn: () => Promise<void> | void): () => Promise<void>;
  /** Runs every registered step, last registered first. */
  run(): Promise<void>;
  /** Set by SIGINT/SIGTERM: the run's own failure that follows (closed clients) is not news. */
  readonly interrupted: boolean;
}

/** Cleanup steps that also run on SIGINT/SIGTERM, then exit 130. */
export function cleanupOnExit(what: string): Cleanup {
  const steps: (() => Promise<void>)[] = [];
  let running: Promise<void> | undefined;
  let interrupted = false;
  const run = () => {
    running ??= (async () => {
      for (const step of steps.reverse()) {
        try {
          await step();
        } catch (e) {
          console.error(`cleanup: ${(e as Error).message}`);
        }
      }
    })();
    return running;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      console.error(`\n${signal}: stopping ${what} and removing temporary files`);
      void run().finally(() => process.exit(130));
    });
  }
  return {
    defer(fn) {
      let done: Promise<void> | undefined;
      const step = () => (done ??= Promise.resolve().then(fn));
      steps.push(step);
      return step;
    },
    run,
    get interrupted() {
      return interrupted;
    },
  };
}

/**
 * Runs a benchmark's main, reports its failure (unless an interrupt caused it), sets the exit
 * code, and runs the cleanup steps whatever happened.
 */
export async function runBench(name: string, exit: Cleanup, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (e) {
    if (!exit.interrupted) console.error(`${name} failed: ${(e as Error).stack ?? e}`);
    process.exitCode = 1;
  } finally {
    await exit.run();
  }
}

import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import { spawnWatched } from '../../runtime/watchdog.js';
import { testConfig } from './nginx-test.js';

export interface PrivateNginxOptions {
  binary: string;
  /** The working directory: configuration, pid file, temporary files, the admin socket. */
  prefix: string;
  log: Logger;
  /** How long a start or a reload may take before it counts as failed. */
  timeoutMs?: number;
}

/** What Nginx's master logs once its workers run: after a start and after a reload that took. */
const WORKERS_STARTED = /start worker processes/;
/** What it logs when a configuration is refused (on a reload, the old one keeps running). */
const REFUSED = /\[emerg\] \d+#\d+: (.*)$/;

/**
 * The private Nginx the agent runs: its own prefix, pid file and temporary files, its
 * error log on stderr (read here: the master confirms each reload or names why it failed),
 * `daemon off` under a watchdog, so it stops with the agent however the agent ends.
 *
 * apply() is the safe swap: the configuration goes to a new file, `nginx -t` checks it, a
 * rename makes it current, and SIGHUP reloads; a configuration Nginx refuses (at the test or
 * at the reload) leaves the last good one in place and serving. Calls must not overlap.
 */
export class PrivateNginx extends EventEmitter<{ exit: [reason: string] }> {
  private child: ChildProcess | undefined;
  private master = 0;
  private exited: Promise<string> | undefined;
  private readonly lineWaiters = new Set<(line: string) => void>();
  private readonly conf: string;
  private readonly timeoutMs: number;
  private stopping = false;

  constructor(private readonly o: PrivateNginxOptions) {
    super();
    this.conf = join(o.prefix, 'nginx.conf');
    this.timeoutMs = o.timeoutMs ?? 10_000;
  }

  /** Whether Nginx runs (it was started and has not exited). */
  get running(): boolean {
    return this.master !== 0 && this.child?.exitCode === null && this.child.signalCode === null;
  }

  /** The master's pid, once started. */
  get pid(): number {
    return this.master;
  }

  /** Tests the first configuration, then starts Nginx on it and waits until its workers run. */
  private async start(config: string): Promise<void> {
    await mkdir(join(this.o.prefix, 'temp'), { recursive: true });
    await this.install(config);
    const child = spawnWatched(this.o.binary, ['-p', this.o.prefix, '-c', this.conf, '-e', 'stderr'], { signal: 'TERM' });
    this.child = child;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exited with code ${code}`)),
    );
    void this.exited.then((reason) => {
      if (!this.stopping) this.emit('exit', reason);
    });
    const lines = createInterface({ input: child.stderr! });
    lines.on('line', (line) => this.onLine(line));
    child.stdout!.resume();
    const outcome = await Promise.race([
      this.nextOutcome(),
      this.exited.then((reason): { ok: false; reason: string } => ({ ok: false, reason: `nginx ${reason}` })),
    ]);
    if (!outcome.ok) {
      await this.stop();
      throw new Error(`nginx did not start: ${outcome.reason}`);
    }
    this.master = Number((await readFile(join(this.o.prefix, 'nginx.pid'), 'utf8')).trim());
  }

  /**
   * Makes `config` current: a new file, `nginx -t`, an atomic rename, a reload the master
   * confirms (the first call starts Nginx). Rejects with Nginx's reason when it refuses; the
   * last good file is put back.
   */
  async apply(config: string): Promise<void> {
    if (!this.child) return this.start(config);
    const previous = await readFile(this.conf, 'utf8');
    await this.install(config);
    const outcome = await this.reload();
    if (!outcome.ok) {
      await this.writeAtomically(previous);
      throw new Error(`nginx refused the reload: ${outcome.reason}`);
    }
  }

  /** Graceful stop (SIGQUIT: requests in flight finish), then a fast one if it takes too long. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || !this.exited) return;
    if (child.exitCode === null && child.signalCode === null) {
      if (this.master) process.kill(this.master, 'SIGQUIT');
      else child.stdin!.end();
      const timer = setTimeout(() => child.stdin!.end(), 3000);
      await this.exited;
      clearTimeout(timer);
    }
  }

  private async install(config: string): Promise<void> {
    const next = `${this.conf}.next`;
    await writeFile(next, config);
    await testConfig(this.o.binary, ['-p', this.o.prefix, '-c', next]);
    await rename(next, this.conf);
  }

  private async writeAtomically(text: string): Promise<void> {
    await writeFile(`${this.conf}.next`, text);
    await rename(`${this.conf}.next`, this.conf);
  }

  private async reload(): Promise<{ ok: true } | { ok: false; reason: string }> {
    const outcome = this.nextOutcome();
    process.kill(this.master, 'SIGHUP');
    return outcome;
  }

  /**
   * The master's next verdict: workers started, or an [emerg] with its reason. A bind() that
   * fails is retried for 2.5 s before the master gives up ("still could not bind()").
   */
  private nextOutcome(): Promise<{ ok: true } | { ok: false; reason: string }> {
    return new Promise((resolve) => {
      let bindFailure = '';
      const finish = (outcome: { ok: true } | { ok: false; reason: string }) => {
        clearTimeout(timer);
        this.lineWaiters.delete(onLine);
        resolve(outcome);
      };
      const timer = setTimeout(
        () => finish({ ok: false, reason: bindFailure || `no answer from nginx within ${this.timeoutMs} ms` }),
        this.timeoutMs,
      );
      const onLine = (line: string) => {
        if (WORKERS_STARTED.test(line)) return finish({ ok: true });
        const reason = REFUSED.exec(line)?.[1];
        if (reason === undefined) return;
        if (/^bind\(\) to .* failed/.test(reason)) bindFailure = reason;
        else finish({ ok: false, reason: bindFailure ? `${bindFailure}; ${reason}` : reason });
      };
      this.lineWaiters.add(onLine);
    });
  }

  private onLine(line: string): void {
    for (const waiter of [...this.lineWaiters]) waiter(line);
    const level = /\[(\w+)\]/.exec(line)?.[1];
    if (level === 'notice' || level === 'info') this.o.log.debug({ nginx: line }, 'nginx');
    else this.o.log.warn({ nginx: line }, 'nginx');
  }
}

/**
 * A fixed set of engine workers with request/reply by sequence number. A worker is
 * ref'ed only while it has requests in flight, so an idle engine never keeps the process
 * alive, and a waiting caller always does.
 */
import { Worker } from 'node:worker_threads';
import type { Envelope, WorkerReply, WorkerRequest } from './protocol.js';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  /** The request's estimated work (see WorkerPool.call). */
  work: number;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Estimated work of the requests in flight: what a new request would wait behind. */
  queuedWork: number;
  /** Set once the worker has stopped; every later call fails with it. */
  stopped?: Error;
}

/**
 * The work a graph build counts for when choosing a worker: more than any search slice, so
 * searches go to a worker that is not building while there is one.
 */
export const BUILD_WORK = 2 ** 40;

/**
 * The worker's entry, as `new Worker(code, { eval: true })` takes it. Compiled (dist/), the
 * worker module is JavaScript and is imported as it is. From the TypeScript sources, workers
 * run them through tsx like the rest of the process; Node 20 does not apply `--import tsx`
 * from a worker's execArgv to the worker's entry module, so the entry registers tsx's ESM
 * hooks first.
 */
function bootstrap(): string {
  const compiled = import.meta.url.endsWith('.js');
  const entry = new URL(compiled ? './engine-worker.js' : './engine-worker.ts', import.meta.url).href;
  if (compiled) return `import(${JSON.stringify(entry)});`;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
}

export class WorkerPool {
  private readonly slots: Slot[];
  private seq = 0;
  private closing = false;

  constructor(size: number) {
    const code = bootstrap();
    this.slots = Array.from({ length: size }, (_, i) => this.spawn(i, code));
  }

  get size(): number {
    return this.slots.length;
  }

  /**
   * Sends `req` to worker `i`; resolves with its reply value. `work` is its estimated cost
   * (multiply-adds for a search, BUILD_WORK for a build), which `leastBusy` weighs.
   */
  call<T>(i: number, req: WorkerRequest, work = 0): Promise<T> {
    const slot = this.slot(i);
    if (slot.stopped) return Promise.reject(slot.stopped);
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject, work });
      slot.queuedWork += work;
      slot.worker.postMessage({ seq, req } satisfies Envelope);
    });
  }

  /**
   * The running worker among `candidates` with the least estimated work in flight (then the
   * fewest requests): a search lands behind a short slice rather than a long build.
   */
  leastBusy(candidates: readonly number[]): number {
    let best: number | undefined;
    let bestWork = Infinity;
    let bestInFlight = Infinity;
    for (const i of candidates) {
      const slot = this.slot(i);
      if (slot.stopped) continue;
      if (slot.queuedWork > bestWork || (slot.queuedWork === bestWork && slot.pending.size >= bestInFlight)) continue;
      best = i;
      bestWork = slot.queuedWork;
      bestInFlight = slot.pending.size;
    }
    // All stopped: any of them, whose calls fail with the reason it stopped.
    best ??= candidates[0];
    if (best === undefined) throw new Error('no engine worker to choose from');
    return best;
  }

  /** Indexes of every worker. */
  all(): number[] {
    return this.slots.map((_, i) => i);
  }

  /** Requests sent to the workers and not answered yet: work running or queued in them. */
  inFlight(): number {
    return this.slots.reduce((n, s) => n + s.pending.size, 0);
  }

  private slot(i: number): Slot {
    const slot = this.slots[i];
    if (!slot) throw new Error(`no engine worker ${i} (the pool has ${this.slots.length})`);
    return slot;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(i: number, code: string): Slot {
    const worker = new Worker(code, { eval: true, name: `engine-${i}` });
    const slot: Slot = { worker, pending: new Map(), queuedWork: 0 };
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const p = slot.pending.get(reply.seq);
      if (!p) return;
      slot.pending.delete(reply.seq);
      slot.queuedWork -= p.work;
      if (slot.pending.size === 0) {
        worker.unref();
        // Rounding of the running sum cannot outlive an idle worker.
        slot.queuedWork = 0;
      }
      if (reply.ok) p.resolve(reply.value);
      else p.reject(new Error(reply.message));
    });
    const stop = (err: Error) => {
      slot.stopped ??= err;
      for (const p of slot.pending.values()) p.reject(slot.stopped);
      slot.pending.clear();
      slot.queuedWork = 0;
    };
    worker.on('error', (err) => stop(new Error(`engine worker ${i} failed: ${err.message}`)));
    worker.on('exit', (code) => stop(new Error(this.closing ? 'engine closed' : `engine worker ${i} exited with code ${code}`)));
    return slot;
  }
}

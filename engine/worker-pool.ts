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
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Set once the worker has stopped; every later call fails with it. */
  stopped?: Error;
}

/**
 * Workers run the TypeScript sources through tsx, like the rest of the project. Node 20
 * does not apply `--import tsx` from a worker's execArgv to the worker's entry module, so
 * the entry is a one-line script that registers tsx's ESM hooks and then imports the
 * worker module.
 */
function bootstrap(): string {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./engine-worker.ts', import.meta.url).href;
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

  /** Sends `req` to worker `i`; resolves with its reply value. */
  call<T>(i: number, req: WorkerRequest): Promise<T> {
    const slot = this.slot(i);
    if (slot.stopped) return Promise.reject(slot.stopped);
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject });
      slot.worker.postMessage({ seq, req } satisfies Envelope);
    });
  }

  /** The running worker among `candidates` with the fewest requests in flight. */
  leastBusy(candidates: readonly number[]): number {
    let best: number | undefined;
    let bestInFlight = Infinity;
    for (const i of candidates) {
      const slot = this.slot(i);
      if (slot.stopped || slot.pending.size >= bestInFlight) continue;
      best = i;
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
    const slot: Slot = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const p = slot.pending.get(reply.seq);
      if (!p) return;
      slot.pending.delete(reply.seq);
      if (slot.pending.size === 0) worker.unref();
      if (reply.ok) p.resolve(reply.value);
      else p.reject(new Error(reply.message));
    });
    const stop = (err: Error) => {
      slot.stopped ??= err;
      for (const p of slot.pending.values()) p.reject(slot.stopped);
      slot.pending.clear();
    };
    worker.on('error', (err) => stop(new Error(`engine worker ${i} failed: ${err.message}`)));
    worker.on('exit', (code) => stop(new Error(this.closing ? 'engine closed' : `engine worker ${i} exited with code ${code}`)));
    return slot;
  }
}

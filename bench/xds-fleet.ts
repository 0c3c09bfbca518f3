/**
 * The main thread's handle on bench:xds's ADS streams, which live in a worker thread
 * (xds-stream-worker.ts): start them, await the k-th EDS response of every stream, close.
 */
import type { EventLoopUtilization } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import { tsWorker } from './xds-threads.js';
import type { FleetOptions, WorkerMessage } from './xds-stream-worker.js';

export interface EdsArrival {
  /** The versions the streams' k-th EDS responses carried (one, unless something is wrong). */
  versions: string[];
  /** When each stream received it: wall-clock ms (`performance.timeOrigin + performance.now()`). */
  times: number[];
}

export class StreamFleet {
  private readonly worker: Worker;
  private readonly arrived = new Map<number, EdsArrival>();
  private readonly waiting = new Map<number, (a: EdsArrival) => void>();
  private failure: Error | undefined;
  private onFailure: ((e: Error) => void)[] = [];
  private closed: Promise<void> | undefined;
  private onClosed: (() => void) | undefined;

  constructor(readonly options: FleetOptions) {
    this.worker = tsWorker(new URL('./xds-stream-worker.ts', import.meta.url), options);
    this.worker.on('message', (m: WorkerMessage) => this.receive(m));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => {
      this.onClosed?.();
      if (!this.closed) this.fail(new Error(`stream worker exited (code ${code})`));
    });
  }

  /** Event-loop utilisation of the streams' thread, since `since` if given (as performance.eventLoopUtilization). */
  eventLoopUtilization(since?: EventLoopUtilization): EventLoopUtilization {
    const now = this.worker.performance.eventLoopUtilization();
    return since ? this.worker.performance.eventLoopUtilization(now, since) : now;
  }

  /** Resolves when every stream has received its k-th EDS response (k = 1: the first answer). */
  eds(k: number, timeoutMs: number): Promise<EdsArrival> {
    const ready = this.arrived.get(k);
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<EdsArrival>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(k);
        reject(new Error(`not every ${this.options.kind} stream received EDS response ${k} within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = (action: () => void) => {
        clearTimeout(timer);
        this.waiting.delete(k);
        this.onFailure = this.onFailure.filter((f) => f !== failed);
        action();
      };
      const failed = (e: Error) => settle(() => reject(e));
      this.onFailure.push(failed);
      this.waiting.set(k, (a) => settle(() => resolve(a)));
    });
  }

  /** Cancels every stream and waits for the worker to end. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.onClosed = resolve;
      this.worker.postMessage({ type: 'close' });
    });
    return this.closed;
  }

  private receive(m: WorkerMessage): void {
    if (m.type === 'eds') {
      const arrival = { versions: m.versions, times: m.times };
      this.arrived.set(m.k, arrival);
      this.waiting.get(m.k)?.(arrival);
    } else if (m.type === 'error') this.fail(new Error(m.message));
    // The worker ends by itself once its streams are gone; should a handle linger, stop it.
    else setTimeout(() => void this.worker.terminate(), 2000).unref();
  }

  private fail(e: Error): void {
    if (this.closed) return;
    this.failure ??= e;
    for (const f of this.onFailure) f(e);
  }
}

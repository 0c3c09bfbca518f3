/**
 * Admission of searches and queries on a data node, by their estimated cost (search/cost.ts):
 * small requests run at once; expensive ones take a slot of a bounded pool, in arrival order,
 * waiting a bounded time for it, so that the CPU and the result memory they hold stay bounded
 * and a small request never waits behind them. See docs/limits.md for the bounds and defaults.
 */
import { availableParallelism } from 'node:os';
import { invalidParameter, rateLimited } from '../milvus/status.js';
import type { RequestCost } from '../search/cost.js';

export interface AdmissionLimits {
  /** A request at or under both is small: admitted at once, never queued. */
  smallWork: number;
  smallBytes: number;
  /** Expensive requests running at once. */
  heavySlots: number;
  /** Result bytes expensive requests may hold at once; one estimated above it is refused outright. */
  heavyBytes: number;
  /** The longest an expensive request waits for its turn before it is refused as rate-limited. */
  maxWaitMs: number;
}

/**
 * Defaults (docs/limits.md): small is under ~0.3-0.6 s of one core and 32 MiB of results;
 * expensive requests wait up to 3 s for one of `heavySlots` slots (the composition sets it to
 * the engine's threads) and hold 1 GiB of results between them.
 */
export const DEFAULT_ADMISSION: Omit<AdmissionLimits, 'heavySlots'> = {
  smallWork: 2 ** 28,
  smallBytes: 32 * 2 ** 20,
  heavyBytes: 2 ** 30,
  maxWaitMs: 3000,
};

/** The limits of a node whose engine runs `threads` worker threads (unset: one per core), with the operator's overrides. */
export function admissionLimits(threads: number | undefined, overrides: Partial<AdmissionLimits> = {}): AdmissionLimits {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_ADMISSION, heavySlots: threads ?? availableParallelism(), ...defined };
}

export type Lane = 'small' | 'heavy';

/** Why a request was refused, for the rejection counter. */
export type Refusal = 'busy' | 'too_large' | 'closed';

/** Ends a request's admission: its slot and bytes go to the next waiting request. */
export type Release = () => void;

interface Waiter {
  cost: RequestCost;
  admit: (release: Release) => void;
  /** Leaves the queue without a slot, failing with `err`. */
  refuse: (err: unknown) => void;
}

const MIB = 2 ** 20;
const mib = (bytes: number) => `${(bytes / MIB).toFixed(bytes < 10 * MIB ? 1 : 0)} MiB`;

/**
 * The refusal of a request whose results alone are estimated at `bytes`, more than the `limit`
 * a data node grants expensive requests; `where` names the node or nodes ("on this node").
 */
export const resultMemoryRefusal = (bytes: number, limit: number, where: string) =>
  invalidParameter(
    `the request's results would take an estimated ${mib(bytes)} ${where}, more than the ${mib(limit)} granted to ` +
      'expensive requests there: lower nq or topk, or search fewer partitions',
  );

export class Admission {
  private readonly running: Record<Lane, number> = { small: 0, heavy: 0 };
  private heldBytes = 0;
  private readonly queue: Waiter[] = [];
  private closedWith: Error | undefined;

  constructor(
    readonly limits: AdmissionLimits,
    private readonly onRefusal?: (why: Refusal) => void,
  ) {}

  laneOf(cost: RequestCost): Lane {
    return cost.work <= this.limits.smallWork && cost.bytes <= this.limits.smallBytes ? 'small' : 'heavy';
  }

  /** Requests running, per lane. */
  runningIn(lane: Lane): number {
    return this.running[lane];
  }

  /**
   * The estimated result bytes above which every request is refused, small or not: what a
   * coordinator checks a sub-request against before sending it.
   */
  get refusesAbove(): number {
    return Math.max(this.limits.heavyBytes, this.limits.smallBytes);
  }

  /** Expensive requests waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Resolves with the request's release once it may run. Rejects with a rate-limited status
   * (8, retriable) when no slot frees within the wait bound, an invalid-parameter status (1100,
   * a limit the request must change to pass, as the request limits answer) when the request
   * alone exceeds what expensive requests may hold, the signal's reason when it aborts first,
   * and the closing reason once the node is stopping.
   */
  admit(cost: RequestCost, signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.closedWith) return this.refuse('closed', this.closedWith);
    if (this.laneOf(cost) === 'small') return Promise.resolve(this.start('small', cost));
    if (cost.bytes > this.limits.heavyBytes) {
      return this.refuse('too_large', resultMemoryRefusal(cost.bytes, this.limits.heavyBytes, 'on this node'));
    }
    if (this.queue.length === 0 && this.fits(cost)) return Promise.resolve(this.start('heavy', cost));
    return new Promise<Release>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        cost,
        admit: (release) => {
          settle();
          resolve(release);
        },
        refuse: (err) => {
          settle();
          this.leave(waiter);
          reject(err);
        },
      };
      const onAbort = () => waiter.refuse(signal!.reason);
      const timer = setTimeout(() => {
        this.onRefusal?.('busy');
        waiter.refuse(
          rateLimited(
            `the node is busy with expensive requests: ${this.running.heavy} running (at most ${this.limits.heavySlots}, ` +
              `${mib(this.heldBytes)} of ${mib(this.limits.heavyBytes)} of results held) and ${this.queue.indexOf(waiter)} ` +
              `waiting ahead, no slot freed within ${this.limits.maxWaitMs} ms`,
          ),
        );
      }, this.limits.maxWaitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  /** Runs `work` once admitted, releasing its admission when it settles (see admit). */
  async run<T>(cost: RequestCost, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    const release = await this.admit(cost, signal);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** Refuses every waiting and later request with `reason`; running ones keep their slots. */
  close(reason: Error): void {
    this.closedWith = reason;
    for (const waiter of [...this.queue]) {
      this.onRefusal?.('closed');
      waiter.refuse(reason);
    }
  }

  private refuse(why: Refusal, err: Error): Promise<never> {
    this.onRefusal?.(why);
    return Promise.reject(err);
  }

  private fits(cost: RequestCost): boolean {
    return this.running.heavy < this.limits.heavySlots && this.heldBytes + cost.bytes <= this.limits.heavyBytes;
  }

  private start(lane: Lane, cost: RequestCost): Release {
    this.running[lane]++;
    if (lane === 'heavy') this.heldBytes += cost.bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running[lane]--;
      if (lane === 'heavy') {
        this.heldBytes -= cost.bytes;
        this.admitWaiting();
      }
    };
  }

  /** Starts waiting requests in arrival order while the first one fits. */
  private admitWaiting(): void {
    if (this.closedWith) return;
    while (this.queue.length > 0 && this.fits(this.queue[0]!.cost)) {
      const waiter = this.queue.shift()!;
      waiter.admit(this.start('heavy', waiter.cost));
    }
  }

  private leave(waiter: Waiter): void {
    const at = this.queue.indexOf(waiter);
    if (at < 0) return;
    this.queue.splice(at, 1);
    // The first waiter leaving may let the next one in.
    if (at === 0) this.admitWaiting();
  }
}

export interface RemovalGuardOptions {
  /** A snapshot removing more than this fraction of the served endpoints at once is held. */
  maxRemovedFraction: number;
  /** Below this many served endpoints the guard never holds (small clusters shrink by halves). */
  minEndpoints: number;
  /** How long a large removal must persist before it is pushed anyway. */
  holdMs: number;
  now?: () => number;
}

export type GuardVerdict = { push: true; releasedAfterHold?: boolean } | { push: false; reason: string; retryInMs: number };

/**
 * Refuses to push a snapshot that removes most endpoints at once: that is far more often an
 * etcd hiccup, a network partition of the registrations or an operator's mistake than half a
 * fleet dying in the same second. The served snapshot stays; if the removal is still there
 * after `holdMs` (leases of dead processes expire, a partition heals or not), it is real and
 * goes out.
 */
export class RemovalGuard {
  private heldSince: number | undefined;
  private readonly now: () => number;

  constructor(private readonly o: RemovalGuardOptions) {
    this.now = o.now ?? Date.now;
  }

  check(served: number, next: number): GuardVerdict {
    const removed = served - next;
    if (served < this.o.minEndpoints || removed <= served * this.o.maxRemovedFraction) {
      this.heldSince = undefined;
      return { push: true };
    }
    const now = this.now();
    this.heldSince ??= now;
    const waited = now - this.heldSince;
    if (waited >= this.o.holdMs) {
      this.heldSince = undefined;
      return { push: true, releasedAfterHold: true };
    }
    return {
      push: false,
      reason: `the snapshot would remove ${removed} of ${served} endpoints at once (more than ${Math.round(this.o.maxRemovedFraction * 100)} %)`,
      retryInMs: this.o.holdMs - waited,
    };
  }
}

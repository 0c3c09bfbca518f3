/** Milliseconds from any fixed origin; injected so that tests control time. */
export type Clock = () => number;

/**
 * A token bucket: `ratePerSecond` tokens a second, holding at most one second's worth, so a
 * quiet client may burst one second's allowance and no more.
 *
 * A request may cost more than the bucket holds (an insert larger than a second's bytes): it
 * is let through when the bucket is full and leaves it in debt, which later requests wait
 * out. Otherwise such a request could never pass, and the rate over time still holds.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly ratePerSecond: number,
    private readonly now: Clock = performance.now.bind(performance),
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError(`a token bucket needs a positive rate, got ${ratePerSecond}`);
    this.tokens = ratePerSecond;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.ratePerSecond, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
  }

  /** Whether a request costing `cost` tokens may pass now (nothing is taken). */
  allows(cost: number): boolean {
    this.refill();
    return this.tokens >= Math.min(cost, this.ratePerSecond);
  }

  /** Takes `cost` tokens; call after `allows` said yes (of every bucket a request must pass). */
  take(cost: number): void {
    this.tokens -= cost;
  }
}

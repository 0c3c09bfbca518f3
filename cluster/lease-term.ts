/**
 * How long a leader may act on its lease, by its own monotonic clock: until the send time of
 * the last keep-alive etcd confirmed (or of the grant), plus the TTL, less a margin for clock
 * rate differences. etcd starts the TTL when it receives the request, which is later, so the
 * term ends here before etcd can expire the lease and let another candidate win; past it the
 * leader stops acknowledging even when etcd cannot be reached to tell it anything.
 */
export class LeaseTerm {
  private renewedAt = Number.NEGATIVE_INFINITY;
  /** Send times of keep-alives not answered yet, in order (one stream answers in order). */
  private inFlight: number[] = [];

  constructor(
    readonly ttlMs: number,
    readonly marginMs: number = Math.max(100, ttlMs / 10),
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A request that renews the lease (grant or keep-alive) is being sent. */
  sending(): void {
    this.inFlight.push(this.now());
  }

  /** The oldest request sent was confirmed: the term runs from its send time. */
  confirmed(): void {
    const sentAt = this.inFlight.shift();
    if (sentAt !== undefined) this.renewedAt = Math.max(this.renewedAt, sentAt);
  }

  /** The requests in flight will never be answered (the stream broke, the lease is gone). */
  dropInFlight(): void {
    this.inFlight = [];
  }

  /** Forgets every renewal: a new lease starts from its grant. */
  end(): void {
    this.renewedAt = Number.NEGATIVE_INFINITY;
    this.inFlight = [];
  }

  valid(): boolean {
    return this.remainingMs() > 0;
  }

  remainingMs(): number {
    return this.renewedAt + this.ttlMs - this.marginMs - this.now();
  }
}

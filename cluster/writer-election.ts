import { EventEmitter } from 'node:events';
import type { Etcd3, Lease } from 'etcd3';
import type { Logger } from 'pino';
import { LeaseTerm } from './lease-term.js';
import { describeError } from './registry/schema.js';
import { electionPrefix, WriterLeaderWatch, type WriterCandidate, type WriterLeader } from './writer-leader.js';

export interface WriterElectionOptions {
  etcd: Etcd3;
  prefix: string;
  ttlSeconds: number;
  candidate: WriterCandidate;
  log: Logger;
}

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 2000;
const REVOKE_DEADLINE_MS = 2000;

/**
 * One writer's campaign in the writer election (cluster/writer-leader.ts), on its own lease.
 *
 * Events: 'elected' (epoch) when its key becomes the oldest; 'deposed' (reason) when, elected,
 * it loses the lease or its key. After a deposition it campaigns again with a new lease (behind the other
 * candidates). holdsTerm() says whether it may acknowledge writes now: elected, and within
 * the lease's term by its own clock (LeaseTerm), which ends on time even while etcd is
 * unreachable and resumes, with the same epoch, once keep-alives are confirmed again.
 */
export class WriterElection extends EventEmitter {
  private leaders!: WriterLeaderWatch;
  private lease: Lease | undefined;
  private key: string | undefined;
  private elected = false;
  private stopped = false;
  private readonly term: LeaseTerm;
  /** The epoch of the current or last term won. */
  epoch = 0;

  constructor(private readonly o: WriterElectionOptions) {
    super();
    this.term = new LeaseTerm(o.ttlSeconds * 1000);
  }

  /** Resolves once the election keys are watched; the campaign runs on in the background. */
  async start(): Promise<void> {
    this.leaders = await WriterLeaderWatch.open({ etcd: this.o.etcd, prefix: this.o.prefix, log: this.o.log });
    this.leaders.on('change', () => this.evaluate());
    void this.campaign();
  }

  /** The leader the election keys name now (this writer or another). */
  leader(): WriterLeader | undefined {
    return this.leaders.current();
  }

  /** Whether its watch of the election keys is live. */
  get connected(): boolean {
    return this.leaders.connected;
  }

  holdsTerm(): boolean {
    return this.elected && this.term.valid();
  }

  private async campaign(): Promise<void> {
    let delay = RETRY_FIRST_MS;
    while (!this.stopped) {
      // Kept alive here rather than by etcd3, which gives a lease up after 2 TTLs without an
      // answer: a lease that etcd still holds when it comes back keeps its term and epoch.
      const lease = this.o.etcd.lease(this.o.ttlSeconds, { autoKeepAlive: false });
      lease.on('lost', (err) => {
        if (lease !== this.lease) return;
        this.o.log.warn({ err: err.message, key: this.key }, 'writer election lease lost');
        this.restart('lease lost');
      });
      try {
        this.term.sending();
        const id = await lease.grant();
        this.term.confirmed();
        const key = `${electionPrefix(this.o.prefix)}${id}`;
        const res = await this.o.etcd
          .if(key, 'Create', '==', 0)
          .then(this.o.etcd.put(key).value(JSON.stringify(this.o.candidate)).lease(id))
          .commit();
        if (this.stopped) {
          await lease.revoke().catch(() => undefined);
          return;
        }
        this.lease = lease;
        this.key = key;
        this.epoch = Number(res.header.revision);
        this.o.log.info({ key, epoch: this.epoch }, 'campaigning for writer leader');
        void this.keepAlive(lease);
        this.evaluate();
        return;
      } catch (e) {
        this.term.end();
        lease.release();
        this.o.log.warn({ err: describeError(e), retryInMs: delay }, 'writer campaign failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  /**
   * A keep-alive every TTL/3 while this lease is ours, each bounded by that interval. Only etcd
   * saying the lease is gone ends it (etcd3 emits 'lost'); while etcd does not answer, the term
   * runs out by the clock (LeaseTerm) and comes back with the first confirmed keep-alive.
   */
  private async keepAlive(lease: Lease): Promise<void> {
    const intervalMs = (this.o.ttlSeconds * 1000) / 3;
    while (this.lease === lease && !this.stopped) {
      const started = performance.now();
      this.term.sending();
      try {
        await lease.keepaliveOnce({ deadline: Date.now() + intervalMs });
        this.term.confirmed();
      } catch {
        this.term.dropInFlight();
        if (lease.revoked()) return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (performance.now() - started))));
    }
  }

  /** Elected when our key is the oldest; deposed when, elected, it no longer is. */
  private evaluate(): void {
    if (!this.key) return;
    const mine = this.leaders.current()?.key === this.key;
    if (mine && !this.elected) {
      this.elected = true;
      this.emit('elected', this.epoch);
    } else if (!mine && this.elected) {
      this.restart('another writer holds the election');
    }
  }

  /** Gives up the term (a takeover failed, or a newer leader fenced this one) and campaigns again. */
  abdicate(reason: string): void {
    this.o.log.warn({ key: this.key, reason, campaignInMs: RETRY_FIRST_MS }, 'giving up the writer election key');
    // Not at once: a takeover that failed would likely fail again straight away.
    this.restart(reason, RETRY_FIRST_MS);
  }

  /** Gives up the current key (deposed if elected) and campaigns again with a new lease. */
  private restart(reason: string, campaignAfterMs = 0): void {
    const lease = this.lease;
    this.lease = undefined;
    this.key = undefined;
    this.term.end();
    if (this.elected) {
      this.elected = false;
      this.emit('deposed', reason);
    }
    void lease?.revoke({ deadline: Date.now() + REVOKE_DEADLINE_MS }).catch(() => lease.release());
    if (!this.stopped) setTimeout(() => void this.campaign(), campaignAfterMs);
  }

  /** Resigns: the lease is revoked, so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.elected = false;
    this.term.end();
    this.leaders?.close();
    await this.lease?.revoke({ deadline: Date.now() + REVOKE_DEADLINE_MS }).catch(() => this.lease?.release());
  }
}

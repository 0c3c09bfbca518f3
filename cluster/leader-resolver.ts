import * as grpc from '@grpc/grpc-js';
import { nameAuthorityHost } from '../runtime/server-names.js';
import type { WriterLeaderWatch } from './writer-leader.js';

/**
 * gRPC targets that follow the writer leader: `mishards-writer-leader:///<id>` resolves to the
 * address of the leader a WriterLeaderWatch knows, and again whenever it changes, so every
 * client made with such a target (the coordinator's relay, its metadata feed, the data-node
 * calls, a reader's feed) moves to a new leader by itself. Between leaders it resolves to an
 * error: calls waiting for a connection wait (or fail UNAVAILABLE, retriable).
 */
const SCHEME = 'mishards-writer-leader';
/** The authority of every leader target (calls carry it; TLS checks the leader's host instead). */
const AUTHORITY = 'writer-leader';
const sources = new Map<string, WriterLeaderWatch>();
let registered = false;

/** A target that follows `watch`'s leader. */
export function leaderTarget(watch: WriterLeaderWatch): string {
  if (!registered) {
    grpc.experimental.registerResolver(SCHEME, LeaderResolver);
    registered = true;
  }
  const id = `w${sources.size + 1}`;
  sources.set(id, watch);
  // A process follows one election: the newest watch names the leader's host.
  nameAuthorityHost(AUTHORITY, () => {
    const address = watch.current()?.address;
    return address?.slice(0, address.lastIndexOf(':')).replace(/^\[(.*)\]$/, '$1');
  });
  return `${SCHEME}:///${id}`;
}

/** Whether `target` follows the writer leader (a takeover is then waited out rather than failed). */
export function isLeaderTarget(target: string): boolean {
  return target.startsWith(`${SCHEME}:`);
}

/**
 * round_robin over the one address rather than the default pick_first: pick_first keeps the
 * connection it picked until a connection to the new address is ready, so calls sent just
 * after a leader change would go to the old leader, which, paused or cut off, holds them until
 * keep-alive gives up on it (seconds). round_robin drops the old connection when the address
 * changes and queues calls until the new leader's is ready.
 */
const LEAVE_OLD_LEADER_AT_ONCE: grpc.experimental.StatusOr<grpc.ServiceConfig> = {
  ok: true,
  value: { loadBalancingConfig: [{ round_robin: {} }], methodConfig: [] },
};

class LeaderResolver implements grpc.experimental.Resolver {
  private readonly watch: WriterLeaderWatch | undefined;
  private readonly onChange = () => this.report();
  /** Reporting again on every re-resolution request would spin: the channel asks again at once while the address fails. */
  private subscribed = false;

  constructor(
    private readonly target: grpc.experimental.GrpcUri,
    private readonly listener: grpc.experimental.ResolverListener,
  ) {
    this.watch = sources.get(target.path);
  }

  /** The first call (and the first after destroy) reports the leader; later ones come with its changes. */
  updateResolution(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    this.watch?.on('change', this.onChange);
    // Never synchronously with the constructor or this call (the Resolver contract).
    process.nextTick(() => this.report());
  }

  private report(): void {
    if (!this.subscribed) return;
    const leader = this.watch?.current();
    if (!leader) {
      const details = this.watch ? 'no writer leader is elected' : `unknown writer leader target ${this.target.path}`;
      this.listener({ ok: false, error: { code: grpc.status.UNAVAILABLE, details, metadata: new grpc.Metadata() } }, {}, null, '');
      return;
    }
    const i = leader.address.lastIndexOf(':');
    const address = { host: leader.address.slice(0, i), port: Number(leader.address.slice(i + 1)) };
    this.listener({ ok: true, value: [{ addresses: [address] }] }, {}, LEAVE_OLD_LEADER_AT_ONCE, '');
  }

  destroy(): void {
    this.subscribed = false;
    this.watch?.off('change', this.onChange);
  }

  static getDefaultAuthority(): string {
    return AUTHORITY;
  }
}

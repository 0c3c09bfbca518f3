import { hostname } from 'node:os';
import type { Etcd3, Lease } from 'etcd3';
import type { Logger } from 'pino';
import { describeError, nodeKey, NodeRegistrationSchema, type NodeRegistration, type Role } from './schema.js';

export interface RegisterOptions {
  etcd: Etcd3;
  /** Key prefix, e.g. `/mishards`. */
  prefix: string;
  role: Role;
  /** Defaults to defaultNodeName(). */
  name?: string;
  addresses: { grpc: string; http?: string; metrics: string };
  /** The host to register when listening on a wildcard address (default: the host name). */
  advertiseHost?: string;
  group?: string;
  version: string;
  /** Lease TTL: how long a crashed process stays registered. */
  ttlSeconds: number;
  log: Logger;
}

export interface Registration {
  readonly key: string;
  readonly value: NodeRegistration;
  /** Registered under a lease whose last keepalive succeeded. */
  readonly alive: boolean;
  /** Times the key was written: 1 after the first registration, one more after each lost lease. */
  readonly registrations: number;
  /** Revokes the lease, which deletes the key; the registration is not renewed after this. */
  stop(): Promise<void>;
}

/** First and longest wait between attempts to register. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;
/** A clean shutdown does not wait longer than this for etcd: the lease expires anyway. */
const REVOKE_DEADLINE_MS = 2000;

/**
 * A process listening on a wildcard address cannot be reached there by anyone else: it is
 * registered under `advertiseHost` instead, by default its host name (where that does not
 * resolve for others, as for a Kubernetes Deployment's pods, the pod's IP is given).
 */
export function advertisedAddress(address: string, advertiseHost = hostname()): string {
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i);
  return ['0.0.0.0', '::', '[::]', ''].includes(host) ? `${advertiseHost}${address.slice(i)}` : address;
}

/**
 * `<role>[-<group>]-<host>-<port>` from the advertised gRPC address: unique, since two
 * processes cannot listen on one port of a host, and stable, so that a process restarted at
 * the same address overwrites its own stale registration instead of leaving a ghost member
 * until the old lease expires.
 */
export function defaultNodeName(role: Role, group: string | undefined, grpcAddress: string): string {
  const parts = [role, ...(group ? [group] : []), ...grpcAddress.split(':')];
  return parts.join('-').replace(/[^A-Za-z0-9._@-]/g, '_');
}

/**
 * Registers a process under `<prefix>/nodes/<role>/<name>` with a lease kept alive by etcd3.
 * Resolves once the key is written, retrying with backoff while etcd is unreachable. When
 * the lease is lost (etcd said it expired: after a partition longer than the TTL, or etcd
 * lost its data) the process registers again with a new lease; a lease that is merely
 * unconfirmed for a while is etcd3's to keep alive.
 */
export async function registerNode(o: RegisterOptions): Promise<Registration> {
  const addresses = {
    grpc: advertisedAddress(o.addresses.grpc, o.advertiseHost),
    metrics: advertisedAddress(o.addresses.metrics, o.advertiseHost),
    ...(o.addresses.http ? { http: advertisedAddress(o.addresses.http, o.advertiseHost) } : {}),
  };
  const name = o.name ?? defaultNodeName(o.role, o.group, addresses.grpc);
  // Checked on the way out too: a process must not publish what every reader would reject.
  const value = NodeRegistrationSchema.parse({
    role: o.role,
    name,
    ...(o.group ? { group: o.group } : {}),
    addresses,
    version: o.version,
    startedAt: new Date().toISOString(),
  });
  const registrar = new Registrar(o, nodeKey(o.prefix, o.role, name), JSON.stringify(value));
  await registrar.register();
  return {
    key: registrar.key,
    value,
    get alive() {
      return registrar.alive;
    },
    get registrations() {
      return registrar.registrations;
    },
    stop: () => registrar.stop(),
  };
}

class Registrar {
  private lease: Lease | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  alive = false;
  registrations = 0;

  constructor(
    private readonly o: RegisterOptions,
    readonly key: string,
    private readonly json: string,
  ) {}

  /** Puts the key under a fresh lease, retrying until it is written or stop() is called. */
  async register(): Promise<void> {
    for (let delay = RETRY_FIRST_MS; !this.stopped; delay = Math.min(delay * 2, RETRY_MAX_MS)) {
      const lease = this.o.etcd.lease(this.o.ttlSeconds);
      lease.on('lost', (err) => this.lost(lease, err));
      lease.on('keepaliveFailed', () => this.keptAlive(lease, false));
      lease.on('keepaliveSucceeded', () => this.keptAlive(lease, true));
      try {
        await lease.put(this.key).value(this.json);
        if (this.stopped) {
          await this.revoke(lease);
          return;
        }
        this.lease = lease;
        this.alive = true;
        this.registrations++;
        this.o.log.info({ key: this.key, lease: await lease.grant(), ttl: this.o.ttlSeconds }, 'registered in etcd');
        return;
      } catch (e) {
        // Stop keepalives of a lease that may have been granted; etcd expires it.
        lease.release();
        this.o.log.warn({ key: this.key, err: describeError(e), retryInMs: delay }, 'etcd registration failed; retrying');
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.retryTimer = setTimeout(resolve, delay);
        });
      }
    }
  }

  private keptAlive(lease: Lease, ok: boolean): void {
    if (lease === this.lease) this.alive = ok;
  }

  private lost(lease: Lease, err: Error): void {
    if (this.stopped || lease !== this.lease) return;
    this.lease = undefined;
    this.alive = false;
    this.o.log.warn({ key: this.key, err: err.message }, 'etcd lease lost; registering again');
    void this.register();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.wake?.();
    const lease = this.lease;
    this.lease = undefined;
    if (lease) await this.revoke(lease);
  }

  private async revoke(lease: Lease): Promise<void> {
    try {
      await lease.revoke({ deadline: Date.now() + REVOKE_DEADLINE_MS });
    } catch (e) {
      lease.release();
      this.o.log.warn({ key: this.key, err: describeError(e) }, 'etcd lease not revoked; the key goes when its lease expires');
    }
  }
}

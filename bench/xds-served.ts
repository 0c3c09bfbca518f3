/**
 * Every snapshot the control plane serves, with when it was built and when the ADS service
 * had pushed it to every stream.
 */
import type { Snapshot, SnapshotCache } from '../control-plane/xds/snapshot.js';

export interface Served {
  snapshot: Snapshot;
  /** Wall-clock ms when the snapshot was handed to the cache: etcd watch, debounce and build done. */
  builtAt: number;
  /**
   * Wall-clock ms when the cache's set() returned: the ADS service pushes synchronously in
   * its notification, so by then every stream's response is written (to gRPC's buffers).
   */
  pushedAt: number;
}

export const wallClock = (): number => performance.timeOrigin + performance.now();

/** The etcd revision a snapshot was built at: versions are `<revision>-<digest>`. */
export const snapshotRevision = (snapshot: Snapshot): bigint => BigInt(snapshot.version.slice(0, snapshot.version.indexOf('-')));

export class ServedSnapshots {
  readonly served: Served[] = [];
  private readonly waiters = new Set<() => void>();

  /**
   * Wraps the cache's set() rather than subscribing: a subscriber added now would run after
   * the ADS service's, i.e. after the push, and could not tell build time from push time.
   */
  constructor(cache: SnapshotCache) {
    const set = cache.set.bind(cache);
    cache.set = (snapshot: Snapshot) => {
      const builtAt = wallClock();
      set(snapshot);
      this.served.push({ snapshot, builtAt, pushedAt: wallClock() });
      for (const wake of this.waiters) wake();
    };
  }

  /** The first snapshot served from index `from` on that satisfies `test`. */
  async find(from: number, test: (s: Snapshot) => boolean, timeoutMs: number, what: string): Promise<Served> {
    const found = () => this.served.slice(from).find((s) => test(s.snapshot));
    const now = found();
    if (now) return now;
    return new Promise<Served>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      const check = () => {
        const s = found();
        if (s) {
          done();
          resolve(s);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no snapshot ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }
}

import { EventEmitter } from 'node:events';
import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import type { Logger } from 'pino';
import { describeError } from './schema.js';

export interface PrefixWatcherOptions<T> {
  etcd: Etcd3;
  /** Full key prefix, e.g. `/mishards/nodes/`. */
  prefix: string;
  /** Turns the value at `key` into a T, or throws with the reason it is bad. */
  parse: (key: string, text: string) => T;
  log: Logger;
}

/** First and longest wait between attempts to resynchronise. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

/**
 * The valid values under an etcd prefix, kept current: one read of the whole prefix, then a
 * watch from the revision right after it, so nothing written in between is missed.
 *
 * - A bad value is logged with its key and the reason, reported as 'invalid' (key, reason)
 *   and ignored: the key keeps its last good value, if it had one.
 * - When the watch breaks (etcd unreachable, restarted, or the watch revision compacted),
 *   the watcher starts over with a new read and a new watch, retrying with backoff. Until a
 *   read succeeds the last good values stay: losing etcd must not empty the cluster.
 *
 * Emits 'change' whenever the set of valid values changes, once per batch of events.
 */
export class PrefixWatcher<T> extends EventEmitter {
  private values = new Map<string, Entry<T>>();
  private watcher: Watcher | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private resyncing = false;
  private closed = false;
  private delay = RETRY_FIRST_MS;

  constructor(private readonly o: PrefixWatcherOptions<T>) {
    super();
  }

  /** Resolves after the first successful read and watch; until then it keeps retrying. */
  async start(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.once('synced', resolve);
      void this.resync(undefined);
    });
  }

  /** The valid values by full key. */
  entries(): Map<string, T> {
    return new Map([...this.values].map(([k, v]) => [k, v.value]));
  }

  /** Whether the watch is live: false from a break until a new read and watch succeed. */
  get connected(): boolean {
    return this.watcher !== undefined;
  }

  /**
   * The value created first among those held, with its create revision: an election's
   * leader (etcd's election recipe), whose create revision is its term's fencing epoch.
   */
  oldest(): { key: string; value: T; createRevision: bigint } | undefined {
    let first: { key: string; value: T; createRevision: bigint } | undefined;
    for (const [key, v] of this.values) {
      if (!first || v.createRevision < first.createRevision) first = { key, value: v.value, createRevision: v.createRevision };
    }
    return first;
  }

  /**
   * The highest etcd mod revision among the values held: the same on every process that
   * holds the same values, whenever it read them (unlike the store revision of its reads).
   */
  maxModRevision(): bigint {
    let max = 0n;
    for (const v of this.values.values()) if (v.modRevision > max) max = v.modRevision;
    return max;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    void this.watcher?.cancel();
    this.watcher = undefined;
  }

  /** `stale`: a watcher etcd3 would otherwise reconnect by itself (see broken()). */
  private async resync(stale: Watcher | undefined): Promise<void> {
    if (this.closed || this.resyncing) return;
    this.resyncing = true;
    this.watcher = undefined;
    try {
      await stale?.cancel();
      const res = await this.o.etcd.getAll().prefix(this.o.prefix).exec();
      if (this.closed) return;
      const next = new Map<string, Entry<T>>();
      for (const kv of res.kvs) {
        const key = kv.key.toString();
        const entry = this.check(key, kv) ?? this.values.get(key);
        if (entry) next.set(key, entry);
      }
      const changed = !sameEntries(this.values, next);
      this.values = next;
      const start = (BigInt(res.header.revision) + 1n).toString();
      const watcher = await this.o.etcd.watch().prefix(this.o.prefix).startRevision(start).create();
      if (this.closed) {
        void watcher.cancel();
        return;
      }
      this.watcher = watcher;
      watcher.on('data', (batch) => this.onEvents(batch.events));
      watcher.on('disconnected', (err) => this.broken(watcher, err, watcher));
      // etcd cancelled this watch (e.g. compaction): it is gone already, nothing to cancel.
      watcher.on('error', (err) => this.broken(watcher, err, undefined));
      this.delay = RETRY_FIRST_MS;
      this.resyncing = false;
      if (changed) this.emit('change');
      this.emit('synced');
    } catch (e) {
      this.resyncing = false;
      if (this.closed) return;
      this.o.log.warn(
        { prefix: this.o.prefix, err: describeError(e), retryInMs: this.delay },
        'etcd read or watch failed; keeping the last good state',
      );
      this.retryTimer = setTimeout(() => void this.resync(undefined), this.delay);
      this.delay = Math.min(this.delay * 2, RETRY_MAX_MS);
    }
  }

  /**
   * etcd3 would resume a disconnected watch by itself from its last revision, which fails for
   * good once that revision is compacted; a fresh read is always right, so the old watch is
   * cancelled (synchronously, before etcd3 reconnects it) and the state read again.
   */
  private broken(watcher: Watcher, err: Error, stale: Watcher | undefined): void {
    if (watcher !== this.watcher) return;
    this.o.log.warn({ prefix: this.o.prefix, err: err.message }, 'etcd watch broken; resynchronising');
    void this.resync(stale);
  }

  private onEvents(events: { type: 'Put' | 'Delete'; kv: IKeyValue }[]): void {
    let changed = false;
    for (const ev of events) {
      const key = ev.kv.key.toString();
      if (ev.type === 'Delete') {
        changed = this.values.delete(key) || changed;
        continue;
      }
      const entry = this.check(key, ev.kv);
      // A value put again unchanged still counts: its mod revision feeds snapshot versions.
      if (!entry || this.values.get(key)?.modRevision === entry.modRevision) continue;
      this.values.set(key, entry);
      changed = true;
    }
    if (changed) this.emit('change');
  }

  private check(key: string, kv: IKeyValue): Entry<T> | undefined {
    const text = kv.value.toString();
    try {
      return { value: this.o.parse(key, text), modRevision: BigInt(kv.mod_revision), createRevision: BigInt(kv.create_revision) };
    } catch (e) {
      const reason = describeError(e);
      this.o.log.error({ key, reason }, 'etcd value rejected; ignored');
      this.emit('invalid', key, reason);
      return undefined;
    }
  }
}

interface Entry<T> {
  value: T;
  modRevision: bigint;
  createRevision: bigint;
}

function sameEntries<V extends { modRevision: bigint }>(a: Map<string, V>, b: Map<string, V>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k)?.modRevision !== v.modRevision) return false;
  return true;
}

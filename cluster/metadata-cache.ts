import { EventEmitter } from 'node:events';
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { decodeView, type CollectionView } from '../meta/collection-view.js';
import type { SecurityRecords } from '../meta/store.js';
import { CollectionNames } from './collection-names.js';
import { MetadataFeedService } from '../proto/data-node.js';
import type { MetadataEvent__Output } from '../proto/generated/mishards/data/MetadataEvent.js';
import type { MetadataFeedClient } from '../proto/generated/mishards/data/MetadataFeed.js';
import { PLAIN_PEERING, type Peering } from '../runtime/peering.js';

/** What placement reads of the metadata: every view, and a 'change' event when one changes. */
export interface MetadataSource {
  all(): CollectionView[];
  on(event: 'change', listener: () => void): unknown;
}

/**
 * The coordinator's copy of the metadata: collection views by id, the names that lead to them
 * (databases, aliases, collection names) and the RBAC state, kept fresh by the writer's change
 * feed, so that no SQL runs on the search path (nor to authenticate or authorize a request).
 * After a disconnect it reconnects and replaces its state with the new snapshot. Emits
 * 'change' (collection id) on every update of a collection (the names and the RBAC state
 * change no view).
 */
export class MetadataCache extends EventEmitter {
  private views = new Map<number, CollectionView>();
  private readonly names = new CollectionNames();
  /** Users, roles and grants; replaced whole by each security event. */
  private securityRecords: SecurityRecords = { users: [], roles: [], memberships: [], grants: [] };
  /** Views being assembled from a snapshot; swapped in whole when the snapshot ends. */
  private pending: Map<number, CollectionView> | undefined;
  private version = 0;
  private synced = false;
  private readonly client: MetadataFeedClient;
  private stream: grpc.ClientReadableStream<MetadataEvent__Output> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  /** The feed's current stream has delivered an event and has not failed since. */
  private live = false;
  private readonly waiters = new Set<{ version: number; resolve: () => void }>();
  hits = 0;
  misses = 0;

  /** `peers`: how to reach the writer's internal API (TLS, the cluster token). */
  constructor(
    writerAddress: string,
    private readonly log: Logger,
    peers: Peering = PLAIN_PEERING,
  ) {
    super();
    this.setMaxListeners(0);
    this.client = new MetadataFeedService(writerAddress, peers.credentials, peers.options);
  }

  start(): void {
    this.connect();
  }

  /** Resolves once the first snapshot has arrived. */
  ready(): Promise<void> {
    return this.synced ? Promise.resolve() : new Promise((resolve) => this.once('synced', resolve));
  }

  /**
   * The view of the collection a request names in its database: an alias first, then a
   * collection name, as Milvus resolves them. Synchronous, over the state the feed last left: a
   * request that resolves its name once sees one snapshot, so an alias moved meanwhile takes it
   * to either collection whole, never to a mix (nor to nothing: the feed moves an alias in one
   * event).
   */
  resolve(database: string, name: string): CollectionView | undefined {
    const id = this.names.resolve(database, name);
    const v = id === undefined ? undefined : this.views.get(id);
    if (v) this.hits++;
    else this.misses++;
    return v;
  }

  /** The name of the collection `name` stands for in `database` if it is an alias there. */
  aliasTarget(database: string, name: string): string | undefined {
    const id = this.names.aliasTarget(database, name);
    return id === undefined ? undefined : this.views.get(id)?.record.name;
  }

  /** The RBAC state as the feed last left it (a new object after every change). */
  security(): SecurityRecords {
    return this.securityRecords;
  }

  /** Whether the database exists, as the feed last said. */
  hasDatabase(name: string): boolean {
    return this.names.hasDatabase(name);
  }

  /** Whether a collection (by id, whatever its name or database now) still exists. */
  has(collectionId: number): boolean {
    return this.views.has(collectionId);
  }

  /** A collection's view by id. */
  byId(collectionId: number): CollectionView | undefined {
    return this.views.get(collectionId);
  }

  all(): CollectionView[] {
    return [...this.views.values()];
  }

  /**
   * Waits until the cache holds every change the writer made before this call (its feed
   * version), or the deadline passes. Used when a request finds the cache behind, e.g. a
   * collection created a moment ago.
   */
  async catchUp(deadline: Date | number): Promise<void> {
    const target = await new Promise<number>((resolve, reject) => {
      this.client.Version({}, { deadline }, (err, res) => (err ? reject(err) : resolve(Number(res!.version))));
    });
    if (this.synced && this.version >= target) return;
    await new Promise<void>((resolve) => {
      const w = { version: target, resolve };
      this.waiters.add(w);
      const ms = Math.max(0, Number(deadline) - Date.now());
      setTimeout(() => {
        this.waiters.delete(w);
        resolve();
      }, ms).unref();
    });
  }

  /** Whether the writer's feed is flowing: its stream delivered events and has not broken since. */
  get connected(): boolean {
    return this.live;
  }

  private connect(): void {
    if (this.closed) return;
    const stream = this.client.Watch({});
    this.stream = stream;
    this.pending = new Map();
    stream.on('data', (m: MetadataEvent__Output) => this.onEvent(m));
    stream.on('error', (e: grpc.ServiceError) => {
      this.live = false;
      if (this.closed) return;
      this.log.warn({ err: e.message }, 'metadata feed lost; reconnecting');
      this.scheduleReconnect();
    });
    stream.on('end', () => {
      this.live = false;
      if (!this.closed) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.retry || this.closed) return;
    this.stream?.removeAllListeners();
    this.stream = undefined;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.connect();
    }, 200);
  }

  private onEvent(m: MetadataEvent__Output): void {
    this.live = true;
    this.version = Math.max(this.version, Number(m.version));
    const id = Number(m.collection_id);
    if (this.pending) {
      if (m.snapshot_done) {
        const previous = this.views;
        this.views = this.pending;
        this.names.reset(this.views.values());
        if (m.names) this.names.setNames(m.names);
        if (m.security) this.securityRecords = securityRecords(m);
        this.pending = undefined;
        this.synced = true;
        for (const changed of new Set([...previous.keys(), ...this.views.keys()])) this.emit('change', changed);
        this.emit('synced');
      } else if (m.view_json) {
        this.pending.set(id, decodeView(m.view_json));
      }
    } else if (m.names) {
      this.names.setNames(m.names);
    } else if (m.security) {
      this.securityRecords = securityRecords(m);
    } else {
      const before = this.views.get(id);
      const after = m.view_json ? decodeView(m.view_json) : undefined;
      if (after) this.views.set(id, after);
      else this.views.delete(id);
      this.names.viewChanged(before, after);
      this.emit('change', id);
    }
    if (!this.pending) {
      for (const w of this.waiters)
        if (this.version >= w.version) {
          this.waiters.delete(w);
          w.resolve();
        }
    }
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.stream?.cancel();
    this.client.close();
  }
}

const securityRecords = (m: MetadataEvent__Output) => JSON.parse(m.security!.records_json) as SecurityRecords;

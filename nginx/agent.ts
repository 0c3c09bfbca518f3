import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import { Debouncer } from '../core/debouncer.js';
import type { EnvoyJson } from '../envoy-schema/index.js';
import { TypeUrl } from '../proto/xds.js';
import type { MetricsServer } from '../runtime/metrics-server.js';
import { peersText, pushPeers } from './lua/peers.js';
import { type Resources, Unrenderable, type XdsState } from './render/model.js';
import { type Rendered, type RenderSettings, renderHttp } from './render/render.js';
import { type AdsResponse, AdsSession } from './xds/ads-session.js';

/** Where the rendered configuration goes: a private Nginx, or the include file of an operator's. */
export interface NginxTarget {
  /** Makes the configuration current, or rejects with Nginx's reason (the last good one stays). */
  apply(config: string): Promise<void>;
  stop(): Promise<void>;
}

export interface NginxAgentOptions {
  /** The control plane's ADS address. */
  xds: string;
  nodeId: string;
  render: RenderSettings;
  /** The http block's text as the target's file (the private Nginx's whole nginx.conf). */
  wrap: (http: string) => string;
  target: NginxTarget;
  /** A burst of responses becomes one configuration once quiet this long, at the latest after maxDebounceMs. */
  debounceMs: number;
  maxDebounceMs: number;
  /** Before the first configuration, how long to wait for every cluster's endpoints. */
  warmupMs: number;
  metrics: MetricsServer;
  log: Logger;
}

interface Rejection {
  typeUrl: TypeUrl;
  version: string;
  reason: string;
  at: string;
}

const emptyState = (): Record<TypeUrl, Resources> => ({
  [TypeUrl.cluster]: new Map(),
  [TypeUrl.endpoint]: new Map(),
  [TypeUrl.listener]: new Map(),
  [TypeUrl.route]: new Map(),
});

/** The route configurations the listeners' HTTP connection managers name (RDS subscriptions). */
function routeConfigNames(listeners: Resources): string[] {
  const names: string[] = [];
  for (const listener of listeners.values())
    for (const chain of (listener.filter_chains ?? []) as EnvoyJson[])
      for (const filter of (chain.filters ?? []) as EnvoyJson[]) {
        const name = ((filter.typed_config as EnvoyJson | undefined)?.rds as EnvoyJson | undefined)?.route_config_name;
        if (typeof name === 'string') names.push(name);
      }
  return names;
}

/** Whether the routes the served listener names are held (a missing listener is for the renderer to refuse). */
function hasRoutes(state: XdsState, listener: string): boolean {
  const listeners = state[TypeUrl.listener];
  return !listeners.has(listener) || routeConfigNames(listeners).every((n) => state[TypeUrl.route].has(n));
}

/** Whether every cluster's endpoints are held. */
function hasEndpoints(state: XdsState): boolean {
  return [...state[TypeUrl.cluster].keys()].every((c) => state[TypeUrl.endpoint].has(c));
}

/**
 * `mishards nginx-agent`: an xDS client of the control plane that keeps an Nginx configured
 * from the snapshot it receives. Responses are collected for a moment (debounced), rendered
 * together, applied safely (nginx -t, atomic swap, reload), and then each is ACKed; what
 * Nginx cannot express, or refuses, is NACKed with the reason and the last good
 * configuration keeps serving. In Lua mode endpoint changes reach the balancer's shared
 * dictionary without a reload.
 */
export class NginxAgent {
  private readonly session: AdsSession;
  private readonly debouncer: Debouncer;
  /** The latest response per type, and the types whose latest response awaits its answer. */
  private readonly held = new Map<TypeUrl, AdsResponse>();
  private readonly pending = new Set<TypeUrl>();
  /** The state the running configuration was rendered from. */
  private accepted = emptyState();
  private appliedText: string | undefined;
  private pushedPeers: string | undefined;
  private rendered: Rendered | undefined;
  private loggedNotes = new Set<string>();
  private lastRejection: Rejection | undefined;
  private applying = false;
  /** Configurations Nginx took: the start, then each reload. */
  private applies = 0;
  private again = false;
  private warmupTimer: NodeJS.Timeout | undefined;
  private readonly warmupDeadline: number;
  private readonly metrics;
  private markReady!: (r: Rendered) => void;
  private failStart!: (e: Error) => void;
  /** Resolves with the first configuration Nginx runs; rejects when Nginx does not start. */
  readonly ready: Promise<Rendered>;

  constructor(private readonly o: NginxAgentOptions) {
    this.ready = new Promise((resolve, reject) => {
      this.markReady = resolve;
      this.failStart = reject;
    });
    this.warmupDeadline = Date.now() + o.warmupMs;
    this.debouncer = new Debouncer(() => void this.applyPending(), o.debounceMs, o.maxDebounceMs);
    this.session = new AdsSession({
      address: o.xds,
      node: { id: o.nodeId, cluster: 'mishards-nginx' },
      log: o.log,
      onResponse: (r) => this.receive(r),
    });
    this.metrics = agentMetrics(o.metrics, () => this.session.connected);
    o.metrics.addJsonRoute('/nginx/status', () => this.status());
  }

  start(): void {
    // Every cluster (weighted routes may name any), the one listener served; endpoints and
    // routes follow from what those name.
    this.session.subscribe(TypeUrl.cluster, undefined);
    this.session.subscribe(TypeUrl.listener, [this.o.render.listener]);
    this.session.start();
  }

  async stop(): Promise<void> {
    this.debouncer.cancel();
    clearTimeout(this.warmupTimer);
    this.session.close();
    await this.o.target.stop();
  }

  private receive(r: AdsResponse): void {
    this.held.set(r.typeUrl, r);
    this.pending.add(r.typeUrl);
    if (r.typeUrl === TypeUrl.cluster) this.session.subscribe(TypeUrl.endpoint, [...r.resources.keys()]);
    if (r.typeUrl === TypeUrl.listener) this.session.subscribe(TypeUrl.route, routeConfigNames(r.resources));
    this.debouncer.trigger();
  }

  /** One apply at a time; responses arriving meanwhile are taken by the next. */
  private async applyPending(): Promise<void> {
    if (this.applying) {
      this.again = true;
      return;
    }
    this.applying = true;
    try {
      do {
        this.again = false;
        await this.applyOnce();
      } while (this.again);
    } catch (e) {
      this.o.log.error({ err: (e as Error).stack }, 'applying the configuration failed');
    } finally {
      this.applying = false;
    }
  }

  private async applyOnce(): Promise<void> {
    const batch = new Map([...this.pending].map((t) => [t, this.held.get(t)!]));
    if (batch.size === 0) return;
    const candidate: Record<TypeUrl, Resources> = { ...this.accepted };
    for (const [t, r] of batch) candidate[t] = r.resources;
    // The listener's routes are needed to render at all: wait for them, their response is on its way.
    if (!hasRoutes(candidate, this.o.render.listener)) return;
    // Like Envoy warming its clusters, the first configuration waits a bounded time for every
    // cluster's endpoints (later, a cluster without them yet is an upstream without servers).
    if (this.appliedText === undefined && !hasEndpoints(candidate) && Date.now() < this.warmupDeadline) {
      this.warmupTimer ??= setTimeout(() => void this.applyPending(), this.warmupDeadline - Date.now());
      return;
    }
    for (const t of batch.keys()) this.pending.delete(t);
    const rendered = this.render(candidate, batch);
    if (!rendered) return;
    const text = this.o.wrap(rendered.http);
    const starting = this.appliedText === undefined;
    try {
      // Lua mode: peers before a reload, so that its new routes find their upstreams' peers
      // (a starting Nginx gets them once it listens, before the agent reports it ready).
      if (!starting) await this.pushPeersIfChanged(rendered);
      if (text !== this.appliedText) {
        await this.o.target.apply(text);
        this.metrics.applies.inc();
        this.applies++;
        this.appliedText = text;
      }
      if (starting) await this.pushPeersIfChanged(rendered);
    } catch (e) {
      for (const [t, r] of batch) this.reject(t, r, (e as Error).message);
      // A private Nginx that does not start (a port taken) ends the agent, with the reason.
      if (starting) this.failStart(e as Error);
      else if (this.rendered) await this.pushPeersIfChanged(this.rendered).catch(() => undefined);
      return;
    }
    this.rendered = rendered;
    for (const [t, r] of batch) {
      this.accepted[t] = candidate[t];
      this.session.ack(t, r.nonce);
    }
    this.logNotes(rendered.notes);
    this.markReady(rendered);
  }

  /**
   * Renders the candidate; a response carrying what Nginx cannot express is NACKed and its
   * type's accepted resources are rendered instead. A problem in resources already accepted
   * (made one by a pending change of another type) rejects the whole batch.
   */
  private render(candidate: Record<TypeUrl, Resources>, batch: Map<TypeUrl, AdsResponse>): Rendered | undefined {
    for (;;) {
      try {
        return renderHttp(candidate, this.o.render);
      } catch (e) {
        if (!(e instanceof Unrenderable)) throw e;
        const culprit = batch.get(e.typeUrl);
        if (!culprit) {
          for (const [t, r] of batch) this.reject(t, r, e.message);
          return undefined;
        }
        this.reject(e.typeUrl, culprit, e.message);
        candidate[e.typeUrl] = this.accepted[e.typeUrl];
        batch.delete(e.typeUrl);
        if (batch.size === 0) return undefined;
      }
    }
  }

  private async pushPeersIfChanged(rendered: Rendered): Promise<void> {
    const lua = this.o.render.lua;
    if (!lua) return;
    const text = peersText(rendered.peers);
    if (text === this.pushedPeers) return;
    await pushPeers(lua.adminSocket, text);
    this.pushedPeers = text;
    this.metrics.peerUpdates.inc();
  }

  private reject(typeUrl: TypeUrl, r: AdsResponse, reason: string): void {
    this.session.nack(typeUrl, r.nonce, reason);
    this.metrics.rejected.inc({ type: typeUrl.slice(typeUrl.lastIndexOf('.') + 1) });
    if (this.lastRejection?.reason !== reason) this.o.log.error({ typeUrl, version: r.version, reason }, 'xDS response rejected (NACK)');
    this.lastRejection = { typeUrl, version: r.version, reason, at: new Date().toISOString() };
  }

  private logNotes(notes: string[]): void {
    for (const note of notes) if (!this.loggedNotes.has(note)) this.o.log.info({ note }, 'Nginx approximation in effect (docs/nginx.md)');
    this.loggedNotes = new Set(notes);
  }

  private status() {
    return {
      nodeId: this.o.nodeId,
      controlPlane: { address: this.o.xds, connected: this.session.connected },
      mode: this.o.render.lua ? 'lua' : 'reload',
      grpc: this.rendered?.grpc,
      rest: this.rendered?.rest,
      acceptedVersions: this.session.acceptedVersions(),
      configurationsApplied: this.applies,
      lastRejection: this.lastRejection,
      notes: [...this.loggedNotes],
    };
  }
}

function agentMetrics(metrics: MetricsServer, connected: () => boolean) {
  const registers = [metrics.registry];
  return {
    applies: new Counter({
      name: 'mishards_nginx_config_applies_total',
      help: 'Nginx configurations applied (start or reload)',
      registers,
    }),
    peerUpdates: new Counter({
      name: 'mishards_nginx_peer_updates_total',
      help: "Lua mode: peer sets sent to the balancer's shared dictionary",
      registers,
    }),
    rejected: new Counter({ name: 'mishards_nginx_rejected_total', help: 'xDS responses NACKed', labelNames: ['type'], registers }),
    connected: new Gauge({
      name: 'mishards_nginx_ads_connected',
      help: '1 while the ADS stream to the control plane is open',
      registers,
      collect() {
        this.set(connected() ? 1 : 0);
      },
    }),
  };
}

import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { decodeEnvoy, type EnvoyJson } from '../../envoy-schema/index.js';
import { serviceAt } from '../../proto/grpc-service.js';
import { ADS_SERVICE_NAME, loadAdsPackageDefinition, type Node, TypeUrl } from '../../proto/xds.js';

/**
 * A state-of-the-world ADS client, as an Envoy is one: its own node id, one stream for every
 * type, each response ACKed or NACKed (with the reason) by whoever consumes it. It keeps
 * nothing but the protocol's state (subscriptions, the last nonce and accepted version per
 * type) and reconnects with back-off when the stream ends, announcing the versions it holds.
 */

/** One response, its resources decoded into proto3 JSON and keyed by name. */
export interface AdsResponse {
  typeUrl: TypeUrl;
  version: string;
  nonce: string;
  resources: Map<string, EnvoyJson>;
}

export interface AdsSessionOptions {
  /** The control plane's ADS address, HOST:PORT. */
  address: string;
  node: Node;
  log: Logger;
  /** Every response that decodes; the consumer settles it with ack() or nack(). */
  onResponse: (response: AdsResponse) => void;
  backoff?: { initialMs: number; maxMs: number };
}

interface RawResponse {
  version_info: string;
  resources: { type_url: string; value: Buffer }[];
  type_url: string;
  nonce: string;
}

interface TypeState {
  /** Explicit names; undefined subscribes to every resource of the type (Listener and Cluster only). */
  names: string[] | undefined;
  /** The last response's nonce on this stream ('' before the first). */
  nonce: string;
  /** The version of the last response accepted (sent as version_info). */
  accepted: string;
  /** The nonce awaiting the consumer's answer, if any. */
  pending: string | undefined;
  pendingVersion: string;
}

/** INVALID_ARGUMENT: the code a NACK carries, as Envoy sends it. */
const NACK_CODE = 3;

let adsClass: grpc.ServiceClientConstructor | undefined;

export class AdsSession {
  private readonly types = new Map<TypeUrl, TypeState>();
  private readonly client: grpc.Client;
  private call: grpc.ClientDuplexStream<object, RawResponse> | undefined;
  private sentNode = false;
  private closed = false;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly backoff: { initialMs: number; maxMs: number };

  constructor(private readonly o: AdsSessionOptions) {
    adsClass ??= serviceAt(grpc.loadPackageDefinition(loadAdsPackageDefinition()), ADS_SERVICE_NAME);
    // A dead control plane shows as a broken stream within seconds, not at the next write.
    this.client = new adsClass(o.address, grpc.credentials.createInsecure(), {
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
    });
    this.backoff = o.backoff ?? { initialMs: 100, maxMs: 2000 };
    this.retryMs = this.backoff.initialMs;
  }

  /** Opens the stream; subscriptions made before or after are sent as soon as it is open. */
  start(): void {
    this.open();
  }

  get connected(): boolean {
    return this.call !== undefined;
  }

  /** Sets the names subscribed to for a type (undefined: every resource, for Listener and Cluster). */
  subscribe(typeUrl: TypeUrl, names: string[] | undefined): void {
    const sorted = names && [...new Set(names)].sort();
    let t = this.types.get(typeUrl);
    const same = t && (t.names === undefined || sorted === undefined ? t.names === sorted : t.names.join('\n') === sorted.join('\n'));
    if (same) return;
    if (!t) {
      t = { names: sorted, nonce: '', accepted: '', pending: undefined, pendingVersion: '' };
      this.types.set(typeUrl, t);
    } else t.names = sorted;
    // While a response awaits its answer, the new names go with the answer: a request now would
    // carry that response's nonce and count as its ACK.
    if (t.pending === undefined) this.send(typeUrl, t);
  }

  /** Accepts the response with this nonce, unless a newer one of its type superseded it. */
  ack(typeUrl: TypeUrl, nonce: string): void {
    const t = this.types.get(typeUrl);
    if (!t || t.pending !== nonce) return;
    t.accepted = t.pendingVersion;
    t.pending = undefined;
    this.send(typeUrl, t);
  }

  /** Rejects the response with this nonce with the reason; the accepted version stays. */
  nack(typeUrl: TypeUrl, nonce: string, reason: string): void {
    const t = this.types.get(typeUrl);
    if (!t || t.pending !== nonce) return;
    t.pending = undefined;
    this.send(typeUrl, t, reason);
  }

  /** The version last accepted per type. */
  acceptedVersions(): Record<string, string> {
    return Object.fromEntries([...this.types].map(([typeUrl, t]) => [typeUrl, t.accepted]));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.call?.cancel();
    this.call = undefined;
    this.client.close();
  }

  private open(): void {
    if (this.closed) return;
    const call = (
      this.client as unknown as Record<string, () => grpc.ClientDuplexStream<object, RawResponse>>
    ).StreamAggregatedResources!.call(this.client);
    this.call = call;
    this.sentNode = false;
    let ended = false;
    const end = (why: string) => {
      if (ended) return;
      ended = true;
      if (this.call === call) this.call = undefined;
      if (this.closed) return;
      this.o.log.warn({ controlPlane: this.o.address, why, retryInMs: this.retryMs }, 'ADS stream ended; reconnecting');
      this.retryTimer = setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, this.backoff.maxMs);
    };
    call.on('data', (response: RawResponse) => {
      this.retryMs = this.backoff.initialMs;
      this.receive(response);
    });
    call.on('error', (e: grpc.ServiceError) => end(e.details || e.message));
    call.on('end', () => end('the control plane closed the stream'));
    // A new stream knows nothing of the old one's nonces; versions tell the server what is held.
    for (const t of this.types.values()) {
      t.nonce = '';
      t.pending = undefined;
    }
    for (const typeUrl of Object.values(TypeUrl)) {
      const t = this.types.get(typeUrl);
      if (t) this.send(typeUrl, t);
    }
  }

  private receive(r: RawResponse): void {
    const typeUrl = r.type_url as TypeUrl;
    const t = this.types.get(typeUrl);
    if (!t) {
      this.o.log.warn({ typeUrl }, 'ADS response for a type not subscribed to; ignored');
      return;
    }
    t.nonce = r.nonce;
    t.pending = r.nonce;
    t.pendingVersion = r.version_info;
    let resources: Map<string, EnvoyJson>;
    try {
      resources = decodeResources(typeUrl, r.resources);
    } catch (e) {
      this.nack(typeUrl, r.nonce, (e as Error).message);
      return;
    }
    this.o.onResponse({ typeUrl, version: r.version_info, nonce: r.nonce, resources });
  }

  private send(typeUrl: TypeUrl, t: TypeState, error?: string): void {
    if (!this.call) return;
    const request = {
      ...(this.sentNode ? {} : { node: { ...this.o.node, user_agent_name: 'mishards-nginx-agent' } }),
      type_url: typeUrl,
      version_info: t.accepted,
      response_nonce: t.nonce,
      resource_names: t.names ?? [],
      ...(error === undefined ? {} : { error_detail: { code: NACK_CODE, message: error } }),
    };
    this.sentNode = true;
    this.call.write(request);
  }
}

/** The name a resource goes by: a ClusterLoadAssignment's is its cluster's. */
function nameOf(typeUrl: TypeUrl, json: EnvoyJson): string {
  return String(typeUrl === TypeUrl.endpoint ? json.cluster_name : json.name);
}

function decodeResources(typeUrl: TypeUrl, anys: RawResponse['resources']): Map<string, EnvoyJson> {
  const out = new Map<string, EnvoyJson>();
  for (const any of anys) {
    if (any.type_url !== typeUrl) throw new Error(`a resource of type ${any.type_url} in a response of type ${typeUrl}`);
    let json: EnvoyJson;
    try {
      json = decodeEnvoy(typeUrl, any.value);
    } catch (e) {
      throw new Error(`a resource that does not decode as ${typeUrl}: ${(e as Error).message}`);
    }
    out.set(nameOf(typeUrl, json), json);
  }
  return out;
}

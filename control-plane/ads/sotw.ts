import type * as grpc from '@grpc/grpc-js';
import { WILDCARD_TYPES, type Snapshot, type TypeUrl, type XdsResource } from '../xds/snapshot.js';
import type { DiscoveryRequest } from './proto.js';
import { AdsStream, TypeState, type StreamContext } from './stream.js';
import { encodeDiscoveryResponse } from './wire.js';

class SotwTypeState extends TypeState {
  /** Resources the client holds as far as this stream told it: name → resource version. */
  readonly held = new Map<string, string>();
  /** Listener and Cluster: whether a (complete) answer was sent yet. */
  answered = false;
  /** Listener and Cluster answers list every subscribed resource; absence means deletion. */
  readonly complete: boolean;

  constructor(typeUrl: TypeUrl) {
    super(typeUrl);
    this.complete = WILDCARD_TYPES.has(typeUrl);
  }
}

/**
 * State-of-the-world ADS (StreamAggregatedResources).
 *
 * Per type: a request whose `response_nonce` is not the last nonce sent for the type is
 * stale and ignored; otherwise it ACKs or NACKs that response (once) and replaces the
 * subscription. An answer is sent when it differs from what the client holds: for Listener
 * and Cluster, the complete set of subscribed resources (always on the first request of a
 * stream, even if empty); for the other types, the subscribed resources that exist, sent when
 * one of them is new to the client or at another version (an empty answer carries nothing,
 * absence not meaning deletion, and is never sent). What was sent counts as held even when
 * NACKed: the same content is not sent again, the next different snapshot is.
 */
export class SotwStream extends AdsStream<DiscoveryRequest, SotwTypeState> {
  constructor(id: number, call: grpc.ServerDuplexStream<DiscoveryRequest, Buffer>, ctx: StreamContext, onEnd: () => void) {
    super(id, 'sotw', call, ctx, onEnd);
  }

  protected newTypeState(typeUrl: TypeUrl): SotwTypeState {
    return new SotwTypeState(typeUrl);
  }

  protected handle(request: DiscoveryRequest, t: SotwTypeState): void {
    const nonce = request.response_nonce;
    if (t.ledger.lastNonce !== '' && nonce !== t.ledger.lastNonce) {
      this.log.debug({ typeUrl: t.typeUrl, nonce, current: t.ledger.lastNonce }, 'stale request ignored');
      return;
    }
    if (nonce !== '') this.settle(t, nonce, request.error_detail);
    const added = t.subscription.replace(request.resource_names);
    // A newly requested name is sent again even if the client was sent it before.
    for (const name of added) t.held.delete(name);
    for (const name of t.held.keys()) if (!t.subscription.covers(name)) t.held.delete(name);
    const snapshot = this.snapshotToAnswerWith();
    if (snapshot) this.answer(t, snapshot, undefined);
  }

  protected answer(t: SotwTypeState, snapshot: Snapshot, publishedAt: number | undefined): void {
    const typeSnapshot = snapshot.types.get(t.typeUrl);
    if (!typeSnapshot) return;
    const { subscription, held } = t;
    const resources: XdsResource[] = [];
    if (subscription.wildcard) for (const resource of typeSnapshot.resources.values()) resources.push(resource);
    else {
      for (const name of subscription.names) {
        const resource = typeSnapshot.resources.get(name);
        if (resource) resources.push(resource);
      }
    }
    const changed = resources.some((r) => held.get(r.name) !== r.version);
    if (t.complete) {
      if (t.answered && !changed && resources.length === held.size) return;
      held.clear();
    } else if (!changed) return;
    for (const r of resources) held.set(r.name, r.version);
    t.answered = true;
    const nonce = this.nextNonce();
    const bytes = encodeDiscoveryResponse({
      versionInfo: typeSnapshot.version,
      resources: resources.map((r) => this.ctx.encoded.any(t.typeUrl, r)),
      typeUrl: t.typeUrl,
      nonce,
    });
    this.send(t, bytes, nonce, typeSnapshot.version, publishedAt);
  }
}

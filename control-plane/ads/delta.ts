import type * as grpc from '@grpc/grpc-js';
import type { Snapshot, TypeUrl, XdsResource } from '../xds/snapshot.js';
import type { DeltaDiscoveryRequest } from './proto.js';
import { AdsStream, TypeState, type StreamContext } from './stream.js';
import { encodeDeltaDiscoveryResponse } from './wire.js';

class DeltaTypeState extends TypeState {
  /** Resources the client holds: name → resource version (initial_resource_versions, then what was sent). */
  readonly held = new Map<string, string>();
  /** Explicitly subscribed names already reported in removed_resources as not existing. */
  readonly reportedAbsent = new Set<string>();
  /** Names unsubscribed while the wildcard stays: the client must learn whether the wildcard keeps them. */
  readonly unsubscribedUnderWildcard = new Set<string>();
}

/**
 * Incremental ADS (DeltaAggregatedResources).
 *
 * Subscription changes apply whatever the nonce (xDS spec: the nonce correlates ACKs and
 * NACKs, it does not make a delta request stale). Each response carries only the subscribed
 * resources whose version the client does not hold, and in `removed_resources` the names the
 * client holds or subscribed to explicitly that do not exist (once per name until it exists
 * again). A subscribe names a resource to send even if the client holds it; unsubscribing
 * needs no answer, except a name unsubscribed while `*` stays subscribed, which is sent again
 * (covered by the wildcard) or reported removed. The first request's
 * `initial_resource_versions` seeds what the client holds, so a reconnecting client receives
 * only the differences.
 */
export class DeltaStream extends AdsStream<DeltaDiscoveryRequest, DeltaTypeState> {
  constructor(id: number, call: grpc.ServerDuplexStream<DeltaDiscoveryRequest, Buffer>, ctx: StreamContext, onEnd: () => void) {
    super(id, 'delta', call, ctx, onEnd);
  }

  protected newTypeState(typeUrl: TypeUrl): DeltaTypeState {
    return new DeltaTypeState(typeUrl);
  }

  protected handle(request: DeltaDiscoveryRequest, t: DeltaTypeState, first: boolean): void {
    if (first) for (const [name, version] of Object.entries(request.initial_resource_versions ?? {})) t.held.set(name, version);
    if (request.response_nonce !== '') this.settle(t, request.response_nonce, request.error_detail);
    const { subscription } = t;
    const { subscribed, unsubscribed } = subscription.update(request.resource_names_subscribe, request.resource_names_unsubscribe, first);
    if (!first) {
      for (const name of subscribed) {
        t.held.delete(name);
        t.reportedAbsent.delete(name);
      }
    }
    for (const name of unsubscribed) {
      t.held.delete(name);
      t.reportedAbsent.delete(name);
      if (subscription.wildcard) t.unsubscribedUnderWildcard.add(name);
    }
    for (const name of t.held.keys()) if (!subscription.covers(name)) t.held.delete(name);
    const snapshot = this.snapshotToAnswerWith();
    if (snapshot) this.answer(t, snapshot, undefined);
  }

  protected answer(t: DeltaTypeState, snapshot: Snapshot, publishedAt: number | undefined): void {
    const typeSnapshot = snapshot.types.get(t.typeUrl);
    if (!typeSnapshot) return;
    const existing = typeSnapshot.resources;
    const { subscription, held } = t;
    const changed: XdsResource[] = [];
    const removed = new Set<string>();
    const offer = (resource: XdsResource): void => {
      if (held.get(resource.name) !== resource.version) changed.push(resource);
    };
    if (subscription.wildcard) {
      for (const resource of existing.values()) offer(resource);
      for (const name of held.keys()) if (!existing.has(name)) removed.add(name);
      for (const name of t.unsubscribedUnderWildcard) if (!existing.has(name)) removed.add(name);
    }
    t.unsubscribedUnderWildcard.clear();
    for (const name of subscription.names) {
      const resource = existing.get(name);
      if (resource) {
        if (!subscription.wildcard) offer(resource);
      } else if (held.has(name) || !t.reportedAbsent.has(name)) {
        removed.add(name);
        t.reportedAbsent.add(name);
      }
    }
    if (changed.length === 0 && removed.size === 0) return;
    for (const name of removed) held.delete(name);
    for (const resource of changed) {
      held.set(resource.name, resource.version);
      t.reportedAbsent.delete(resource.name);
    }
    const nonce = this.nextNonce();
    const bytes = encodeDeltaDiscoveryResponse({
      systemVersionInfo: typeSnapshot.version,
      resources: changed.map((r) => this.ctx.encoded.delta(t.typeUrl, r)),
      typeUrl: t.typeUrl,
      removedResources: [...removed],
      nonce,
    });
    this.send(t, bytes, nonce, typeSnapshot.version, publishedAt);
  }
}

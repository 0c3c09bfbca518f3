/**
 * What the control plane serves: one immutable snapshot of every xDS resource, per type.
 * Built from etcd (control-plane/resources), held by a SnapshotCache, read by the ADS server
 * (control-plane/ads). Nothing here knows about etcd or gRPC.
 */

import { TypeUrl } from '../../proto/xds.js';

/** The served types, defined with the protocol (proto/xds.ts) that data-plane agents share. */
export { TypeUrl };

/**
 * Make-before-break: a client learns of a cluster (and its endpoints) before any listener or
 * route that points at it, so that no request is routed to a cluster it does not know yet.
 */
export const PUSH_ORDER: readonly TypeUrl[] = [TypeUrl.cluster, TypeUrl.endpoint, TypeUrl.listener, TypeUrl.route];

/**
 * Types whose state-of-the-world answers must list every resource the client subscribes to
 * (absence means deletion), and for which an empty first subscription means "all".
 */
export const WILDCARD_TYPES: ReadonlySet<TypeUrl> = new Set([TypeUrl.listener, TypeUrl.cluster]);

export interface XdsResource {
  readonly name: string;
  /** Derived from the resource's content: equal on every control-plane replica. */
  readonly version: string;
  /** The encoded message (the `value` of its google.protobuf.Any). */
  readonly value: Uint8Array;
}

export interface TypeSnapshot {
  /** Changes whenever any resource of the type changes; equal on every replica. */
  readonly version: string;
  readonly resources: ReadonlyMap<string, XdsResource>;
}

export interface Snapshot {
  /** Identifies the whole snapshot (logs, metrics). */
  readonly version: string;
  /** Every type of PUSH_ORDER is present, possibly with no resources. */
  readonly types: ReadonlyMap<TypeUrl, TypeSnapshot>;
}

export interface SnapshotSource {
  /** The snapshot to serve, or undefined before the first one is built. */
  current(): Snapshot | undefined;
  /** Called with every new snapshot; returns the unsubscribe function. */
  subscribe(listener: (snapshot: Snapshot) => void): () => void;
}

/** The latest snapshot, handed to every subscriber when it is replaced. */
export class SnapshotCache implements SnapshotSource {
  private snapshot: Snapshot | undefined;
  private readonly listeners = new Set<(snapshot: Snapshot) => void>();

  current(): Snapshot | undefined {
    return this.snapshot;
  }

  set(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    for (const listener of this.listeners) listener(snapshot);
  }

  subscribe(listener: (snapshot: Snapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

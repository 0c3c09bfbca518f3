import { TypeUrl } from '../../../control-plane/xds/snapshot.js';
import { cluster, endpoints, listener, route, type SnapshotContent } from './envoy-messages.js';

export const CDS = TypeUrl.cluster;
export const EDS = TypeUrl.endpoint;
export const LDS = TypeUrl.listener;
export const RDS = TypeUrl.route;

/** Two of each: clusters c1, c2 with their endpoints, listeners l1, l2, routes r1, r2. */
export function baseContent(): SnapshotContent {
  return {
    [CDS]: { c1: cluster('c1'), c2: cluster('c2') },
    [EDS]: { c1: endpoints('c1', [9001]), c2: endpoints('c2', [9002]) },
    [LDS]: { l1: listener('l1', 10001), l2: listener('l2', 10002) },
    [RDS]: { r1: route('r1', 'c1'), r2: route('r2', 'c2') },
  };
}

/** A copy of `content` with the resource set (or removed, when `value` is undefined). */
export function withResource(content: SnapshotContent, typeUrl: TypeUrl, name: string, value: Uint8Array | undefined): SnapshotContent {
  const next: SnapshotContent = { ...content, [typeUrl]: { ...content[typeUrl] } };
  if (value === undefined) delete next[typeUrl]![name];
  else next[typeUrl]![name] = value;
  return next;
}

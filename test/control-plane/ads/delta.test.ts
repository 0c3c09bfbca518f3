import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Snapshot, TypeUrl } from '../../../control-plane/xds/snapshot.js';
import { baseContent, CDS, EDS, LDS, RDS, withResource } from './content.js';
import { cluster, endpoints, listener, makeSnapshot, route, type SnapshotContent } from './envoy-messages.js';
import {
  deltaAck,
  deltaNack,
  deltaNames,
  sorted,
  startAds,
  warnings,
  type AdsHarness,
  type DeltaResponse,
  type DeltaStreamClient,
} from './harness.js';

let h: AdsHarness;
let content: SnapshotContent;
let snapshot: Snapshot;

/** Publishes `next` as the new snapshot once the server has handled what these streams sent. */
async function publish(next: SnapshotContent, ...streams: DeltaStreamClient[]): Promise<Snapshot> {
  await Promise.all(streams.map((s) => s.settled()));
  content = next;
  snapshot = makeSnapshot(next);
  h.cache.set(snapshot);
  return snapshot;
}

const typeVersion = (typeUrl: TypeUrl) => snapshot.types.get(typeUrl)!.version;
const resourceVersion = (typeUrl: TypeUrl, name: string) => snapshot.types.get(typeUrl)!.resources.get(name)!.version;
const statusOf = (typeUrl: TypeUrl, node = 'envoy-1') =>
  h.service
    .clients()
    .find((c) => c.node.id === node)!
    .types.find((t) => t.typeUrl === typeUrl)!;

beforeEach(async () => {
  content = baseContent();
  snapshot = makeSnapshot(content);
  h = await startAds({ snapshot });
});

afterEach(async () => {
  await h?.stop();
});

/** Subscribes and ACKs; returns the response. */
async function subscribe(s: DeltaStreamClient, typeUrl: TypeUrl, names: string[]): Promise<DeltaResponse> {
  s.send({ type_url: typeUrl, resource_names_subscribe: names });
  const response = await s.next();
  expect(response.type_url).toBe(typeUrl);
  s.send(deltaAck(response));
  return response;
}

describe('delta ADS', () => {
  it('answers the first requests with Resource{name, version, Any} and reports subscribed names that do not exist', async () => {
    const s = h.delta();
    s.send({ type_url: CDS });
    const cds = await s.next();
    expect(cds.type_url).toBe(CDS);
    expect(sorted(deltaNames(cds))).toEqual(['c1', 'c2']);
    expect(cds.system_version_info).toBe(typeVersion(CDS));
    for (const r of cds.resources) expect(r.version).toBe(resourceVersion(CDS, r.name));
    expect(cds.removed_resources).toEqual([]);
    expect(cds.nonce).not.toBe('');

    s.send({ type_url: EDS, resource_names_subscribe: ['c1', 'missing'] });
    const eds = await s.next();
    expect(deltaNames(eds)).toEqual(['c1']);
    expect(eds.removed_resources).toEqual(['missing']);
    expect(eds.nonce).not.toBe(cds.nonce);
  });

  it('records an ACK and does not answer it', async () => {
    const s = h.delta();
    s.send({ type_url: CDS });
    const cds = await s.next();
    s.send(deltaAck(cds));
    s.send({ type_url: RDS, resource_names_subscribe: ['r1'] });
    expect((await s.next()).type_url).toBe(RDS);
    expect(statusOf(CDS).acked).toEqual({ version: cds.system_version_info, nonce: cds.nonce });
    expect(await h.registry.getSingleMetricAsString('mishards_xds_acks_total')).toContain(
      'mishards_xds_acks_total{kind="delta",type="cluster"} 1',
    );
  });

  it('logs and records a NACK once, does not resend, and sends the next change', async () => {
    const s = h.delta();
    s.send({ type_url: CDS });
    const cds = await s.next();
    await subscribe(s, EDS, ['c1']);
    s.send(deltaNack(cds, 'cluster c1: unknown field'));
    s.send(deltaNack(cds, 'cluster c1: unknown field'));
    await publish(withResource(content, EDS, 'c1', endpoints('c1', [9400])), s);
    expect((await s.next()).type_url).toBe(EDS);

    const logged = warnings(h.logs, 'NACK');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      node: 'envoy-1',
      kind: 'delta',
      typeUrl: CDS,
      version: cds.system_version_info,
      nonce: cds.nonce,
      error: 'cluster c1: unknown field',
    });
    expect(statusOf(CDS).nacked).toMatchObject({
      version: cds.system_version_info,
      nonce: cds.nonce,
      message: 'cluster c1: unknown field',
    });
    expect(await h.registry.getSingleMetricAsString('mishards_xds_nacks_total')).toContain(
      'mishards_xds_nacks_total{kind="delta",type="cluster"} 1',
    );

    await publish(withResource(content, CDS, 'c1', cluster('c1', 4)), s);
    const fixed = await s.next();
    expect(fixed.type_url).toBe(CDS);
    expect(deltaNames(fixed)).toEqual(['c1']);
  });

  it('sends only what changed: changed and new resources, and removed names', async () => {
    const s = h.delta();
    s.send({ type_url: CDS });
    s.send(deltaAck(await s.next()));

    await publish(withResource(content, CDS, 'c2', cluster('c2', 5)), s);
    const changed = await s.next();
    expect(deltaNames(changed)).toEqual(['c2']);
    expect(changed.removed_resources).toEqual([]);
    s.send(deltaAck(changed));

    await publish(withResource(withResource(content, CDS, 'c3', cluster('c3')), CDS, 'c1', undefined), s);
    const next = await s.next();
    expect(deltaNames(next)).toEqual(['c3']);
    expect(next.removed_resources).toEqual(['c1']);
    expect(next.system_version_info).toBe(typeVersion(CDS));
  });

  it('reports an explicitly subscribed resource in removed_resources when it goes, and sends it when it comes back', async () => {
    const s = h.delta();
    await subscribe(s, EDS, ['c1', 'c2']);
    await publish(withResource(content, EDS, 'c1', undefined), s);
    const gone = await s.next();
    expect(gone.resources).toEqual([]);
    expect(gone.removed_resources).toEqual(['c1']);
    s.send(deltaAck(gone));
    await publish(withResource(content, EDS, 'c1', endpoints('c1', [9001])), s);
    const back = await s.next();
    expect(deltaNames(back)).toEqual(['c1']);
    expect(back.removed_resources).toEqual([]);
  });

  it('on reconnect with initial_resource_versions sends only differences and removals', async () => {
    const s = h.delta();
    s.send({
      type_url: CDS,
      initial_resource_versions: { c1: resourceVersion(CDS, 'c1'), c2: 'stale-version', gone: 'any' },
    });
    const cds = await s.next();
    expect(deltaNames(cds)).toEqual(['c2']);
    expect(cds.removed_resources).toEqual(['gone']);

    // A client that holds exactly the current resources gets nothing.
    s.send({
      type_url: EDS,
      resource_names_subscribe: ['c1', 'c2'],
      initial_resource_versions: { c1: resourceVersion(EDS, 'c1'), c2: resourceVersion(EDS, 'c2') },
    });
    s.send({ type_url: LDS, resource_names_subscribe: ['l1'], initial_resource_versions: { l1: resourceVersion(LDS, 'l1') } });
    s.send({ type_url: RDS, resource_names_subscribe: ['r1'] });
    expect((await s.next()).type_url).toBe(RDS);

    // ...and later only what changes.
    await publish(withResource(content, EDS, 'c2', endpoints('c2', [9500])), s);
    const eds = await s.next();
    expect(deltaNames(eds)).toEqual(['c2']);
  });

  it('subscribes and unsubscribes by name, resending a name subscribed again', async () => {
    const s = h.delta();
    const first = await subscribe(s, EDS, ['c1']);
    expect(deltaNames(first)).toEqual(['c1']);
    const second = await subscribe(s, EDS, ['c2']);
    expect(deltaNames(second)).toEqual(['c2']);
    expect(statusOf(EDS).names).toEqual(['c1', 'c2']);

    s.send({ type_url: EDS, resource_names_unsubscribe: ['c1', 'never-subscribed'] });
    let next = withResource(content, EDS, 'c1', endpoints('c1', [9601]));
    await publish(withResource(next, EDS, 'c2', endpoints('c2', [9602])), s);
    const update = await s.next();
    expect(deltaNames(update)).toEqual(['c2']);
    s.send(deltaAck(update));
    expect(statusOf(EDS).names).toEqual(['c2']);

    // Already held at the current version: sent anyway (the client may have forgotten it).
    s.send({ type_url: EDS, resource_names_subscribe: ['c2'] });
    const again = await s.next();
    expect(deltaNames(again)).toEqual(['c2']);
    s.send(deltaAck(again));

    // Unsubscribed from everything: a change is not sent.
    s.send({ type_url: EDS, resource_names_unsubscribe: ['c2'] });
    s.send({ type_url: RDS, resource_names_subscribe: ['r1'] });
    s.send(deltaAck(await s.next()));
    next = withResource(content, EDS, 'c2', endpoints('c2', [9603]));
    await publish(withResource(next, RDS, 'r1', route('r1', 'c2')), s);
    expect((await s.next()).type_url).toBe(RDS);
  });

  it("handles '*' with explicit names: unsubscribing a name under the wildcard says whether the wildcard keeps it", async () => {
    const s = h.delta();
    s.send({ type_url: CDS }); // legacy wildcard
    s.send(deltaAck(await s.next()));
    expect(statusOf(CDS).wildcard).toBe(true);

    const named = await subscribe(s, CDS, ['c1', 'nope']);
    expect(deltaNames(named)).toEqual(['c1']);
    expect(named.removed_resources).toEqual(['nope']);

    s.send({ type_url: CDS, resource_names_unsubscribe: ['c1', 'nope'] });
    const answer = await s.next();
    expect(deltaNames(answer)).toEqual(['c1']);
    expect(answer.removed_resources).toEqual(['nope']);
    s.send(deltaAck(answer));

    // Without the wildcard nothing is subscribed: a new cluster is not sent.
    s.send({ type_url: CDS, resource_names_unsubscribe: ['*'] });
    s.send({ type_url: RDS, resource_names_subscribe: ['r1'] });
    s.send(deltaAck(await s.next()));
    await publish(withResource(withResource(content, CDS, 'c3', cluster('c3')), RDS, 'r1', route('r1', 'c3')), s);
    expect((await s.next()).type_url).toBe(RDS);
    expect(statusOf(CDS)).toMatchObject({ wildcard: false, names: [] });

    // '*' subscribed again brings every cluster: what the client got under the old wildcard
    // counts as dropped with it.
    s.send({ type_url: CDS, resource_names_subscribe: ['*'] });
    const all = await s.next();
    expect(sorted(deltaNames(all))).toEqual(['c1', 'c2', 'c3']);
  });

  it('treats an empty first request as wildcard for Listener/Cluster only', async () => {
    const s = h.delta();
    s.send({ type_url: EDS });
    s.send({ type_url: RDS });
    s.send({ type_url: LDS });
    const lds = await s.next();
    expect(lds.type_url).toBe(LDS);
    expect(sorted(deltaNames(lds))).toEqual(['l1', 'l2']);
    s.send(deltaAck(lds));
    let next = withResource(content, EDS, 'c1', endpoints('c1', [9700]));
    next = withResource(next, RDS, 'r1', route('r1', 'c2'));
    await publish(withResource(next, LDS, 'l3', listener('l3')), s);
    const added = await s.next();
    expect(added.type_url).toBe(LDS);
    expect(deltaNames(added)).toEqual(['l3']);
    expect(statusOf(EDS)).toMatchObject({ wildcard: false, names: [] });
  });

  it('applies subscription changes carried by a request with a stale nonce', async () => {
    const s = h.delta();
    const first = await subscribe(s, EDS, ['c1']);
    await publish(withResource(content, EDS, 'c1', endpoints('c1', [9800])), s);
    const second = await s.next();
    expect(second.nonce).not.toBe(first.nonce);
    s.send({ type_url: EDS, response_nonce: first.nonce, resource_names_subscribe: ['c2'] });
    const answer = await s.next();
    expect(deltaNames(answer)).toEqual(['c2']);
  });

  it('pushes one snapshot change in the order clusters, endpoints, listeners, routes', async () => {
    const s = h.delta();
    await subscribe(s, RDS, ['r1']);
    await subscribe(s, LDS, ['l1']);
    await subscribe(s, EDS, ['c1']);
    await subscribe(s, CDS, ['c1']);
    let next = withResource(content, CDS, 'c1', cluster('c1', 7));
    next = withResource(next, EDS, 'c1', endpoints('c1', [9101]));
    next = withResource(next, LDS, 'l1', listener('l1', 10101));
    await publish(withResource(next, RDS, 'r1', route('r1', 'c2')), s);
    const order = [];
    for (let i = 0; i < 4; i++) order.push((await s.next()).type_url);
    expect(order).toEqual([CDS, EDS, LDS, RDS]);
  });

  it('keeps independent state per client', async () => {
    const a = h.delta({ id: 'envoy-a' });
    const b = h.delta({ id: 'envoy-b' });
    a.send({ type_url: CDS });
    b.send({ type_url: CDS });
    const ca = await a.next();
    const cb = await b.next();
    a.send(deltaAck(ca));
    b.send(deltaNack(cb, 'rejected by b'));
    await subscribe(a, EDS, ['c1']);
    await subscribe(b, EDS, ['c2']);
    await subscribe(b, RDS, ['r1']);
    await publish(withResource(withResource(content, EDS, 'c1', endpoints('c1', [9300])), RDS, 'r1', route('r1', 'c2')), a, b);
    expect(deltaNames(await a.next())).toEqual(['c1']);
    expect((await b.next()).type_url).toBe(RDS);
    expect(statusOf(CDS, 'envoy-a').acked?.nonce).toBe(ca.nonce);
    expect(statusOf(CDS, 'envoy-b').nacked?.message).toBe('rejected by b');
    expect(statusOf(CDS, 'envoy-b').acked).toBeUndefined();
  });

  it('refuses a stream without node, ignores unknown types (logged once), and answers requests made before the first snapshot', async () => {
    const noNode = h.delta(null);
    noNode.send({ type_url: CDS });
    const status = await noNode.status;
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(status.details).toMatch(/node/);

    const s = h.delta();
    s.send({ type_url: 'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig', resource_names_subscribe: ['x'] });
    s.send({ type_url: 'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig', resource_names_subscribe: ['y'] });
    s.send({ type_url: CDS });
    expect((await s.next()).type_url).toBe(CDS);
    expect(warnings(h.logs, 'does not serve')).toHaveLength(1);

    await h.stop();
    h = await startAds();
    const early = h.delta();
    early.send({ type_url: CDS });
    await publish(baseContent(), early);
    const cds = await early.next();
    expect(sorted(deltaNames(cds))).toEqual(['c1', 'c2']);
  });
});

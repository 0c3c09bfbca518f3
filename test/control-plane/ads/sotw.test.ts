import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../control-plane/xds/snapshot.js';
import { baseContent, CDS, EDS, LDS, RDS, withResource } from './content.js';
import { cluster, endpoints, listener, makeSnapshot, route, type SnapshotContent } from './envoy-messages.js';
import { ack, nack, sorted, sotwNames, startAds, warnings, type AdsHarness, type SotwStreamClient } from './harness.js';

let h: AdsHarness;
let content: SnapshotContent;
let snapshot: Snapshot;

/** Publishes `next` as the new snapshot once the server has handled what these streams sent. */
async function publish(next: SnapshotContent, ...streams: SotwStreamClient[]): Promise<Snapshot> {
  await Promise.all(streams.map((s) => s.settled()));
  content = next;
  snapshot = makeSnapshot(next);
  h.cache.set(snapshot);
  return snapshot;
}

const version = (typeUrl: string) => snapshot.types.get(typeUrl as never)!.version;

beforeEach(async () => {
  content = baseContent();
  snapshot = makeSnapshot(content);
  h = await startAds({ snapshot });
});

afterEach(async () => {
  await h?.stop();
});

describe('state-of-the-world ADS', () => {
  it('answers the first request of each type with the current resources as Any messages', async () => {
    const s = h.sotw();
    s.send({ type_url: CDS, resource_names: [] });
    const cds = await s.next();
    expect(cds.type_url).toBe(CDS);
    expect(sorted(sotwNames(cds))).toEqual(['c1', 'c2']);
    expect(cds.version_info).toBe(version(CDS));
    expect(cds.nonce).not.toBe('');

    s.send({ type_url: EDS, resource_names: ['c1', 'missing'] });
    const eds = await s.next();
    expect(eds.type_url).toBe(EDS);
    expect(sotwNames(eds)).toEqual(['c1']);
    expect(eds.version_info).toBe(version(EDS));
    expect(eds.nonce).not.toBe(cds.nonce);
  });

  it('records an ACK and does not answer it', async () => {
    const s = h.sotw();
    s.send({ type_url: CDS, resource_names: [] });
    const cds = await s.next();
    s.send(ack(cds));
    // The ACK must produce nothing: the next message is the answer to this EDS request.
    s.send({ type_url: EDS, resource_names: ['c1'] });
    expect((await s.next()).type_url).toBe(EDS);

    const [client] = h.service.clients();
    expect(client!.node).toEqual({ id: 'envoy-1', cluster: 'front' });
    const cdsStatus = client!.types.find((t) => t.typeUrl === CDS)!;
    expect(cdsStatus.acked).toEqual({ version: cds.version_info, nonce: cds.nonce });
    expect(cdsStatus.nacked).toBeUndefined();
    expect(cdsStatus.wildcard).toBe(true);
    expect(await h.registry.getSingleMetricAsString('mishards_xds_acks_total')).toContain(
      'mishards_xds_acks_total{kind="sotw",type="cluster"} 1',
    );
  });

  it('logs and records a NACK, does not resend the rejected content, and sends the next different snapshot', async () => {
    const s = h.sotw();
    s.send({ type_url: CDS, resource_names: [] });
    const cds = await s.next();
    s.send({ type_url: EDS, resource_names: ['c1'] });
    const eds = await s.next();
    s.send(ack(eds, ['c1']));

    s.send(nack(cds, [], 'cluster c2: bad connect_timeout'));
    // grpc-js repeats error_detail with the same nonce on later requests of the type: still one NACK.
    s.send(nack(cds, [], 'cluster c2: bad connect_timeout'));
    // A new snapshot with the same clusters but other endpoints: only EDS goes out, CDS is not resent.
    await publish(withResource(content, EDS, 'c1', endpoints('c1', [9001, 9003])), s);
    const edsUpdate = await s.next();
    expect(edsUpdate.type_url).toBe(EDS);

    const logged = warnings(h.logs, 'NACK');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      node: 'envoy-1',
      typeUrl: CDS,
      version: cds.version_info,
      nonce: cds.nonce,
      error: 'cluster c2: bad connect_timeout',
    });
    const cdsStatus = h.service.clients()[0]!.types.find((t) => t.typeUrl === CDS)!;
    expect(cdsStatus.nacked).toMatchObject({ version: cds.version_info, nonce: cds.nonce, message: 'cluster c2: bad connect_timeout' });
    expect(cdsStatus.acked).toBeUndefined();
    expect(await h.registry.getSingleMetricAsString('mishards_xds_nacks_total')).toContain(
      'mishards_xds_nacks_total{kind="sotw",type="cluster"} 1',
    );

    // The next snapshot that changes clusters is sent as usual; its ACK clears the NACK.
    await publish(withResource(content, CDS, 'c2', cluster('c2', 1)), s);
    const fixed = await s.next();
    expect(fixed.type_url).toBe(CDS);
    expect(fixed.version_info).toBe(version(CDS));
    expect(fixed.version_info).not.toBe(cds.version_info);
    s.send(ack(fixed));
    s.send({ type_url: RDS, resource_names: ['r1'] });
    expect((await s.next()).type_url).toBe(RDS);
    const after = h.service.clients()[0]!.types.find((t) => t.typeUrl === CDS)!;
    expect(after.acked).toEqual({ version: fixed.version_info, nonce: fixed.nonce });
    expect(after.nacked).toBeUndefined();
  });

  it('ignores a request whose nonce is not the last one sent for its type (no answer, no subscription change, no NACK)', async () => {
    const s = h.sotw();
    s.send({ type_url: EDS, resource_names: ['c1'] });
    const first = await s.next();
    await publish(withResource(content, EDS, 'c1', endpoints('c1', [9005])), s);
    const second = await s.next();
    expect(second.type_url).toBe(EDS);

    // Stale: answers `first` although `second` was sent; asks for c2 as well.
    s.send({ type_url: EDS, version_info: first.version_info, response_nonce: first.nonce, resource_names: ['c1', 'c2'] });
    s.send(nack(first, ['c1', 'c2'], 'stale rejection'));
    s.send({ type_url: RDS, resource_names: ['r1'] });
    expect((await s.next()).type_url).toBe(RDS);
    expect(warnings(h.logs, 'NACK')).toHaveLength(0);
    const edsStatus = h.service.clients()[0]!.types.find((t) => t.typeUrl === EDS)!;
    expect(edsStatus.names).toEqual(['c1']);

    // The same change with the current nonce is answered.
    s.send(ack(second, ['c1', 'c2']));
    const both = await s.next();
    expect(both.type_url).toBe(EDS);
    expect(sorted(sotwNames(both))).toEqual(['c1', 'c2']);
  });

  it('treats an empty first Listener/Cluster request as wildcard and an empty Endpoint/Route request as nothing', async () => {
    const s = h.sotw();
    s.send({ type_url: EDS, resource_names: [] });
    s.send({ type_url: LDS, resource_names: [] });
    const lds = await s.next();
    expect(lds.type_url).toBe(LDS);
    expect(sorted(sotwNames(lds))).toEqual(['l1', 'l2']);

    // A new listener reaches the wildcard subscriber; the empty EDS subscription gets nothing.
    await publish(withResource(withResource(content, LDS, 'l3', listener('l3', 10003)), EDS, 'c1', endpoints('c1', [9009])), s);
    const more = await s.next();
    expect(more.type_url).toBe(LDS);
    expect(sorted(sotwNames(more))).toEqual(['l1', 'l2', 'l3']);
    s.send({ type_url: RDS, resource_names: ['r1'] });
    expect((await s.next()).type_url).toBe(RDS);
  });

  it("combines '*' with names, and ends a legacy wildcard on the first named request", async () => {
    const s = h.sotw();
    s.send({ type_url: CDS, resource_names: ['*', 'c1'] });
    const cds = await s.next();
    expect(sorted(sotwNames(cds))).toEqual(['c1', 'c2']);
    expect(h.service.clients()[0]!.types[0]).toMatchObject({ wildcard: true, names: ['c1'] });

    s.send({ type_url: LDS, resource_names: [] });
    const lds = await s.next();
    expect(sorted(sotwNames(lds))).toEqual(['l1', 'l2']);
    s.send({ type_url: RDS, resource_names: ['r1'] });
    s.send(ack(await s.next(), ['r1']));

    // Named now: the answer lists l1 only.
    s.send(ack(lds, ['l1']));
    const named = await s.next();
    expect(named.type_url).toBe(LDS);
    expect(sotwNames(named)).toEqual(['l1']);
    s.send(ack(named, ['l1']));

    // A new listener is not for this client: the next message is the route change of the same snapshot.
    await publish(withResource(withResource(content, LDS, 'l3', listener('l3', 10003)), RDS, 'r1', route('r1', 'c2')), s);
    const next = await s.next();
    expect(next.type_url).toBe(RDS);
    s.send(ack(next, ['r1']));

    // An empty list now unsubscribes (the legacy wildcard is gone for this stream): no answer, no more listeners.
    s.send(ack(named, []));
    await publish(withResource(withResource(content, LDS, 'l1', listener('l1', 10011)), RDS, 'r1', route('r1', 'c1')), s);
    expect((await s.next()).type_url).toBe(RDS);
    const ldsStatus = h.service.clients()[0]!.types.find((t) => t.typeUrl === LDS)!;
    expect(ldsStatus).toMatchObject({ wildcard: false, names: [] });
  });

  it('answers Listener and Cluster completely, Endpoint and Route with what exists', async () => {
    const s = h.sotw();
    s.send({ type_url: CDS, resource_names: ['c1', 'c2', 'nope'] });
    const cds = await s.next();
    expect(sorted(sotwNames(cds))).toEqual(['c1', 'c2']);
    s.send(ack(cds, ['c1', 'c2', 'nope']));
    await publish(withResource(content, CDS, 'c2', cluster('c2', 3)), s);
    const update = await s.next();
    expect(update.type_url).toBe(CDS);
    // c1 did not change and is still listed: absence would mean deletion.
    expect(sorted(sotwNames(update))).toEqual(['c1', 'c2']);

    // An Endpoint request for names that do not exist is not answered (absence is no information)...
    s.send({ type_url: EDS, resource_names: ['nope'] });
    s.send({ type_url: RDS, resource_names: ['r2'] });
    expect((await s.next()).type_url).toBe(RDS);
    // ...until one of them appears.
    await publish(withResource(content, EDS, 'nope', endpoints('nope', [9100])), s);
    const appeared = await s.next();
    expect(appeared.type_url).toBe(EDS);
    expect(sotwNames(appeared)).toEqual(['nope']);
  });

  it('drops removed Listeners/Clusters from the next answer (an empty list when none is left) and sends nothing for removed Endpoints', async () => {
    const s = h.sotw();
    s.send({ type_url: CDS, resource_names: [] });
    const cds = await s.next();
    s.send(ack(cds));
    s.send({ type_url: EDS, resource_names: ['c1', 'c2'] });
    const eds = await s.next();
    s.send(ack(eds, ['c1', 'c2']));
    s.send({ type_url: RDS, resource_names: ['r1'] });
    const rds = await s.next();
    s.send(ack(rds, ['r1']));

    let next = withResource(withResource(content, CDS, 'c2', undefined), EDS, 'c2', undefined);
    await publish(withResource(next, RDS, 'r1', route('r1', 'c1x')), s);
    const shrunk = await s.next();
    expect(shrunk.type_url).toBe(CDS);
    expect(sotwNames(shrunk)).toEqual(['c1']);
    s.send(ack(shrunk));
    // No EDS message: absence is not deletion for endpoints (the cluster's removal says it).
    expect((await s.next()).type_url).toBe(RDS);

    next = withResource(content, CDS, 'c1', undefined);
    await publish(next, s);
    const none = await s.next();
    expect(none.type_url).toBe(CDS);
    expect(none.resources).toEqual([]);
    expect(none.version_info).toBe(version(CDS));
  });

  it('pushes one snapshot change in the order clusters, endpoints, listeners, routes', async () => {
    const s = h.sotw();
    // Subscribed in the reverse order on purpose.
    for (const [typeUrl, names] of [
      [RDS, ['r1']],
      [LDS, []],
      [EDS, ['c1']],
      [CDS, []],
    ] as const) {
      s.send({ type_url: typeUrl, resource_names: [...names] });
      s.send(ack(await s.next(), [...names]));
    }
    let next = withResource(content, CDS, 'c1', cluster('c1', 7));
    next = withResource(next, EDS, 'c1', endpoints('c1', [9101]));
    next = withResource(next, LDS, 'l1', listener('l1', 10101));
    await publish(withResource(next, RDS, 'r1', route('r1', 'c2')), s);
    const order = [];
    for (let i = 0; i < 4; i++) order.push((await s.next()).type_url);
    expect(order).toEqual([CDS, EDS, LDS, RDS]);
  });

  it('answers a reconnecting client that reports a known version with the full current state', async () => {
    const first = h.sotw();
    first.send({ type_url: CDS, resource_names: [] });
    const cds = await first.next();
    first.send({ type_url: EDS, resource_names: ['c1'] });
    const eds = await first.next();
    first.cancel();
    await first.status;

    const again = h.sotw();
    // A nonce from the old stream means nothing on the new one: nothing was sent yet, nothing is stale.
    again.send({ type_url: CDS, version_info: cds.version_info, response_nonce: cds.nonce, resource_names: [] });
    const cdsAgain = await again.next();
    expect(cdsAgain.version_info).toBe(cds.version_info);
    expect(sorted(sotwNames(cdsAgain))).toEqual(['c1', 'c2']);
    again.send({ type_url: EDS, version_info: eds.version_info, resource_names: ['c1'] });
    const edsAgain = await again.next();
    expect(edsAgain.type_url).toBe(EDS);
    expect(sotwNames(edsAgain)).toEqual(['c1']);
  });

  it('stops sending an unsubscribed resource and sends it again when it is requested again', async () => {
    const s = h.sotw();
    s.send({ type_url: RDS, resource_names: ['r1'] });
    const rds = await s.next();
    s.send(ack(rds, ['r1']));
    s.send({ type_url: EDS, resource_names: ['c1', 'c2'] });
    const eds = await s.next();
    expect(sorted(sotwNames(eds))).toEqual(['c1', 'c2']);

    s.send(ack(eds, ['c1'])); // unsubscribes c2: nothing to send
    await publish(withResource(withResource(content, EDS, 'c2', endpoints('c2', [9200])), RDS, 'r1', route('r1', 'c2')), s);
    const r = await s.next();
    expect(r.type_url).toBe(RDS);
    s.send(ack(r, ['r1']));

    // Requested again, unchanged since this client last heard of it: sent anyway.
    s.send(ack(eds, ['c1', 'c2']));
    const back = await s.next();
    expect(back.type_url).toBe(EDS);
    expect(sorted(sotwNames(back))).toEqual(['c1', 'c2']);
  });

  it('keeps independent state per client', async () => {
    const a = h.sotw({ id: 'envoy-a', cluster: 'front' });
    const b = h.sotw({ id: 'envoy-b', cluster: 'front' });
    a.send({ type_url: CDS, resource_names: [] });
    b.send({ type_url: CDS, resource_names: [] });
    const ca = await a.next();
    const cb = await b.next();
    a.send(ack(ca));
    b.send(nack(cb, [], 'rejected by b'));
    a.send({ type_url: EDS, resource_names: ['c1'] });
    b.send({ type_url: EDS, resource_names: ['c2'] });
    a.send(ack(await a.next(), ['c1']));
    b.send(ack(await b.next(), ['c2']));
    b.send({ type_url: RDS, resource_names: ['r1'] });
    b.send(ack(await b.next(), ['r1']));

    await publish(withResource(withResource(content, EDS, 'c1', endpoints('c1', [9300])), RDS, 'r1', route('r1', 'c2')), a, b);
    const ea = await a.next();
    expect(ea.type_url).toBe(EDS);
    expect(sotwNames(ea)).toEqual(['c1']);
    expect((await b.next()).type_url).toBe(RDS);

    const byNode = new Map(h.service.clients().map((c) => [c.node.id, c]));
    const cdsOf = (id: string) => byNode.get(id)!.types.find((t) => t.typeUrl === CDS)!;
    expect(cdsOf('envoy-a').acked?.version).toBe(ca.version_info);
    expect(cdsOf('envoy-a').nacked).toBeUndefined();
    expect(cdsOf('envoy-b').acked).toBeUndefined();
    expect(cdsOf('envoy-b').nacked?.message).toBe('rejected by b');
    expect(byNode.get('envoy-a')!.types.find((t) => t.typeUrl === EDS)!.names).toEqual(['c1']);
    expect(byNode.get('envoy-b')!.types.find((t) => t.typeUrl === EDS)!.names).toEqual(['c2']);
  });

  it('refuses a stream whose first request has no node, with INVALID_ARGUMENT', async () => {
    const s = h.sotw(null);
    s.send({ type_url: CDS, resource_names: [] });
    const status = await s.status;
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(status.details).toMatch(/node/);
    const empty = h.sotw({ id: '' });
    empty.send({ type_url: CDS, resource_names: [] });
    expect((await empty.status).code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('does not answer an unknown type URL, logs it once, and keeps serving the stream', async () => {
    const s = h.sotw();
    s.send({ type_url: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret', resource_names: ['x'] });
    s.send({ type_url: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret', resource_names: ['y'] });
    s.send({ type_url: '', resource_names: [] });
    s.send({ type_url: CDS, resource_names: [] });
    expect((await s.next()).type_url).toBe(CDS);
    expect(warnings(h.logs, 'does not serve').map((l) => l.typeUrl)).toEqual([
      'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
      '',
    ]);
  });

  it('answers requests made before the first snapshot once it exists', async () => {
    await h.stop();
    h = await startAds();
    const s = h.sotw();
    s.send({ type_url: EDS, resource_names: ['c1'] });
    s.send({ type_url: CDS, resource_names: [] });
    await publish(baseContent(), s);
    const cds = await s.next();
    expect(cds.type_url).toBe(CDS);
    expect(cds.version_info).toBe(version(CDS));
    expect((await s.next()).type_url).toBe(EDS);
  });

  it('ends every stream with UNAVAILABLE on close() and refuses new ones', async () => {
    const s = h.sotw();
    const d = h.delta();
    s.send({ type_url: CDS, resource_names: [] });
    d.send({ type_url: CDS });
    await s.next();
    await d.next();
    expect(h.service.streams()).toBe(2);
    expect(await h.registry.getSingleMetricAsString('mishards_xds_streams')).toContain('mishards_xds_streams{kind="sotw"} 1');
    h.service.close();
    expect((await s.status).code).toBe(grpc.status.UNAVAILABLE);
    expect((await d.status).code).toBe(grpc.status.UNAVAILABLE);
    expect(h.service.streams()).toBe(0);
    const late = h.sotw();
    late.send({ type_url: CDS, resource_names: [] });
    expect((await late.status).code).toBe(grpc.status.UNAVAILABLE);
  });

  it('counts responses by type and times pushes from the snapshot', async () => {
    const s = h.sotw();
    s.send({ type_url: CDS, resource_names: [] });
    s.send(ack(await s.next()));
    await publish(withResource(content, CDS, 'c1', cluster('c1', 9)), s);
    await s.next();
    const responses = await h.registry.getSingleMetricAsString('mishards_xds_responses_total');
    expect(responses).toContain('mishards_xds_responses_total{kind="sotw",type="cluster"} 2');
    const delay = await h.registry.getSingleMetricAsString('mishards_xds_push_delay_seconds');
    expect(delay).toContain('mishards_xds_push_delay_seconds_count{kind="sotw",type="cluster"} 1');
  });
});

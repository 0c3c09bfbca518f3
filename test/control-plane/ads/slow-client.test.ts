import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADS_SERVICE_NAME, loadAdsPackageDefinition } from '../../../proto/xds.js';
import { EDS } from './content.js';
import { endpoints, makeSnapshot } from './envoy-messages.js';
import { startAds, type AdsHarness, type SotwResponse } from './harness.js';

/**
 * A client that stops reading must not make the server queue every snapshot for it: once
 * its stream's buffer is full, pushes are held back and, when it drains, the client gets the
 * latest state, not the history.
 */
const SNAPSHOTS = 120;
const ENDPOINTS = 1500; // about 40 kB per response: the HTTP/2 window fills after a couple

const definition = loadAdsPackageDefinition()[ADS_SERVICE_NAME] as grpc.ServiceDefinition;
const method = definition.StreamAggregatedResources!;
const RawClient = grpc.makeGenericClientConstructor(
  { StreamAggregatedResources: { ...method, responseDeserialize: (b: Buffer) => b } },
  'RawAds',
);

const snapshots = Array.from({ length: SNAPSHOTS + 1 }, (_, i) =>
  makeSnapshot({
    [EDS]: {
      big: endpoints(
        'big',
        Array.from({ length: ENDPOINTS }, (_, p) => 1 + ((p + i) % 65_000)),
      ),
    },
  }),
);

let h: AdsHarness;
let client: grpc.Client;

beforeAll(async () => {
  h = await startAds({ snapshot: snapshots[0]!, level: 'warn' });
  client = new RawClient(h.address, grpc.credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await h?.stop();
});

it('coalesces pushes to a client that does not read, and sends it the latest state when it does', async () => {
  const call = (client as unknown as Record<string, () => grpc.ClientDuplexStream<unknown, Buffer>>).StreamAggregatedResources!();
  call.on('error', () => {});
  call.write({ node: { id: 'slow' }, type_url: EDS, resource_names: ['big'] });
  const first = await new Promise<Buffer>((resolve) => call.once('data', resolve));
  expect((method.responseDeserialize(first) as SotwResponse).type_url).toBe(EDS);
  call.pause();

  for (const snapshot of snapshots.slice(1)) h.cache.set(snapshot);
  const latest = snapshots[SNAPSHOTS]!.types.get(EDS)!.version;

  const received: SotwResponse[] = [];
  await new Promise<void>((resolve) => {
    call.on('data', (b: Buffer) => {
      const response = method.responseDeserialize(b) as SotwResponse;
      received.push(response);
      if (response.version_info === latest) resolve();
    });
    call.resume();
  });
  expect(received.length).toBeLessThan(SNAPSHOTS / 2);
  expect(received.at(-1)!.version_info).toBe(latest);
  call.cancel();
});

/**
 * A raw ADS client for bench:xds: requests serialized from plain objects by proto-loader,
 * responses kept as bytes and read only as far as their version, type URL and nonce. Decoding
 * every resource of 500 streams' responses would time the client, not the control plane.
 */
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { ADS_SERVICE_NAME, loadAdsPackageDefinition } from '../proto/xds.js';
import { TypeUrl } from '../control-plane/xds/snapshot.js';

export type StreamKind = 'sotw' | 'delta';

export const CDS = TypeUrl.cluster;
export const EDS = TypeUrl.endpoint;

export interface ResponseHeader {
  /** `version_info` (SotW) or `system_version_info` (delta): the type's snapshot version. */
  version: string;
  typeUrl: string;
  nonce: string;
}

/**
 * Fields 1, 4 and 5 of DiscoveryResponse and of DeltaDiscoveryResponse (the same numbers and
 * types in both: version, type_url, nonce); everything else is skipped unread.
 */
export function readResponseHeader(bytes: Uint8Array): ResponseHeader {
  const reader = protobuf.Reader.create(bytes);
  const header: ResponseHeader = { version: '', typeUrl: '', nonce: '' };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        header.version = reader.string();
        break;
      case 4:
        header.typeUrl = reader.string();
        break;
      case 5:
        header.nonce = reader.string();
        break;
      default:
        reader.skipType(tag & 7);
    }
  }
  return header;
}

type RawCall = grpc.ClientDuplexStream<object, Buffer>;
type RawClient = grpc.Client & Record<'StreamAggregatedResources' | 'DeltaAggregatedResources', () => RawCall>;

/** The ADS client class with responses passed through as bytes. */
function rawClientClass(): grpc.ServiceClientConstructor {
  const definition = loadAdsPackageDefinition()[ADS_SERVICE_NAME] as grpc.ServiceDefinition;
  const raw = (b: Buffer): Buffer => b;
  return grpc.makeGenericClientConstructor(
    {
      StreamAggregatedResources: { ...definition.StreamAggregatedResources!, responseDeserialize: raw },
      DeltaAggregatedResources: { ...definition.DeltaAggregatedResources!, responseDeserialize: raw },
    },
    'RawAds',
  );
}

/**
 * `count` gRPC channels to one address, each on its own connection: grpc-js shares one
 * connection between channels to the same target unless told to use a local subchannel pool.
 */
export function openChannels(address: string, count: number): RawClient[] {
  const Client = rawClientClass();
  // A generic client's methods are typed as bare Functions: name the two it has.
  return Array.from(
    { length: count },
    () => new Client(address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }) as unknown as RawClient,
  );
}

/** What a measuring stream does with each response besides ACKing it. */
export type OnResponse = (header: ResponseHeader, receivedAt: number) => void;

/**
 * One ADS stream subscribed as a data-plane client would be: every cluster (CDS wildcard) and
 * the endpoints of one cluster (EDS), every response ACKed at once. `receivedAt` is wall-clock
 * milliseconds (`performance.timeOrigin + performance.now()`), comparable across threads.
 */
export function subscribe(client: RawClient, kind: StreamKind, nodeId: string, cluster: string, onResponse: OnResponse): RawCall {
  const node = { id: nodeId, cluster: 'bench-xds' };
  const names: Record<string, string[]> = { [CDS]: [], [EDS]: [cluster] };
  const call = kind === 'sotw' ? client.StreamAggregatedResources() : client.DeltaAggregatedResources();
  call.on('data', (bytes: Buffer) => {
    const receivedAt = performance.timeOrigin + performance.now();
    const header = readResponseHeader(bytes);
    onResponse(header, receivedAt);
    if (kind === 'sotw')
      call.write({
        type_url: header.typeUrl,
        version_info: header.version,
        response_nonce: header.nonce,
        resource_names: names[header.typeUrl] ?? [],
      });
    else call.write({ type_url: header.typeUrl, response_nonce: header.nonce });
  });
  // Ends (cancel at the close, the server going away) are reported by the fleet, not thrown.
  call.on('error', () => {});
  if (kind === 'sotw') {
    call.write({ node, type_url: CDS, resource_names: [] });
    call.write({ type_url: EDS, resource_names: [cluster] });
  } else {
    call.write({ node, type_url: CDS });
    call.write({ type_url: EDS, resource_names_subscribe: [cluster] });
  }
  return call;
}

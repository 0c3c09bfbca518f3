import type * as grpc from '@grpc/grpc-js';
import { ADS_SERVICE_NAME, loadAdsPackageDefinition, type Node, type RpcStatus } from '../../proto/xds.js';

/**
 * The ADS service as the server sees it (the protocol itself is in proto/xds.ts). Requests are
 * decoded by proto-loader into plain objects (fields in snake_case, defaults filled, unset
 * messages null); responses are written as already-encoded bytes (wire.ts), so the service's
 * response serializer passes Buffers through.
 */

export type { Node, RpcStatus };

/** envoy.service.discovery.v3.DiscoveryRequest, the fields the server reads. */
export interface DiscoveryRequest {
  version_info: string;
  node: Node | null;
  resource_names: string[];
  type_url: string;
  response_nonce: string;
  error_detail: RpcStatus | null;
}

/** envoy.service.discovery.v3.DeltaDiscoveryRequest, the fields the server reads. */
export interface DeltaDiscoveryRequest {
  node: Node | null;
  type_url: string;
  resource_names_subscribe: string[];
  resource_names_unsubscribe: string[];
  initial_resource_versions: Record<string, string>;
  response_nonce: string;
  error_detail: RpcStatus | null;
}

let serverDefinition: grpc.ServiceDefinition | undefined;

/**
 * The service definition for a grpc.Server: requests decoded by proto-loader, responses
 * written by the handlers as encoded DiscoveryResponse / DeltaDiscoveryResponse bytes.
 */
export function adsServerDefinition(): grpc.ServiceDefinition {
  if (!serverDefinition) {
    const loaded = loadAdsPackageDefinition()[ADS_SERVICE_NAME] as grpc.ServiceDefinition;
    const passThrough = (value: Buffer): Buffer => value;
    serverDefinition = {
      StreamAggregatedResources: { ...loaded.StreamAggregatedResources!, responseSerialize: passThrough },
      DeltaAggregatedResources: { ...loaded.DeltaAggregatedResources!, responseSerialize: passThrough },
    };
  }
  return serverDefinition;
}

import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { envoyLoaderOptions } from '../../proto/envoy-protos.js';

/**
 * Envoy's xDS protos as shipped by @grpc/grpc-js-xds (deps/), and the ADS service loaded
 * from them. Requests are decoded by proto-loader into plain objects (fields in snake_case,
 * defaults filled, unset messages null); responses are written as already-encoded bytes
 * (wire.ts), so the service's response serializer passes Buffers through.
 */

export const ADS_PROTO = 'envoy/service/discovery/v3/ads.proto';
export const ADS_SERVICE_NAME = 'envoy.service.discovery.v3.AggregatedDiscoveryService';

/** The ADS package definition (clients in tests and tools load the service from it). */
export function loadAdsPackageDefinition(): protoLoader.PackageDefinition {
  return protoLoader.loadSync(ADS_PROTO, envoyLoaderOptions(true));
}

export interface Node {
  id: string;
  cluster: string;
}

export interface RpcStatus {
  code: number;
  message: string;
}

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

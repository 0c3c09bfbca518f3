import * as protoLoader from '@grpc/proto-loader';
import { envoyLoaderOptions } from './envoy-protos.js';

/**
 * The xDS protocol as both ends of an ADS stream see it: the resource types Mishards serves
 * and the Aggregated Discovery Service loaded from Envoy's protos (as shipped by
 * @grpc/grpc-js-xds). The control plane serves it; data-plane agents (the Nginx agent) and
 * tools are its clients.
 */

export const TypeUrl = {
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  endpoint: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  route: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
} as const;

export type TypeUrl = (typeof TypeUrl)[keyof typeof TypeUrl];

export const ADS_PROTO = 'envoy/service/discovery/v3/ads.proto';
export const ADS_SERVICE_NAME = 'envoy.service.discovery.v3.AggregatedDiscoveryService';

/**
 * The ADS package definition: messages decoded into plain objects (fields in snake_case,
 * defaults filled, unset messages null).
 */
export function loadAdsPackageDefinition(): protoLoader.PackageDefinition {
  return protoLoader.loadSync(ADS_PROTO, envoyLoaderOptions(true));
}

export interface Node {
  id: string;
  cluster: string;
}

/** google.rpc.Status, the `error_detail` of a NACK. */
export interface RpcStatus {
  code: number;
  message: string;
}

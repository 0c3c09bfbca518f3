import type * as grpc from '@grpc/grpc-js';
import { loadEnvoyService } from '../../proto/envoy-protos.js';

/**
 * Envoy's own ext_proc protos, as `@grpc/grpc-js-xds` ships them (with their xds, googleapis
 * and protoc-gen-validate imports), so the service speaks exactly what Envoy sends.
 */

let loaded: grpc.ServiceDefinition | undefined;

/**
 * `envoy.service.ext_proc.v3.ExternalProcessor`. Messages are plain objects with field names as
 * in the proto, the set member of each oneof named by the oneof (`request: 'request_headers'`),
 * enums as names, bytes as Buffers, and unset fields absent.
 */
export function externalProcessorDefinition(): grpc.ServiceDefinition {
  loaded ??= loadEnvoyService(
    'envoy/service/ext_proc/v3/external_processor.proto',
    'envoy.service.ext_proc.v3.ExternalProcessor',
    false,
  ).service;
  return loaded;
}

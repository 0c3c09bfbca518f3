import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { serviceAt } from './grpc-service.js';

/**
 * Where Envoy's protos live: @grpc/grpc-js-xds ships them under deps/ with their imports, so
 * the ADS server, the ext_proc processor and the config validator all speak the API revision
 * the proxyless gRPC clients speak. Import roots in order, like protoc's -I.
 */
const deps = join(dirname(createRequire(import.meta.url).resolve('@grpc/grpc-js-xds/package.json')), 'deps');

export const ENVOY_PROTO_INCLUDE_DIRS: readonly string[] = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) =>
  join(deps, d),
);

/**
 * How Envoy's messages look in JS: field names as in the protos (snake_case, as in Envoy's
 * YAML), 64-bit integers and enums as strings, the set member of each oneof named by the
 * oneof; `defaults` fills unset fields (unset messages null) or leaves them absent.
 */
export function envoyLoaderOptions(defaults: boolean): protoLoader.Options {
  return { keepCase: true, longs: String, enums: String, defaults, oneofs: true, includeDirs: [...ENVOY_PROTO_INCLUDE_DIRS] };
}

/** A gRPC service of Envoy's protos (`.service` is its server definition). */
export function loadEnvoyService(file: string, service: string, defaults: boolean): grpc.ServiceClientConstructor {
  return serviceAt(grpc.loadPackageDefinition(protoLoader.loadSync(file, envoyLoaderOptions(defaults))), service);
}

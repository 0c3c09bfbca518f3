import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Where Envoy's protos live: @grpc/grpc-js-xds ships them under deps/ with their imports, so
 * the ADS server, the ext_proc processor and the config validator all speak the API revision
 * the proxyless gRPC clients speak. Import roots in order, like protoc's -I.
 */
const deps = join(dirname(createRequire(import.meta.url).resolve('@grpc/grpc-js-xds/package.json')), 'deps');

export const ENVOY_PROTO_INCLUDE_DIRS: readonly string[] = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => join(deps, d));

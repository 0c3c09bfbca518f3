/**
 * The Envoy protos as one protobufjs Root, loaded once per process.
 *
 * The .proto sources are the ones @grpc/grpc-js-xds vendors (envoy-api, xds, googleapis,
 * protoc-gen-validate), so the validator checks against the same API revision the proxyless
 * gRPC clients speak. Parsing keeps snake_case field names (keepCase): they are the names in
 * Envoy's YAML and documentation, and the protoc-gen-validate options stay readable from the
 * reflection objects (`parsedOptions`).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import protobuf from 'protobufjs';
import { ENVOY_PROTO_INCLUDE_DIRS } from '../proto/envoy-protos.js';

const require = createRequire(import.meta.url);

/** Import roots, searched in order, like protoc's -I. */
const INCLUDE_DIRS: readonly string[] = [
  ...ENVOY_PROTO_INCLUDE_DIRS,
  // google/protobuf/descriptor.proto (imported by every options extension); the other
  // google/protobuf/*.proto well-known types are bundled inside protobufjs itself.
  dirname(require.resolve('protobufjs/package.json')),
];

/**
 * Entry files: each pulls its imports. A typed_config whose @type is not in the loaded set is
 * reported as unresolvable, so an extension we start using must be added here.
 */
const ENVOY_PROTO_FILES: readonly string[] = [
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/config/core/v3/health_check.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/ext_proc/v3/ext_proc.proto',
  'envoy/extensions/filters/http/health_check/v3/health_check.proto',
  'envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.proto',
  'envoy/extensions/filters/http/cors/v3/cors.proto',
  'envoy/extensions/filters/http/grpc_web/v3/grpc_web.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/access_loggers/stream/v3/stream.proto',
  'envoy/extensions/access_loggers/file/v3/file.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/raw_buffer/v3/raw_buffer.proto',
  'envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto',
  'envoy/extensions/load_balancing_policies/least_request/v3/least_request.proto',
  'envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash.proto',
  'envoy/extensions/load_balancing_policies/maglev/v3/maglev.proto',
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/discovery/v3/discovery.proto',
  'envoy/service/ext_proc/v3/external_processor.proto',
  'envoy/service/status/v3/csds.proto',
  'xds/type/v3/typed_struct.proto',
  // Every well-known type, so that any of them can be the payload of an Any.
  ...['any', 'duration', 'timestamp', 'struct', 'wrappers', 'empty', 'field_mask'].map((n) => `google/protobuf/${n}.proto`),
];

function resolveImport(_origin: string, target: string): string {
  if (isAbsolute(target)) return target;
  for (const dir of INCLUDE_DIRS) {
    const candidate = join(dir, target);
    if (existsSync(candidate)) return candidate;
  }
  // Not on disk: either a well-known type protobufjs bundles (it recognises the name), or a
  // missing file, which then fails the load with its name.
  return target;
}

let cached: { root: protobuf.Root; loadMillis: number } | undefined;

function load(): { root: protobuf.Root; loadMillis: number } {
  const started = performance.now();
  const root = new protobuf.Root();
  root.resolvePath = resolveImport;
  root.loadSync([...ENVOY_PROTO_FILES], { keepCase: true });
  root.resolveAll();
  return { root, loadMillis: performance.now() - started };
}

/** The shared Root (loaded on first use, ~0.2 s). Callers must not add to it. */
export function envoyRoot(): protobuf.Root {
  cached ??= load();
  return cached.root;
}

/** How long the one load took, in milliseconds (loads the Root if needed). */
export function envoyRootLoadMillis(): number {
  cached ??= load();
  return cached.loadMillis;
}

/** `envoy.config.cluster.v3.Cluster`, `.envoy...` or a type URL; undefined when not loaded. */
export function lookupEnvoyType(name: string): protobuf.Type | undefined {
  return lookupMessageType(envoyRoot(), name);
}

/** The same lookup in any Root (an Any resolves its @type in the Root of its own type). */
export function lookupMessageType(root: protobuf.Root, name: string): protobuf.Type | undefined {
  const slash = name.lastIndexOf('/');
  const bare = slash >= 0 ? name.slice(slash + 1) : name;
  if (bare === '') return undefined;
  const found = root.lookup(bare.startsWith('.') ? bare : `.${bare}`);
  return found instanceof protobuf.Type ? found : undefined;
}

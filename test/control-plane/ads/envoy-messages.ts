import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import protobuf from 'protobufjs';
import { ENVOY_PROTO_INCLUDE_DIRS } from '../../../proto/envoy-protos.js';
import { TypeUrl, type Snapshot, type TypeSnapshot, type XdsResource } from '../../../control-plane/xds/snapshot.js';

/**
 * Real Envoy messages for the ADS tests: Cluster, ClusterLoadAssignment, Listener and
 * RouteConfiguration types loaded with protobufjs from the protos shipped in
 * @grpc/grpc-js-xds, small valid instances, and snapshots built from them.
 */
const require = createRequire(import.meta.url);
// google/protobuf/descriptor.proto (imported by the validate annotations) is not bundled by default.
protobuf.common('descriptor', require('protobufjs/google/protobuf/descriptor.json').nested.google.nested.protobuf.nested);

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => {
  for (const dir of ENVOY_PROTO_INCLUDE_DIRS) {
    const candidate = path.join(dir, target);
    if (fs.existsSync(candidate)) return candidate;
  }
  return target;
};
root.loadSync(
  [
    'envoy/config/cluster/v3/cluster.proto',
    'envoy/config/endpoint/v3/endpoint.proto',
    'envoy/config/listener/v3/listener.proto',
    'envoy/config/route/v3/route.proto',
  ],
  { keepCase: true },
);
root.resolveAll();

export const MessageType: Record<TypeUrl, protobuf.Type> = {
  [TypeUrl.cluster]: root.lookupType('envoy.config.cluster.v3.Cluster'),
  [TypeUrl.endpoint]: root.lookupType('envoy.config.endpoint.v3.ClusterLoadAssignment'),
  [TypeUrl.listener]: root.lookupType('envoy.config.listener.v3.Listener'),
  [TypeUrl.route]: root.lookupType('envoy.config.route.v3.RouteConfiguration'),
};

function encode(typeUrl: TypeUrl, object: Record<string, unknown>): Uint8Array {
  const type = MessageType[typeUrl];
  const message = type.fromObject(object);
  const problem = type.verify(message);
  if (problem) throw new Error(`invalid ${type.name}: ${problem}`);
  return type.encode(message).finish();
}

/** An EDS cluster fetched over ADS. `tag` changes the content (and so the version). */
export function cluster(name: string, tag = 0): Uint8Array {
  return encode(TypeUrl.cluster, {
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' } },
    connect_timeout: { seconds: 1 + tag },
  });
}

/** The endpoints of cluster `name`: one endpoint per port. */
export function endpoints(name: string, ports: number[] = [9000]): Uint8Array {
  return encode(TypeUrl.endpoint, {
    cluster_name: name,
    endpoints: [
      { lb_endpoints: ports.map((port) => ({ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } } })) },
    ],
  });
}

export function listener(name: string, port = 10000): Uint8Array {
  return encode(TypeUrl.listener, { name, address: { socket_address: { address: '0.0.0.0', port_value: port } } });
}

export function route(name: string, clusterName = 'c1'): Uint8Array {
  return encode(TypeUrl.route, {
    name,
    virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: clusterName } }] }],
  });
}

/** The resource name carried inside an encoded message of this type. */
export function decodedName(typeUrl: string, value: Uint8Array): string {
  const message = MessageType[typeUrl as TypeUrl].decode(value) as unknown as { name?: string; cluster_name?: string };
  return (typeUrl === TypeUrl.endpoint ? message.cluster_name : message.name) ?? '';
}

const hash = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex').slice(0, 12);

export type TypeContent = Record<string, Uint8Array>;

/** Snapshot content by type; a missing type has no resources. */
export type SnapshotContent = Partial<Record<TypeUrl, TypeContent>>;

/** A snapshot with content-derived versions, as the real builder makes them. */
export function makeSnapshot(content: SnapshotContent): Snapshot {
  const types = new Map<TypeUrl, TypeSnapshot>();
  for (const typeUrl of Object.values(TypeUrl)) {
    const resources = new Map<string, XdsResource>();
    for (const [name, value] of Object.entries(content[typeUrl] ?? {})) resources.set(name, { name, version: hash(value), value });
    const version = hash([...resources.values()].map((r) => `${r.name}=${r.version}`).join(','));
    types.set(typeUrl, { version, resources });
  }
  return { version: hash([...types.values()].map((t) => t.version).join(',')), types };
}

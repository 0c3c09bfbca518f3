/**
 * The registrations bench:xds writes to etcd (1,000 readers in 50 groups of 20, at the
 * addresses of health stand-ins: xds-health.ts) and the same registrations as SnapshotBuilder
 * inputs, for timing the build directly on what the control plane builds from.
 */
import { CONTROL_PLANE_DEFAULTS } from '../control-plane/defaults.js';
import { nodeKey, NodeRegistrationSchema, type NodeRegistration } from '../cluster/registry/schema.js';
import { MISHARDS_VERSION } from '../cluster/registry/version.js';
import { SnapshotBuilder, type SnapshotInputs } from '../control-plane/resources/build-snapshot.js';
import { readerGroupName } from '../control-plane/resources/names.js';
import { encodeEnvoyJson } from '../envoy-schema/index.js';

export const PREFIX = '/mishards';
export const GROUPS = 50;
export const READERS_PER_GROUP = 20;
/** The group every measured stream subscribes to (EDS), and where the measured writes go. */
export const MEASURED_GROUP = 'g0';
export const MEASURED_CLUSTER = readerGroupName(MEASURED_GROUP);

export const READERS = GROUPS * READERS_PER_GROUP;
/** gRPC addresses the registrations need: every reader's, and the extra reader's. */
export const ADDRESSES = READERS + 1;

/** Metrics addresses are registered but never contacted by the control plane: fake ports. */
const METRICS_PORT_BASE = 40_000;
const STARTED_AT = new Date().toISOString();

export interface KeyedRegistration {
  key: string;
  registration: NodeRegistration;
}

/** A reader registration as `mishards reader` would write it (validated by the same schema). */
function reader(name: string, group: string, index: number, grpcPort: number): KeyedRegistration {
  const registration = NodeRegistrationSchema.parse({
    role: 'reader',
    name,
    group,
    addresses: { grpc: `127.0.0.1:${grpcPort}`, metrics: `127.0.0.1:${METRICS_PORT_BASE + index}` },
    version: MISHARDS_VERSION,
    startedAt: STARTED_AT,
  });
  return { key: nodeKey(PREFIX, 'reader', name), registration };
}

/**
 * `g<k>-r<j>` for k < GROUPS, j < READERS_PER_GROUP, on 127.0.0.1 at the given gRPC ports
 * (ADDRESSES of them: the last one is the extra reader's).
 */
export function readerRegistrations(grpcPorts: readonly number[]): KeyedRegistration[] {
  if (grpcPorts.length < ADDRESSES) throw new Error(`${ADDRESSES} ports needed, ${grpcPorts.length} given`);
  const all: KeyedRegistration[] = [];
  for (let k = 0; k < GROUPS; k++) {
    for (let j = 0; j < READERS_PER_GROUP; j++) all.push(reader(`g${k}-r${j}`, `g${k}`, all.length, grpcPorts[all.length]!));
  }
  return all;
}

/** The reader that the measured writes add to and remove from MEASURED_GROUP. */
export function extraReader(grpcPorts: readonly number[]): KeyedRegistration {
  return reader(`${MEASURED_GROUP}-extra`, MEASURED_GROUP, READERS, grpcPorts[READERS]!);
}

/** Builder inputs as the control plane assembles them: every address an IP, health UNKNOWN. */
export function builderInputs(nodes: readonly KeyedRegistration[], revision: bigint): SnapshotInputs {
  const resolve = (hostPort: string) => {
    const i = hostPort.lastIndexOf(':');
    return { ip: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) };
  };
  return {
    nodes: nodes.map(({ key, registration }) => ({ key, registration, resolve })),
    routes: [],
    health: () => 'UNKNOWN',
    revision,
    front: CONTROL_PLANE_DEFAULTS.front,
  };
}

export interface BuildTimes {
  /** Milliseconds of each timed build. */
  times: number[];
  /** The first build: loads Envoy's protos and compiles the validators, unwarmed code. */
  coldMs: number;
  endpoints: number;
  resources: number;
}

/**
 * Times `SnapshotBuilder.build` (every resource generated, validated against Envoy's protos
 * and encoded) on the given registrations. One builder for every run, as in the control
 * plane, the revision moving on each time as it does after every etcd write.
 */
export function timeSnapshotBuilds(nodes: readonly KeyedRegistration[], warmup: number, runs: number): BuildTimes {
  const builder = new SnapshotBuilder(encodeEnvoyJson);
  let revision = 1000n;
  const coldStart = performance.now();
  let built = builder.build(builderInputs(nodes, revision));
  const coldMs = performance.now() - coldStart;
  for (let i = 1; i < warmup; i++) built = builder.build(builderInputs(nodes, ++revision));
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const inputs = builderInputs(nodes, ++revision);
    const started = performance.now();
    built = builder.build(inputs);
    times.push(performance.now() - started);
  }
  if (built.rejected.length) throw new Error(`registrations rejected by the builder: ${JSON.stringify(built.rejected.slice(0, 3))}`);
  const resources = [...built.snapshot.types.values()].reduce((n, t) => n + t.resources.size, 0);
  return { times, coldMs, endpoints: built.endpointCount, resources };
}

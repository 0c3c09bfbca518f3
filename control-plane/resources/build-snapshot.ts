import { createHash } from 'node:crypto';
import type { NodeRegistration } from '../../cluster/registry/schema.js';
import { ruleClusters, type NamedRouteRule } from '../routes/schema.js';
import { compileRule } from '../routes/compile.js';
import { TypeUrl, type Snapshot, type TypeSnapshot, type XdsResource } from '../xds/snapshot.js';
import { cluster } from './clusters.js';
import { loadAssignment, type Endpoint, type HealthStatus } from './endpoints.js';
import type { EnvoyJson } from '../../envoy-schema/index.js';
import { apiListener, frontListener, type FrontSettings } from './listeners.js';
import { COORDINATOR, COORDINATOR_HTTP, FRONT_LISTENER, readerGroupName, WRITER } from './names.js';
import { apiRouteConfig, frontRouteConfig } from './route-configs.js';

/** Validates an Envoy message given in proto3 JSON and encodes it; throws with every problem. */
export type EnvoyEncoder = (typeName: string, json: EnvoyJson) => Uint8Array;

export interface RegisteredNode {
  key: string;
  registration: NodeRegistration;
  /** The registration's host resolved to an IP address (Envoy and gRPC take no names in EDS). */
  resolve(hostPort: string): { ip: string; port: number } | undefined;
}

export interface SnapshotInputs {
  nodes: readonly RegisteredNode[];
  routes: readonly { key: string; rule: NamedRouteRule }[];
  /** Active health verdict by gRPC address. */
  health(grpcAddress: string): HealthStatus;
  /**
   * The gRPC address of the writer election's leader: the only writer served. Without one (no
   * writer elected yet, or between leaders) every registered writer is: a standby refuses
   * writes unapplied, and the client retries.
   */
  writerLeader?: string | undefined;
  /** The highest etcd mod revision among the inputs: versions start with it. */
  revision: bigint;
  front: FrontSettings & { requestTimeoutMs: number };
}

export interface Rejection {
  key: string;
  reason: string;
}

export interface BuiltSnapshot {
  snapshot: Snapshot;
  /** Keys whose current value could not be used, with the reason (a previous value may be). */
  rejected: Rejection[];
  endpointCount: number;
}

const TYPE_NAMES: Record<TypeUrl, string> = {
  [TypeUrl.cluster]: 'envoy.config.cluster.v3.Cluster',
  [TypeUrl.endpoint]: 'envoy.config.endpoint.v3.ClusterLoadAssignment',
  [TypeUrl.listener]: 'envoy.config.listener.v3.Listener',
  [TypeUrl.route]: 'envoy.config.route.v3.RouteConfiguration',
};

function hash(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

/**
 * Turns the cluster's registrations, health and route rules into xDS resources. Keeps, per
 * route key, the last value that could be used: a rule updated to name a cluster that does
 * not exist keeps routing by its previous value, so that a bad write changes nothing.
 */
export class SnapshotBuilder {
  private readonly accepted = new Map<string, NamedRouteRule>();
  /** The previous build's resources: unchanged ones are handed out again as the same objects. */
  private previous = new Map<string, XdsResource>();

  constructor(private readonly encode: EnvoyEncoder) {}

  build(inputs: SnapshotInputs): BuiltSnapshot {
    const rejected: Rejection[] = [];
    const endpoints = this.endpoints(inputs, rejected);
    const rules = this.acceptRules(inputs, new Set(endpoints.keys()), rejected);
    const ringHash = new Set(rules.filter((r) => r.rule.action.hashPolicy).flatMap((r) => ruleClusters(r.rule)));

    // The coordinators are the ext_proc processor: their side stream carries a whole REST body
    // and its headers; their REST port receives whole bodies too.
    const buffers: Record<string, number> = {
      [COORDINATOR]: inputs.front.maxBodyBytes + (8 << 20),
      [COORDINATOR_HTTP]: inputs.front.maxBodyBytes,
    };
    const clusters = [...endpoints.keys()].map((name) =>
      cluster({
        name,
        protocol: name === COORDINATOR_HTTP ? 'http' : 'grpc',
        ringHash: ringHash.has(name),
        ...(buffers[name] ? { bufferLimitBytes: buffers[name] } : {}),
        tls: inputs.front.tls,
      }),
    );
    const assignments = [...endpoints].map(([name, list]) => loadAssignment(name, list));
    const apiNames = [...endpoints.keys()].filter((n) => n !== COORDINATOR_HTTP);
    const rulesOf = (listener: string) => rules.filter((r) => r.rule.listener === listener);
    const listeners = [frontListener(inputs.front), ...apiNames.map(apiListener)];
    const routeConfigs = [
      frontRouteConfig(rulesOf(FRONT_LISTENER), inputs.front.requestTimeoutMs),
      ...apiNames.map((n) => apiRouteConfig(n, rulesOf(n))),
    ];

    const reuse = this.previous;
    this.previous = new Map();
    const types = new Map<TypeUrl, TypeSnapshot>([
      [TypeUrl.cluster, this.typeSnapshot(TypeUrl.cluster, clusters, 'name', inputs.revision, reuse)],
      [TypeUrl.endpoint, this.typeSnapshot(TypeUrl.endpoint, assignments, 'cluster_name', inputs.revision, reuse)],
      [TypeUrl.listener, this.typeSnapshot(TypeUrl.listener, listeners, 'name', inputs.revision, reuse)],
      [TypeUrl.route, this.typeSnapshot(TypeUrl.route, routeConfigs, 'name', inputs.revision, reuse)],
    ]);
    const version = `${inputs.revision}-${hash([...types.values()].map((t) => t.version).join(','))}`;
    const endpointCount = [...endpoints.values()].reduce((n, list) => n + list.length, 0);
    return { snapshot: { version, types }, rejected, endpointCount };
  }

  /**
   * Endpoints by cluster. The coordinator, its REST port and the writer always have a
   * cluster (possibly empty: the names are a contract); a reader group has one while any of
   * its readers is registered. The writer's holds the election's leader alone when there is
   * one (see SnapshotInputs.writerLeader).
   */
  private endpoints(inputs: SnapshotInputs, rejected: Rejection[]): Map<string, Endpoint[]> {
    const byCluster = new Map<string, Endpoint[]>([
      [COORDINATOR, []],
      [COORDINATOR_HTTP, []],
      [WRITER, []],
    ]);
    const add = (name: string, node: RegisteredNode, hostPort: string) => {
      const resolved = node.resolve(hostPort);
      if (!resolved) {
        rejected.push({ key: node.key, reason: `host of ${hostPort} does not resolve to an IP address` });
        return;
      }
      const list = byCluster.get(name) ?? [];
      byCluster.set(name, list);
      list.push({ name: node.registration.name, ...resolved, health: inputs.health(node.registration.addresses.grpc) });
    };
    for (const node of inputs.nodes) {
      const r = node.registration;
      if (r.role === 'coordinator') {
        add(COORDINATOR, node, r.addresses.grpc);
        if (r.addresses.http) add(COORDINATOR_HTTP, node, r.addresses.http);
      } else if (r.role === 'writer') {
        if (inputs.writerLeader === undefined || r.addresses.grpc === inputs.writerLeader) add(WRITER, node, r.addresses.grpc);
      } else add(readerGroupName(r.group!), node, r.addresses.grpc);
    }
    return new Map([...byCluster].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** The rules to route by, in order; each rule's problems reported under its key. */
  private acceptRules(inputs: SnapshotInputs, clusters: Set<string>, rejected: Rejection[]): NamedRouteRule[] {
    const listeners = new Set([FRONT_LISTENER, ...[...clusters].filter((c) => c !== COORDINATOR_HTTP)]);
    const problem = (r: NamedRouteRule): string | undefined => {
      if (!listeners.has(r.rule.listener)) return `listener ${r.rule.listener} does not exist (no such registered role or reader group)`;
      const unknown = ruleClusters(r.rule).filter((c) => !clusters.has(c));
      if (unknown.length) return `unknown cluster ${unknown.join(', ')} (no such registered role or reader group)`;
      try {
        this.encode('envoy.config.route.v3.Route', compileRule(r));
      } catch (e) {
        return `not a valid Envoy route: ${(e as Error).message}`;
      }
      return undefined;
    };
    const present = new Set(inputs.routes.map((r) => r.key));
    for (const key of this.accepted.keys()) if (!present.has(key)) this.accepted.delete(key);
    const rules: NamedRouteRule[] = [];
    for (const { key, rule } of inputs.routes) {
      const reason = problem(rule);
      if (reason === undefined) this.accepted.set(key, rule);
      else {
        const previous = this.accepted.get(key);
        const fallback = previous && !problem(previous) ? previous : undefined;
        rejected.push({ key, reason: fallback ? `${reason}; its previous value stays in force` : reason });
        if (!fallback) this.accepted.delete(key);
      }
      const use = this.accepted.get(key);
      if (use) rules.push(use);
    }
    return rules.sort((a, b) => a.rule.priority - b.rule.priority || a.name.localeCompare(b.name));
  }

  private typeSnapshot(
    type: TypeUrl,
    messages: EnvoyJson[],
    nameField: string,
    revision: bigint,
    reuse: Map<string, XdsResource>,
  ): TypeSnapshot {
    const resources = new Map<string, XdsResource>();
    for (const json of messages) {
      const name = json[nameField] as string;
      const value = this.encode(TYPE_NAMES[type], json);
      const version = hash(value);
      const key = `${type} ${name}`;
      const old = reuse.get(key);
      const resource = old?.version === version ? old : { name, version, value };
      resources.set(name, resource);
      this.previous.set(key, resource);
    }
    const digest = hash([...resources.values()].map((r) => `${r.name}:${r.version}`).join('\n'));
    return { version: `${revision}-${digest}`, resources };
  }
}

import type { NodeRegistration } from '../../cluster/registry/schema.js';
import { CONTROL_PLANE_DEFAULTS } from '../../control-plane/defaults.js';
import { SnapshotBuilder } from '../../control-plane/resources/build-snapshot.js';
import type { HealthStatus } from '../../control-plane/resources/endpoints.js';
import { parseRouteRule, routeKey } from '../../control-plane/routes/schema.js';
import { decodeEnvoy, encodeEnvoyJson, type EnvoyJson } from '../../envoy-schema/index.js';
import type { XdsState } from '../../nginx/render/model.js';
import { TypeUrl } from '../../proto/xds.js';

/**
 * xDS states as the Nginx agent holds them, made by the control plane's own snapshot builder
 * from registrations and route rules, then encoded and decoded as on the wire: the renderer's
 * tests read exactly what the agent would receive.
 */
const PREFIX = '/mishards';

export interface Member {
  role: NodeRegistration['role'];
  name: string;
  port: number;
  group?: string;
  /** A coordinator's REST port. */
  http?: number;
  health?: HealthStatus;
}

export const CLUSTER: Member[] = [
  { role: 'writer', name: 'w1', port: 7000 },
  { role: 'coordinator', name: 'c1', port: 7010, http: 7012 },
  { role: 'coordinator', name: 'c2', port: 7020, http: 7022 },
  { role: 'reader', name: 'r1', port: 7030, group: 'g1' },
  { role: 'reader', name: 'r2', port: 7040, group: 'g1' },
  { role: 'reader', name: 'r3', port: 7050, group: 'g2' },
];

export function buildState(members: Member[] = CLUSTER, rules: Record<string, object> = {}, frontPort = 19530): XdsState {
  const health = new Map(members.map((m) => [`127.0.0.1:${m.port}`, m.health ?? 'HEALTHY']));
  const built = new SnapshotBuilder(encodeEnvoyJson).build({
    nodes: members.map((m) => ({
      key: `${PREFIX}/nodes/${m.role}/${m.name}`,
      registration: {
        role: m.role,
        name: m.name,
        addresses: { grpc: `127.0.0.1:${m.port}`, metrics: `127.0.0.1:${m.port + 1}`, ...(m.http ? { http: `127.0.0.1:${m.http}` } : {}) },
        version: '0.1.0',
        startedAt: '2026-01-01T00:00:00.000Z',
        ...(m.group ? { group: m.group } : {}),
      },
      resolve: (hp: string) => ({ ip: '127.0.0.1', port: Number(hp.split(':')[1]) }),
    })),
    routes: Object.entries(rules).map(([name, rule]) => ({
      key: routeKey(PREFIX, name),
      rule: parseRouteRule(PREFIX, routeKey(PREFIX, name), JSON.stringify(rule)),
    })),
    health: (address) => health.get(address) ?? 'UNKNOWN',
    revision: 1n,
    front: { ...CONTROL_PLANE_DEFAULTS.front, address: '127.0.0.1', port: frontPort },
  });
  if (built.rejected.length) throw new Error(`rules rejected: ${JSON.stringify(built.rejected)}`);
  const decoded = (type: TypeUrl) =>
    new Map([...built.snapshot.types.get(type)!.resources].map(([name, r]) => [name, decodeEnvoy(type, r.value)]));
  return {
    [TypeUrl.cluster]: decoded(TypeUrl.cluster),
    [TypeUrl.endpoint]: decoded(TypeUrl.endpoint),
    [TypeUrl.listener]: decoded(TypeUrl.listener),
    [TypeUrl.route]: decoded(TypeUrl.route),
  };
}

/** A copy of `state` with one resource changed in place by `edit`. */
export function edited(state: XdsState, type: TypeUrl, name: string, edit: (json: any) => void): XdsState {
  const resources = new Map(state[type]);
  const json = structuredClone(resources.get(name)) as EnvoyJson;
  edit(json);
  resources.set(name, json);
  return { ...state, [type]: resources };
}

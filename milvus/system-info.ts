import type { NodeResources } from '../runtime/node-resources.js';
import type { MilvusResponse } from './methods.js';
import { Code, invalidParameter, MilvusError } from './status.js';

/** The Milvus release whose API Mishards speaks (GetVersion, Connect, GetMetrics). */
export const MILVUS_COMPAT_VERSION = 'v2.5.4';

/** The one metric type GetMetrics answers, as Milvus's proxy does. */
const SYSTEM_INFO_METRIC = 'system_info';

/** Milvus component roles (typeutil) that Mishards processes present themselves as. */
export type MilvusRole = 'standalone' | 'proxy' | 'datanode' | 'querynode';

/** The Milvus role of each Mishards process in a cluster's topology. */
export const CLUSTER_ROLES = { coordinator: 'proxy', writer: 'datanode', reader: 'querynode' } as const;

export type NodeKind = keyof typeof CLUSTER_ROLES;

/** An edge of Milvus's topology graph: "forward" (requests relayed), "manage" (a coordinator's nodes). */
export interface TopologyEdge {
  id: number;
  type: 'forward' | 'manage';
  targetType: MilvusRole;
}

/** A Mishards process as GetMetrics describes it. */
export interface TopologyNode {
  /** Unique in one answer; Milvus's `identifier` and `id`. */
  id: number;
  role: MilvusRole;
  kind: NodeKind;
  /** The process's name in the membership (e.g. reader-g1). */
  name: string;
  /** Reader group, for readers. */
  group?: string;
  address: string;
  /** What the node reported; absent when it could not be asked. */
  resources?: NodeResources;
  /** Why the node could not be described. */
  error?: string;
  /** Collections with data on the node. */
  collectionIds: string[];
  connected: TopologyEdge[];
}

/** Milvus's names of components: role then id, e.g. proxy1, querynode3. */
const componentName = (node: Pick<TopologyNode, 'role' | 'id'>) => `${node.role}${node.id}`;

/**
 * Checks that a GetMetrics request (a JSON document) asks for system_info, failing as Milvus
 * does when it is not JSON, names no `metric_type`, or names another one.
 */
function checkSystemInfoRequest(request: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(request);
  } catch (e) {
    throw invalidParameter(`failed to decode the request: ${(e as Error).message}`);
  }
  const metricType = (parsed as Record<string, unknown> | null)?.metric_type;
  if (typeof metricType !== 'string') throw invalidParameter('metric_type not found in request');
  if (metricType !== SYSTEM_INFO_METRIC) throw new MilvusError(Code.MetricNotFound, `metric not found[metric=${metricType}]`);
}

function hardware(node: TopologyNode) {
  const r = node.resources;
  return {
    ip: node.address,
    cpu_core_count: r?.cpuCores ?? 0,
    cpu_core_usage: r?.cpuUsage ?? 0,
    memory: r?.memoryBytes ?? 0,
    memory_usage: r?.memoryUsedBytes ?? 0,
    disk: r?.diskBytes ?? 0,
    disk_usage: r?.diskUsedBytes ?? 0,
  };
}

/** Milvus's per-role configuration block, with the values that hold here. */
function systemConfigurations(role: MilvusRole): Record<string, unknown> {
  switch (role) {
    case 'querynode':
      return { simd_type: 'auto' };
    case 'datanode':
      return {};
    default:
      return { default_partition_name: '_default', default_index_name: '_default_idx' };
  }
}

/**
 * Milvus's quota metrics: hardware (Hms), request rates (Rms: not measured, empty) and, for
 * nodes holding data, the collections they serve (Effect).
 */
function quotaMetrics(node: TopologyNode, hms: ReturnType<typeof hardware>): Record<string, unknown> {
  const base = { Hms: hms, Rms: [] };
  return node.role === 'proxy' ? base : { ...base, Effect: { NodeID: node.id, CollectionIDs: node.collectionIds.map(Number) } };
}

function componentInfos(node: TopologyNode, deployMode: string) {
  const hms = hardware(node);
  const started = node.resources?.startedAt.toISOString() ?? '';
  return {
    has_error: node.error !== undefined,
    error_reason: node.error ?? '',
    name: componentName(node),
    hardware_infos: hms,
    system_info: {
      system_version: MILVUS_COMPAT_VERSION,
      deploy_mode: deployMode,
      build_version: MILVUS_COMPAT_VERSION,
      build_time: '',
      used_go_version: '',
    },
    created_time: started,
    updated_time: started,
    type: node.role,
    id: node.id,
    system_configurations: systemConfigurations(node.role),
    quota_metrics: quotaMetrics(node, hms),
    // Not in Milvus: which Mishards process this is.
    mishards: { name: node.name, kind: node.kind, ...(node.group ? { group: node.group } : {}) },
  };
}

/**
 * The GetMetrics reply for system_info: Milvus's SystemTopology JSON (`nodes_info`, each with
 * `identifier`, `connected` edges and `infos`) and the answering component's name.
 */
function systemInfoReply(nodes: TopologyNode[], self: TopologyNode): MilvusResponse<'GetMetrics'> {
  const deployMode = nodes.length === 1 ? 'STANDALONE' : 'DISTRIBUTED';
  const nodesInfo = nodes.map((node) => ({
    identifier: node.id,
    connected: node.connected.map((e) => ({ connected_identifier: e.id, type: e.type, target_type: e.targetType })),
    infos: componentInfos(node, deployMode),
  }));
  return { response: JSON.stringify({ nodes_info: nodesInfo }), component_name: componentName(self) };
}

/** GetMetrics: checks the request, then describes the nodes `topology` lists (`self` answers). */
export async function getMetricsReply(
  request: string,
  topology: () => Promise<{ nodes: TopologyNode[]; self: TopologyNode }>,
): Promise<MilvusResponse<'GetMetrics'>> {
  checkSystemInfoRequest(request);
  const { nodes, self } = await topology();
  return systemInfoReply(nodes, self);
}

import type { ResourceMeter } from '../../runtime/node-resources.js';
import { describeResourceGroupReply, getReplicasReply } from '../../milvus/resource-groups.js';
import type { MilvusResponse } from '../../milvus/methods.js';
import { CLUSTER_ROLES, type NodeKind, type TopologyNode } from '../../milvus/system-info.js';
import type { Discovery } from '../../cluster/discovery.js';
import type { CollectionView } from '../../meta/collection-view.js';
import { anyLoaded } from '../../meta/load-state.js';
import { loadedNamedPartitions } from '../../milvus/search-request.js';
import { querySegmentInfos } from '../../milvus/segment-info.js';
import { collectionNotFound, invalidParameter } from '../../milvus/status.js';
import type { MetadataCache } from '../../cluster/metadata-cache.js';
import type { NodeClients } from './node-clients.js';
import type { Placement } from './placement.js';
import { namedView } from './named-view.js';

/** How long the coordinator waits for a node's DescribeNode before reporting it unreachable. */
const DESCRIBE_DEADLINE_MS = 5_000;

export interface ClusterDescriptionOptions {
  discovery: Discovery;
  clients: NodeClients;
  placement: Placement;
  cache: MetadataCache;
  /** The writable node's gRPC address. */
  writer: string;
  /** The coordinator's own gRPC address (known once bound). */
  self: () => string;
  meter: ResourceMeter;
}

interface Process {
  id: number;
  kind: NodeKind;
  name: string;
  group?: string;
  address: string;
}

/**
 * The cluster as Milvus's cluster-level calls describe it, answered by the coordinator from
 * its own knowledge of the membership: GetMetrics' system topology (every process asked for
 * its resources), the default resource group (the readers placement sees up) and which nodes
 * hold which segments (GetQuerySegmentInfo).
 */
export class ClusterDescription {
  constructor(private readonly o: ClusterDescriptionOptions) {}

  /** The coordinator is 1, the writer 2, readers from 3 by group and name: stable while the membership is. */
  private processes(): Process[] {
    const members = this.o.discovery.members();
    const writerName = members.find((m) => m.role === 'writer' && m.address === this.o.writer)?.name ?? 'writer';
    const readers = members
      .filter((m) => m.role === 'reader')
      .sort((a, b) => a.group!.localeCompare(b.group!) || a.name.localeCompare(b.name));
    return [
      { id: 1, kind: 'coordinator', name: 'coordinator', address: this.o.self() },
      { id: 2, kind: 'writer', name: writerName, address: this.o.writer },
      ...readers.map((m, i) => ({ id: i + 3, kind: 'reader' as const, name: m.name, group: m.group, address: m.address })),
    ];
  }

  /** Every process as a topology node; the coordinator forwards to the writer and manages the readers. */
  async topology(): Promise<{ nodes: TopologyNode[]; self: TopologyNode }> {
    const [coordinator, ...dataNodes] = this.processes();
    const described = await Promise.all(dataNodes.map((p) => this.describe(p)));
    const self: TopologyNode = {
      ...coordinator!,
      role: CLUSTER_ROLES.coordinator,
      resources: await this.o.meter.read(),
      collectionIds: [],
      connected: described.map((n) => ({ id: n.id, type: n.kind === 'writer' ? 'forward' : 'manage', targetType: n.role })),
    };
    return { nodes: [self, ...described], self };
  }

  private async describe(p: Process): Promise<TopologyNode> {
    const node = { ...p, role: CLUSTER_ROLES[p.kind], collectionIds: [] as string[], connected: [] };
    try {
      const res = await this.o.clients.call(p.address, 'DescribeNode', {}, Date.now() + DESCRIBE_DEADLINE_MS);
      if (res.status.code !== 0) return { ...node, error: res.status.reason };
      return {
        ...node,
        collectionIds: res.collection_ids,
        resources: {
          cpuCores: res.cpu_cores,
          cpuUsage: res.cpu_usage,
          memoryBytes: Number(res.memory_bytes),
          memoryUsedBytes: Number(res.memory_used_bytes),
          diskBytes: Number(res.disk_bytes),
          diskUsedBytes: Number(res.disk_used_bytes),
          startedAt: new Date(res.started_at),
        },
      };
    } catch (e) {
      return { ...node, error: `unreachable: ${(e as Error).message}` };
    }
  }

  /**
   * GetQuerySegmentInfo: each segment in service of the collection's loaded partitions with
   * the ids (as GetMetrics numbers them) of the live readers holding it, or the writer's when
   * none does yet (it searches every segment no reader holds).
   */
  querySegments(database: string, name: string): MilvusResponse<'GetQuerySegmentInfo'> {
    if (!name) throw invalidParameter('collection name should not be empty');
    const view = namedView(this.o.cache, database, name);
    const processes = this.processes();
    const idOf = new Map(processes.map((p) => [p.address, p.id]));
    const writerId = processes.find((p) => p.kind === 'writer')!.id;
    const holders = this.o.placement.holders(view.record.id);
    return {
      infos: querySegmentInfos(view, (id) => {
        const readers = (holders.get(id) ?? []).flatMap((address) => idOf.get(address) ?? []);
        return readers.length ? readers.sort((a, b) => a - b) : [writerId];
      }),
    };
  }

  /**
   * GetLoadingProgress across the cluster: the percentage of the rows of the collection's
   * loaded partitions (the named ones, which must be loaded) that readers hold. 0 for a
   * collection not loaded, as the writer answers.
   */
  loadingProgress(req: { db_name: string; collection_name: string; partition_names: string[] }): MilvusResponse<'GetLoadingProgress'> {
    if (!req.collection_name) throw invalidParameter('collection name should not be empty');
    const view = namedView(this.o.cache, req.db_name, req.collection_name);
    const named = req.partition_names?.length ? loadedNamedPartitions(view.partitions, req.partition_names) : undefined;
    const progress = !named && !anyLoaded(view.partitions) ? 0 : this.progressOf(view, named && new Set(named.map((p) => p.id)));
    return { progress: String(progress), refresh_progress: String(progress) };
  }

  /** Percent (whole, rounded down) of the served rows readers hold; 100 without rows. */
  progressOf(view: CollectionView, partitionIds?: ReadonlySet<number>): number {
    const { loaded, total } = this.o.placement.loadedRows(view, partitionIds);
    return total ? Math.floor((100 * loaded) / total) : 100;
  }

  /** DescribeResourceGroup: the readers placement sees up serve every loaded collection. */
  resourceGroup(name: string): MilvusResponse<'DescribeResourceGroup'> {
    const loaded = this.o.cache
      .all()
      .filter((v) => anyLoaded(v.partitions))
      .map((v) => v.record.name);
    return describeResourceGroupReply(name, this.liveReaders(), loaded);
  }

  /**
   * GetReplicas: the collection (named by name or alias in its database, else by id) has one
   * replica, served by the live readers and the writer, which leads its shard (it holds the
   * growing rows).
   */
  replicas(req: {
    db_name: string;
    collection_name: string;
    collectionID: string;
    with_shard_nodes: boolean;
  }): MilvusResponse<'GetReplicas'> {
    const view = req.collection_name
      ? namedView(this.o.cache, req.db_name, req.collection_name)
      : this.o.cache.byId(Number(req.collectionID));
    if (!view) throw collectionNotFound(req.collectionID);
    const writer = this.processes().find((p) => p.kind === 'writer')!;
    return getReplicasReply(view, writer, [writer, ...this.liveReaders()], req.with_shard_nodes);
  }

  /** The readers placement sees up. */
  private liveReaders(): Process[] {
    const up = new Set(
      this.o.placement
        .readerStates()
        .filter((r) => r.up)
        .map((r) => r.member.address),
    );
    return this.processes().filter((p) => p.kind === 'reader' && up.has(p.address));
  }
}

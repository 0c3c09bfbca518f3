import type { CollectionView } from '../meta/collection-view.js';
import { loadedPartitionIds } from '../meta/load-state.js';
import type { MilvusResponse } from './methods.js';
import { Code, MilvusError } from './status.js';

/**
 * Milvus resource groups and replicas as Mishards presents them: only Milvus's default group
 * exists (it cannot be changed), holding the nodes that serve searches; a loaded collection
 * has one replica there.
 */
export const DEFAULT_RESOURCE_GROUP = '__default_resource_group';

/** Milvus's capacity of the default group. */
const DEFAULT_GROUP_CAPACITY = 1_000_000;

export interface GroupNode {
  id: number;
  address: string;
}

export const listResourceGroupsReply = (): MilvusResponse<'ListResourceGroups'> => ({ resource_groups: [DEFAULT_RESOURCE_GROUP] });

/** DescribeResourceGroup: the live search nodes, and one replica of every loaded collection. */
export function describeResourceGroupReply(
  name: string,
  liveNodes: GroupNode[],
  loadedCollections: string[],
): MilvusResponse<'DescribeResourceGroup'> {
  if (name !== DEFAULT_RESOURCE_GROUP) throw new MilvusError(Code.ResourceGroupNotFound, `resource group not found[rg=${name}]`);
  return {
    resource_group: {
      name,
      capacity: DEFAULT_GROUP_CAPACITY,
      num_available_node: liveNodes.length,
      num_loaded_replica: Object.fromEntries(loadedCollections.map((c) => [c, 1])),
      num_outgoing_node: {},
      num_incoming_node: {},
      nodes: liveNodes.map((n) => ({ node_id: String(n.id), address: n.address, hostname: n.address.replace(/:\d+$/, '') })),
    },
  };
}

/** The names Mishards gives a collection's DML channels, where Milvus lists its shards' channels. */
export const DML_CHANNEL_PREFIX = 'mishards-dml';
export const dmlChannel = (collectionId: number) => `${DML_CHANNEL_PREFIX}_${collectionId}_v0`;

/**
 * GetReplicas: the loaded collection's one replica (its id is the collection's), in the
 * default group, over its loaded partitions, served by `nodes`; its one shard is led by
 * `leader`, the writable node, which holds the growing rows as Milvus's shard leader does,
 * and lists its nodes only when asked (`with_shard_nodes`), as Milvus's query coordinator.
 * A collection with no loaded partition has no replica, as there.
 */
export function getReplicasReply(
  view: CollectionView,
  leader: GroupNode,
  nodes: GroupNode[],
  withShardNodes: boolean,
): MilvusResponse<'GetReplicas'> {
  const id = view.record.id;
  const loaded = loadedPartitionIds(view.partitions);
  if (!loaded.size) throw new MilvusError(Code.ReplicaNotFound, `failed to get replicas by collection: replica not found[replica=${id}]`);
  const nodeIds = nodes.map((n) => String(n.id));
  return {
    replicas: [
      {
        replicaID: String(id),
        collectionID: String(id),
        partition_ids: [...loaded].map(String),
        shard_replicas: [
          {
            leaderID: String(leader.id),
            leader_addr: leader.address,
            dm_channel_name: dmlChannel(id),
            node_ids: withShardNodes ? nodeIds : [],
          },
        ],
        node_ids: nodeIds,
        resource_group_name: DEFAULT_RESOURCE_GROUP,
        num_outbound_node: {},
      },
    ],
  };
}

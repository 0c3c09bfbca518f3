import type { MilvusResponse } from './methods.js';
import { Code, MilvusError } from './status.js';

/**
 * Milvus resource groups as Mishards presents them: only Milvus's default group exists (it
 * cannot be changed), holding the nodes that serve searches.
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

import { listResourceGroupsReply } from '../../milvus/resource-groups.js';
import { base, name } from './requests.js';
import { relay, route, type Route } from './route.js';

/**
 * `/v2/vectordb/resource_groups/*`. Only Milvus's default group exists, and the coordinator
 * describes it (the live readers, the loaded collections); the calls that would change groups
 * go to the writable node, which answers that Mishards does not support them.
 */

const groupBody = base.extend({ name });

export const resourceGroupRoutes: Record<string, Route> = {
  list: route(base, async () => ({ data: listResourceGroupsReply().resource_groups })),
  // As Milvus answers it: the group beside `code`, not under `data`.
  describe: route(groupBody, async (b, ctx) => ({ resource_group: ctx.cluster.resourceGroup(b.name).resource_group })),
  create: relay(groupBody, 'CreateResourceGroup', (b) => ({ resource_group: b.name })),
  drop: relay(groupBody, 'DropResourceGroup', (b) => ({ resource_group: b.name })),
  alter: relay(base, 'UpdateResourceGroups', () => ({})),
  transfer_replica: relay(base, 'TransferReplica', () => ({})),
};

import { describeResourceGroupReply, getReplicasReply, listResourceGroupsReply } from '../../../milvus/resource-groups.js';
import { getMetricsReply, type TopologyNode } from '../../../milvus/system-info.js';
import { servedCollectionIds } from '../../data-node-api.js';
import { writerSegmentSource } from '../segment-source.js';
import type { Handlers, WriterApi } from './context.js';

/** GetMetrics, resource groups and replicas: standalone, the writer is the whole deployment. */
export function clusterInfoHandlers(
  api: WriterApi,
): Handlers<'GetMetrics' | 'ListResourceGroups' | 'DescribeResourceGroup' | 'GetReplicas'> {
  const { writer, self } = api;
  const source = writerSegmentSource(writer);
  const loadedNames = () => [...writer.collections.values()].filter((c) => c.isLoaded()).map((c) => c.record.name);
  // The only node it describes.
  const selfNode = async (): Promise<TopologyNode> => ({
    id: 1,
    role: 'standalone',
    kind: 'writer',
    name: 'writer',
    address: self.address(),
    resources: await self.meter.read(),
    collectionIds: servedCollectionIds(source),
    connected: [],
  });
  return {
    GetMetrics: (req) =>
      getMetricsReply(req.request, async () => {
        const node = await selfNode();
        return { nodes: [node], self: node };
      }),
    ListResourceGroups: async () => listResourceGroupsReply(),
    DescribeResourceGroup: async (req) =>
      describeResourceGroupReply(req.resource_group, [{ id: 1, address: self.address() }], loadedNames()),
    async GetReplicas(req) {
      const me = { id: 1, address: self.address() };
      return getReplicasReply(writer.view(replicaTarget(api, req)), me, [me], req.with_shard_nodes);
    },
  };
}

/** The collection GetReplicas asks about: by name (or alias) in its database when given, else by id, as the SDK sends it. */
function replicaTarget(api: WriterApi, req: { db_name: string; collection_name: string; collectionID: string }) {
  return req.collection_name ? api.collection(req.db_name, req.collection_name) : api.collectionById(req.collectionID);
}

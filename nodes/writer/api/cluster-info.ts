import { describeResourceGroupReply, listResourceGroupsReply } from '../../../milvus/resource-groups.js';
import { getMetricsReply, type TopologyNode } from '../../../milvus/system-info.js';
import { servedCollectionIds } from '../../data-node-api.js';
import { writerSegmentSource } from '../segment-source.js';
import type { Handlers, WriterApi } from './context.js';

/** GetMetrics and resource groups: standalone, the writer is the whole deployment. */
export function clusterInfoHandlers({ writer, self }: WriterApi): Handlers<'GetMetrics' | 'ListResourceGroups' | 'DescribeResourceGroup'> {
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
  };
}

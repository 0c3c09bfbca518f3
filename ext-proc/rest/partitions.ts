import { z } from 'zod';
import { collectionBody, partitionBody } from './requests.js';
import { relay, route, rowCount, type Route } from './route.js';

/** `/v2/vectordb/partitions/*`, each a relay of the matching partition call to the writable node. */

const request = (b: { collectionName: string; partitionName: string }) => ({
  collection_name: b.collectionName,
  partition_name: b.partitionName,
});
const many = (b: { collectionName: string; partitionNames: string[] }) => ({
  collection_name: b.collectionName,
  partition_names: b.partitionNames,
});
const partitionsBody = collectionBody.extend({ partitionNames: z.array(z.string()) });

export const partitionRoutes: Record<string, Route> = {
  create: relay(partitionBody, 'CreatePartition', request),
  drop: relay(partitionBody, 'DropPartition', request),
  has: route(partitionBody, async (b, ctx) => ({ data: { has: (await ctx.writer.call('HasPartition', request(b), ctx.call)).value } })),
  list: route(collectionBody, async (b, ctx) => ({
    data: (await ctx.writer.call('ShowPartitions', { collection_name: b.collectionName }, ctx.call)).partition_names,
  })),
  get_stats: route(partitionBody, async (b, ctx) => rowCount(await ctx.writer.call('GetPartitionStatistics', request(b), ctx.call))),
  load: relay(partitionsBody, 'LoadPartitions', many),
  release: relay(partitionsBody, 'ReleasePartitions', many),
};

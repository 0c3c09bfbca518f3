import { z } from 'zod';
import { base, collectionBody } from './requests.js';
import { route, type Route } from './route.js';

/**
 * `/v2/vectordb/collections/compact` and `/get_compaction_state`, as Milvus's REST handler
 * maps them onto ManualCompaction and GetCompactionState (the writer compacts; see
 * docs/data-nodes.md, "Compaction").
 */
export const compactionRoutes: Record<string, Route> = {
  compact: route(collectionBody.extend({ isClustering: z.boolean().optional() }), async (b, ctx) => {
    const res = await ctx.writer.call(
      'ManualCompaction',
      { collection_name: b.collectionName, majorCompaction: b.isClustering ?? false },
      ctx.call,
    );
    return { data: { compactionID: BigInt(res.compactionID) } };
  }),
  get_compaction_state: route(base.extend({ jobID: z.number().int() }), async (b, ctx) => {
    const res = await ctx.writer.call('GetCompactionState', { compactionID: String(b.jobID) }, ctx.call);
    return {
      data: {
        compactionID: b.jobID,
        state: res.state,
        executingPlanNumber: BigInt(res.executingPlanNo),
        timeoutPlanNumber: BigInt(res.timeoutPlanNo),
        completedPlanNumber: BigInt(res.completedPlanNo),
      },
    };
  }),
};

import type { MilvusResponse } from '../../../milvus/methods.js';
import { persistentSegmentInfos, querySegmentInfos } from '../../../milvus/segment-info.js';
import { invalidParameter, partitionNotFound } from '../../../milvus/status.js';
import type { CollectionState } from '../collection-state.js';
import type { CompactionJob } from '../compactions.js';
import type { Handlers, WriterApi } from './context.js';

type CompactionMethod =
  | 'ManualCompaction'
  | 'GetCompactionState'
  | 'GetCompactionStateWithPlans'
  | 'GetPersistentSegmentInfo'
  | 'GetQuerySegmentInfo';

/** The writer's node id in its own GetMetrics (standalone, it is every node). */
const SELF_NODE_ID = 1;

/**
 * Compaction and segment information: ManualCompaction plans and starts a compaction, the
 * state calls report it by id (an id Mishards does not know, as in Milvus, reads as Completed
 * with no plan), and the segment-info calls list the segments in service.
 */
export function compactionHandlers(api: WriterApi): Handlers<CompactionMethod> {
  const { writer } = api;
  /** The collection a ManualCompaction names: by name in its database when given (the SDK sends both), else by id. */
  const target = (db: string, name: string, id: string): CollectionState => (name ? api.collection(db, name) : api.collectionById(id));
  return {
    async ManualCompaction(req) {
      const c = target(req.db_name, req.collection_name, req.collectionID);
      if (req.majorCompaction)
        throw invalidParameter('major (clustering) compaction needs a clustering key field, which Mishards does not support');
      // Deletes are kept with the segments they hit, never in L0 segments: nothing to compact.
      if (req.l0Compaction) return { compactionID: '-1', compactionPlanCount: 0 };
      const partitionId = Number(req.partition_id) || undefined;
      if (partitionId !== undefined && !c.partitionById(partitionId)) throw partitionNotFound(req.partition_id);
      const { id, plans } = await writer.compact(c, {
        ...(partitionId === undefined ? {} : { partitionId }),
        segmentIds: req.segment_ids.map(Number),
      });
      return { compactionID: String(id), compactionPlanCount: plans };
    },
    async GetCompactionState(req) {
      return compactionState(writer.compactionJob(Number(req.compactionID)));
    },
    async GetCompactionStateWithPlans(req) {
      const job = writer.compactionJob(Number(req.compactionID));
      return {
        state: compactionState(job).state,
        mergeInfos: (job?.plans ?? []).map((p) => ({ sources: p.sources.map(String), target: String(p.target) })),
      };
    },
    async GetPersistentSegmentInfo(req) {
      return { infos: persistentSegmentInfos(writer.view(api.collection(req.dbName, req.collectionName))) };
    },
    async GetQuerySegmentInfo(req) {
      return { infos: querySegmentInfos(writer.view(api.collection(req.dbName, req.collectionName)), () => [SELF_NODE_ID]) };
    },
  };
}

/** Milvus's summary of a compaction's plans: Executing while any runs, else Completed. */
function compactionState(job: CompactionJob | undefined): MilvusResponse<'GetCompactionState'> {
  const count = (state: string) => String(job?.plans.filter((p) => p.state === state).length ?? 0);
  const executing = count('executing');
  return {
    state: executing === '0' ? 'Completed' : 'Executing',
    executingPlanNo: executing,
    completedPlanNo: count('completed'),
    failedPlanNo: count('failed'),
    timeoutPlanNo: '0',
  };
}

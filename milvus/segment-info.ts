import type { CollectionView, SegmentInfo } from '../meta/collection-view.js';
import { servedSegmentIds } from '../meta/collection-view.js';
import type { MilvusResponse } from './methods.js';
import { vectorIndexOf } from './scalar-indexes.js';

/**
 * Segments as Milvus's segment-info calls describe them. A sealed segment in service is
 * Flushed to the data side (GetPersistentSegmentInfo) and Sealed to the query side
 * (GetQuerySegmentInfo, with the nodes that hold it), at level L1 as Milvus reports flushed
 * segments. Retiring segments (compacted into another) are listed by neither, as Milvus
 * lists a compacted segment as dropped.
 */

type PersistentInfo = NonNullable<MilvusResponse<'GetPersistentSegmentInfo'>['infos']>[number];
type QueryInfo = NonNullable<MilvusResponse<'GetQuerySegmentInfo'>['infos']>[number];

export function persistentSegmentInfos(view: CollectionView): PersistentInfo[] {
  return inService(view.segments).map((s) => ({
    segmentID: String(s.id),
    collectionID: String(view.record.id),
    partitionID: String(s.partitionId),
    num_rows: String(s.rows),
    state: 'Flushed',
    level: 'L1',
  }));
}

/**
 * The segments of the collection's loaded partitions in service, each with the ids of the
 * nodes holding it (`holders`; see GetMetrics for the ids). A collection with no loaded
 * partition has none.
 */
export function querySegmentInfos(view: CollectionView, holders: (segmentId: number) => number[]): QueryInfo[] {
  const served = new Set(servedSegmentIds(view));
  const index = vectorIndexOf(view.indexes, view.record.schema);
  return view.segments
    .filter((s) => served.has(s.id))
    .map((s) => {
      const nodes = holders(s.id);
      return {
        segmentID: String(s.id),
        collectionID: String(view.record.id),
        partitionID: String(s.partitionId),
        num_rows: String(s.rows),
        index_name: index?.indexName ?? '',
        indexID: String(index?.id ?? 0),
        nodeID: String(nodes[0] ?? 0),
        nodeIds: nodes.map(String),
        state: 'Sealed',
        level: 'L1',
      };
    });
}

const inService = (segments: SegmentInfo[]) => segments.filter((s) => s.compactedInto === undefined);

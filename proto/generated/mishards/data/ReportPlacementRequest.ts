// Original file: mishards/data_node.proto

import type { SegmentPlacement as _mishards_data_SegmentPlacement, SegmentPlacement__Output as _mishards_data_SegmentPlacement__Output } from '../../mishards/data/SegmentPlacement.js';
import type { Long } from '@grpc/proto-loader';

export interface ReportPlacementRequest {
  /**
   * Empty, or every served segment (sealed, in service, of a loaded partition) of every
   * collection. The writer records the groups only if the list is exactly its own served
   * segments with exactly their recorded groups as anchors: a placement computed from older
   * metadata is refused (stale), never recorded over a newer one.
   */
  'placements'?: (_mishards_data_SegmentPlacement)[];
  /**
   * Retiring segments (compaction sources) that no reader holds, every reader of the
   * coordinator's membership having answered: the writer drops them without waiting for its
   * retention to pass.
   */
  'released_segment_ids'?: (number | string | Long)[];
}

export interface ReportPlacementRequest__Output {
  /**
   * Empty, or every served segment (sealed, in service, of a loaded partition) of every
   * collection. The writer records the groups only if the list is exactly its own served
   * segments with exactly their recorded groups as anchors: a placement computed from older
   * metadata is refused (stale), never recorded over a newer one.
   */
  'placements': (_mishards_data_SegmentPlacement__Output)[];
  /**
   * Retiring segments (compaction sources) that no reader holds, every reader of the
   * coordinator's membership having answered: the writer drops them without waiting for its
   * retention to pass.
   */
  'released_segment_ids': (string)[];
}

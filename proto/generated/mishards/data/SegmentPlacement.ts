// Original file: mishards/data_node.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Where a coordinator places one served segment.
 */
export interface SegmentPlacement {
  'segment_id'?: (number | string | Long);
  /**
   * The reader group its router places the segment on.
   */
  'group'?: (string);
  /**
   * The segment's recorded group as the coordinator's metadata had it (empty: none).
   */
  'anchor'?: (string);
}

/**
 * Where a coordinator places one served segment.
 */
export interface SegmentPlacement__Output {
  'segment_id': (string);
  /**
   * The reader group its router places the segment on.
   */
  'group': (string);
  /**
   * The segment's recorded group as the coordinator's metadata had it (empty: none).
   */
  'anchor': (string);
}

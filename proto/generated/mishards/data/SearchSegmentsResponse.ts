// Original file: mishards/data_node.proto

import type { NodeStatus as _mishards_data_NodeStatus, NodeStatus__Output as _mishards_data_NodeStatus__Output } from '../../mishards/data/NodeStatus.js';
import type { PartialResult as _mishards_data_PartialResult, PartialResult__Output as _mishards_data_PartialResult__Output } from '../../mishards/data/PartialResult.js';
import type { Long } from '@grpc/proto-loader';

export interface SearchSegmentsResponse {
  'status'?: (_mishards_data_NodeStatus | null);
  /**
   * Each query's best hits, best first.
   */
  'partial'?: (_mishards_data_PartialResult | null);
  /**
   * With pin_snapshot, on the writable node: the snapshot read.
   */
  'snapshot_ts'?: (number | string | Long);
}

export interface SearchSegmentsResponse__Output {
  'status': (_mishards_data_NodeStatus__Output | null);
  /**
   * Each query's best hits, best first.
   */
  'partial': (_mishards_data_PartialResult__Output | null);
  /**
   * With pin_snapshot, on the writable node: the snapshot read.
   */
  'snapshot_ts': (string);
}

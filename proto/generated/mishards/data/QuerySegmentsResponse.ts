// Original file: mishards/data_node.proto

import type { NodeStatus as _mishards_data_NodeStatus, NodeStatus__Output as _mishards_data_NodeStatus__Output } from '../../mishards/data/NodeStatus.js';
import type { PartialResult as _mishards_data_PartialResult, PartialResult__Output as _mishards_data_PartialResult__Output } from '../../mishards/data/PartialResult.js';
import type { Long } from '@grpc/proto-loader';

export interface QuerySegmentsResponse {
  'status'?: (_mishards_data_NodeStatus | null);
  'count'?: (number | string | Long);
  /**
   * The rows as one "query", in the order asked (no scores).
   */
  'partial'?: (_mishards_data_PartialResult | null);
  /**
   * As in SearchSegmentsResponse.
   */
  'snapshot_ts'?: (number | string | Long);
}

export interface QuerySegmentsResponse__Output {
  'status': (_mishards_data_NodeStatus__Output | null);
  'count': (string);
  /**
   * The rows as one "query", in the order asked (no scores).
   */
  'partial': (_mishards_data_PartialResult__Output | null);
  /**
   * As in SearchSegmentsResponse.
   */
  'snapshot_ts': (string);
}

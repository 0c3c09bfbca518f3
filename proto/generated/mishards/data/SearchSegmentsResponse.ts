// Original file: mishards/data_node.proto

import type { NodeStatus as _mishards_data_NodeStatus, NodeStatus__Output as _mishards_data_NodeStatus__Output } from '../../mishards/data/NodeStatus.js';
import type { PartialResult as _mishards_data_PartialResult, PartialResult__Output as _mishards_data_PartialResult__Output } from '../../mishards/data/PartialResult.js';

export interface SearchSegmentsResponse {
  'status'?: (_mishards_data_NodeStatus | null);
  /**
   * Each query's best hits, best first.
   */
  'partial'?: (_mishards_data_PartialResult | null);
}

export interface SearchSegmentsResponse__Output {
  'status': (_mishards_data_NodeStatus__Output | null);
  /**
   * Each query's best hits, best first.
   */
  'partial': (_mishards_data_PartialResult__Output | null);
}

// Original file: mishards/data_node.proto

import type { NodeStatus as _mishards_data_NodeStatus, NodeStatus__Output as _mishards_data_NodeStatus__Output } from '../../mishards/data/NodeStatus.js';

export interface ReportPlacementResponse {
  'status'?: (_mishards_data_NodeStatus | null);
  /**
   * Segments whose recorded group changed.
   */
  'recorded'?: (number);
  /**
   * The placements were refused: computed from metadata that is no longer current.
   */
  'stale'?: (boolean);
}

export interface ReportPlacementResponse__Output {
  'status': (_mishards_data_NodeStatus__Output | null);
  /**
   * Segments whose recorded group changed.
   */
  'recorded': (number);
  /**
   * The placements were refused: computed from metadata that is no longer current.
   */
  'stale': (boolean);
}

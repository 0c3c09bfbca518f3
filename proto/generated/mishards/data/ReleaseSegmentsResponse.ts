// Original file: mishards/data_node.proto

import type { NodeStatus as _mishards_data_NodeStatus, NodeStatus__Output as _mishards_data_NodeStatus__Output } from '../../mishards/data/NodeStatus.js';

export interface ReleaseSegmentsResponse {
  'status'?: (_mishards_data_NodeStatus | null);
}

export interface ReleaseSegmentsResponse__Output {
  'status': (_mishards_data_NodeStatus__Output | null);
}

// Original file: mishards/data_node.proto

import type { NodeStatus as _mishards_data_NodeStatus, NodeStatus__Output as _mishards_data_NodeStatus__Output } from '../../mishards/data/NodeStatus.js';
import type { LoadedSegment as _mishards_data_LoadedSegment, LoadedSegment__Output as _mishards_data_LoadedSegment__Output } from '../../mishards/data/LoadedSegment.js';

export interface ListSegmentsResponse {
  'status'?: (_mishards_data_NodeStatus | null);
  'segments'?: (_mishards_data_LoadedSegment)[];
}

export interface ListSegmentsResponse__Output {
  'status': (_mishards_data_NodeStatus__Output | null);
  'segments': (_mishards_data_LoadedSegment__Output)[];
}

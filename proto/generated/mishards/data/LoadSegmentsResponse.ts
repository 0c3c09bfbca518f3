// Original file: mishards/data_node.proto

import type { NodeStatus as _mishards_data_NodeStatus, NodeStatus__Output as _mishards_data_NodeStatus__Output } from '../../mishards/data/NodeStatus.js';
import type { SegmentError as _mishards_data_SegmentError, SegmentError__Output as _mishards_data_SegmentError__Output } from '../../mishards/data/SegmentError.js';
import type { Long } from '@grpc/proto-loader';

export interface LoadSegmentsResponse {
  'status'?: (_mishards_data_NodeStatus | null);
  'loaded'?: (number | string | Long)[];
  'errors'?: (_mishards_data_SegmentError)[];
}

export interface LoadSegmentsResponse__Output {
  'status': (_mishards_data_NodeStatus__Output | null);
  'loaded': (string)[];
  'errors': (_mishards_data_SegmentError__Output)[];
}

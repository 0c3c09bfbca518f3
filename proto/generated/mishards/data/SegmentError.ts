// Original file: mishards/data_node.proto

import type { Long } from '@grpc/proto-loader';

export interface SegmentError {
  'segment_id'?: (number | string | Long);
  'reason'?: (string);
}

export interface SegmentError__Output {
  'segment_id': (string);
  'reason': (string);
}

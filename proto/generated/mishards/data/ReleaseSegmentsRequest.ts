// Original file: mishards/data_node.proto

import type { Long } from '@grpc/proto-loader';

export interface ReleaseSegmentsRequest {
  'segment_ids'?: (number | string | Long)[];
  'collection_id'?: (number | string | Long);
}

export interface ReleaseSegmentsRequest__Output {
  'segment_ids': (string)[];
  'collection_id': (string);
}

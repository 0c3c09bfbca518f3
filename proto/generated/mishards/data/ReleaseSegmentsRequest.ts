// Original file: mishards/data_node.proto

import type { Long } from '@grpc/proto-loader';

export interface ReleaseSegmentsRequest {
  'collection_name'?: (string);
  'segment_ids'?: (number | string | Long)[];
}

export interface ReleaseSegmentsRequest__Output {
  'collection_name': (string);
  'segment_ids': (string)[];
}

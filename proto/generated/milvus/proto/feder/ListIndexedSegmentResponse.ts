// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { Long } from '@grpc/proto-loader';

export interface ListIndexedSegmentResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'segmentIDs'?: (number | string | Long)[];
}

export interface ListIndexedSegmentResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'segmentIDs': (string)[];
}

// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { Long } from '@grpc/proto-loader';

export interface GetIndexBuildProgressResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'indexed_rows'?: (number | string | Long);
  'total_rows'?: (number | string | Long);
}

export interface GetIndexBuildProgressResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'indexed_rows': (string);
  'total_rows': (string);
}

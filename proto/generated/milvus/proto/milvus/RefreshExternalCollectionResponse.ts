// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { Long } from '@grpc/proto-loader';

export interface RefreshExternalCollectionResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'job_id'?: (number | string | Long);
}

export interface RefreshExternalCollectionResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'job_id': (string);
}

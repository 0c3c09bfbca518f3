// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';

export interface PrewarmResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'taskID'?: (string);
  'namespace'?: (string);
  '_namespace'?: "namespace";
}

export interface PrewarmResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'taskID': (string);
  'namespace'?: (string);
  '_namespace'?: "namespace";
}

// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';

export interface BoolResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'value'?: (boolean);
}

export interface BoolResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'value': (boolean);
}

// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';

/**
 * @deprecated
 */
export interface ReplicateMessageResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'position'?: (string);
}

/**
 * @deprecated
 */
export interface ReplicateMessageResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'position': (string);
}

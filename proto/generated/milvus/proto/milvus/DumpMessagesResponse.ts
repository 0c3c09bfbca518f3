// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { ImmutableMessage as _milvus_proto_common_ImmutableMessage, ImmutableMessage__Output as _milvus_proto_common_ImmutableMessage__Output } from '../../../milvus/proto/common/ImmutableMessage.js';

export interface DumpMessagesResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'message'?: (_milvus_proto_common_ImmutableMessage | null);
  'response'?: "status"|"message";
}

export interface DumpMessagesResponse__Output {
  'status'?: (_milvus_proto_common_Status__Output | null);
  'message'?: (_milvus_proto_common_ImmutableMessage__Output | null);
  'response'?: "status"|"message";
}

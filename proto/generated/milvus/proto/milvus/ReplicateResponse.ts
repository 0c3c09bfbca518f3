// Original file: null

import type { ReplicateConfirmedMessageInfo as _milvus_proto_milvus_ReplicateConfirmedMessageInfo, ReplicateConfirmedMessageInfo__Output as _milvus_proto_milvus_ReplicateConfirmedMessageInfo__Output } from '../../../milvus/proto/milvus/ReplicateConfirmedMessageInfo.js';

export interface ReplicateResponse {
  'replicate_confirmed_message_info'?: (_milvus_proto_milvus_ReplicateConfirmedMessageInfo | null);
  'response'?: "replicate_confirmed_message_info";
}

export interface ReplicateResponse__Output {
  'replicate_confirmed_message_info'?: (_milvus_proto_milvus_ReplicateConfirmedMessageInfo__Output | null);
  'response'?: "replicate_confirmed_message_info";
}

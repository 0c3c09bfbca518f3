// Original file: null

import type { ImmutableMessage as _milvus_proto_common_ImmutableMessage, ImmutableMessage__Output as _milvus_proto_common_ImmutableMessage__Output } from '../../../milvus/proto/common/ImmutableMessage.js';

export interface ReplicateMessage {
  'source_cluster_id'?: (string);
  'message'?: (_milvus_proto_common_ImmutableMessage | null);
}

export interface ReplicateMessage__Output {
  'source_cluster_id': (string);
  'message': (_milvus_proto_common_ImmutableMessage__Output | null);
}

// Original file: null

import type { ReplicateCheckpoint as _milvus_proto_common_ReplicateCheckpoint, ReplicateCheckpoint__Output as _milvus_proto_common_ReplicateCheckpoint__Output } from '../../../milvus/proto/common/ReplicateCheckpoint.js';

export interface GetReplicateInfoResponse {
  'checkpoint'?: (_milvus_proto_common_ReplicateCheckpoint | null);
  'salvage_checkpoint'?: (_milvus_proto_common_ReplicateCheckpoint | null);
}

export interface GetReplicateInfoResponse__Output {
  'checkpoint': (_milvus_proto_common_ReplicateCheckpoint__Output | null);
  'salvage_checkpoint': (_milvus_proto_common_ReplicateCheckpoint__Output | null);
}

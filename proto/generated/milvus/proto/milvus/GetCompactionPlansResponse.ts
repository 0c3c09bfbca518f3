// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { CompactionState as _milvus_proto_common_CompactionState, CompactionState__Output as _milvus_proto_common_CompactionState__Output } from '../../../milvus/proto/common/CompactionState.js';
import type { CompactionMergeInfo as _milvus_proto_milvus_CompactionMergeInfo, CompactionMergeInfo__Output as _milvus_proto_milvus_CompactionMergeInfo__Output } from '../../../milvus/proto/milvus/CompactionMergeInfo.js';

export interface GetCompactionPlansResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'state'?: (_milvus_proto_common_CompactionState);
  'mergeInfos'?: (_milvus_proto_milvus_CompactionMergeInfo)[];
}

export interface GetCompactionPlansResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'state': (_milvus_proto_common_CompactionState__Output);
  'mergeInfos': (_milvus_proto_milvus_CompactionMergeInfo__Output)[];
}

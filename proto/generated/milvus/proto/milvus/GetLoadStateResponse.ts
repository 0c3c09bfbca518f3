// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { LoadState as _milvus_proto_common_LoadState, LoadState__Output as _milvus_proto_common_LoadState__Output } from '../../../milvus/proto/common/LoadState.js';

export interface GetLoadStateResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'state'?: (_milvus_proto_common_LoadState);
}

export interface GetLoadStateResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'state': (_milvus_proto_common_LoadState__Output);
}

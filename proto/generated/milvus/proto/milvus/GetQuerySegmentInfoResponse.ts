// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { QuerySegmentInfo as _milvus_proto_milvus_QuerySegmentInfo, QuerySegmentInfo__Output as _milvus_proto_milvus_QuerySegmentInfo__Output } from '../../../milvus/proto/milvus/QuerySegmentInfo.js';

export interface GetQuerySegmentInfoResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'infos'?: (_milvus_proto_milvus_QuerySegmentInfo)[];
}

export interface GetQuerySegmentInfoResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'infos': (_milvus_proto_milvus_QuerySegmentInfo__Output)[];
}

// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { IndexDescription as _milvus_proto_milvus_IndexDescription, IndexDescription__Output as _milvus_proto_milvus_IndexDescription__Output } from '../../../milvus/proto/milvus/IndexDescription.js';

export interface GetIndexStatisticsResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'index_descriptions'?: (_milvus_proto_milvus_IndexDescription)[];
}

export interface GetIndexStatisticsResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'index_descriptions': (_milvus_proto_milvus_IndexDescription__Output)[];
}

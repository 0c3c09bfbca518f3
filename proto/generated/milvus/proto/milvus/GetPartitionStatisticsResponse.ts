// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { KeyValuePair as _milvus_proto_common_KeyValuePair, KeyValuePair__Output as _milvus_proto_common_KeyValuePair__Output } from '../../../milvus/proto/common/KeyValuePair.js';

export interface GetPartitionStatisticsResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'stats'?: (_milvus_proto_common_KeyValuePair)[];
}

export interface GetPartitionStatisticsResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'stats': (_milvus_proto_common_KeyValuePair__Output)[];
}

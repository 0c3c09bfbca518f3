// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { RowPolicy as _milvus_proto_milvus_RowPolicy, RowPolicy__Output as _milvus_proto_milvus_RowPolicy__Output } from '../../../milvus/proto/milvus/RowPolicy.js';

export interface ListRowPoliciesResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'policies'?: (_milvus_proto_milvus_RowPolicy)[];
  'db_name'?: (string);
  'collection_name'?: (string);
}

export interface ListRowPoliciesResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'policies': (_milvus_proto_milvus_RowPolicy__Output)[];
  'db_name': (string);
  'collection_name': (string);
}

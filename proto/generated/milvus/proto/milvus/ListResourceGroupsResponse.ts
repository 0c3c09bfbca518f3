// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';

export interface ListResourceGroupsResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'resource_groups'?: (string)[];
}

export interface ListResourceGroupsResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'resource_groups': (string)[];
}

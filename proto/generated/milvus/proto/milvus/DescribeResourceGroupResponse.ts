// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { ResourceGroup as _milvus_proto_milvus_ResourceGroup, ResourceGroup__Output as _milvus_proto_milvus_ResourceGroup__Output } from '../../../milvus/proto/milvus/ResourceGroup.js';

export interface DescribeResourceGroupResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'resource_group'?: (_milvus_proto_milvus_ResourceGroup | null);
}

export interface DescribeResourceGroupResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'resource_group': (_milvus_proto_milvus_ResourceGroup__Output | null);
}

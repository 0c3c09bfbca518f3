// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';

export interface DescribeResourceGroupRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'resource_group'?: (string);
}

export interface DescribeResourceGroupRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'resource_group': (string);
}

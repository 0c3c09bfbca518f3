// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';

export interface DropRoleRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'role_name'?: (string);
  'force_drop'?: (boolean);
}

export interface DropRoleRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'role_name': (string);
  'force_drop': (boolean);
}

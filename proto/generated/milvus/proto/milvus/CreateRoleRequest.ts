// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { RoleEntity as _milvus_proto_milvus_RoleEntity, RoleEntity__Output as _milvus_proto_milvus_RoleEntity__Output } from '../../../milvus/proto/milvus/RoleEntity.js';

export interface CreateRoleRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'entity'?: (_milvus_proto_milvus_RoleEntity | null);
}

export interface CreateRoleRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'entity': (_milvus_proto_milvus_RoleEntity__Output | null);
}

// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { PrivilegeEntity as _milvus_proto_milvus_PrivilegeEntity, PrivilegeEntity__Output as _milvus_proto_milvus_PrivilegeEntity__Output } from '../../../milvus/proto/milvus/PrivilegeEntity.js';
import type { OperatePrivilegeGroupType as _milvus_proto_milvus_OperatePrivilegeGroupType, OperatePrivilegeGroupType__Output as _milvus_proto_milvus_OperatePrivilegeGroupType__Output } from '../../../milvus/proto/milvus/OperatePrivilegeGroupType.js';

export interface OperatePrivilegeGroupRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'group_name'?: (string);
  'privileges'?: (_milvus_proto_milvus_PrivilegeEntity)[];
  'type'?: (_milvus_proto_milvus_OperatePrivilegeGroupType);
}

export interface OperatePrivilegeGroupRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'group_name': (string);
  'privileges': (_milvus_proto_milvus_PrivilegeEntity__Output)[];
  'type': (_milvus_proto_milvus_OperatePrivilegeGroupType__Output);
}

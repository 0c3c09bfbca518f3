// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { GrantEntity as _milvus_proto_milvus_GrantEntity, GrantEntity__Output as _milvus_proto_milvus_GrantEntity__Output } from '../../../milvus/proto/milvus/GrantEntity.js';
import type { OperatePrivilegeType as _milvus_proto_milvus_OperatePrivilegeType, OperatePrivilegeType__Output as _milvus_proto_milvus_OperatePrivilegeType__Output } from '../../../milvus/proto/milvus/OperatePrivilegeType.js';

export interface OperatePrivilegeRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'entity'?: (_milvus_proto_milvus_GrantEntity | null);
  'type'?: (_milvus_proto_milvus_OperatePrivilegeType);
  'version'?: (string);
}

export interface OperatePrivilegeRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'entity': (_milvus_proto_milvus_GrantEntity__Output | null);
  'type': (_milvus_proto_milvus_OperatePrivilegeType__Output);
  'version': (string);
}

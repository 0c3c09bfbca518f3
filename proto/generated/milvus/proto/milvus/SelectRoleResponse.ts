// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { RoleResult as _milvus_proto_milvus_RoleResult, RoleResult__Output as _milvus_proto_milvus_RoleResult__Output } from '../../../milvus/proto/milvus/RoleResult.js';

export interface SelectRoleResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'results'?: (_milvus_proto_milvus_RoleResult)[];
}

export interface SelectRoleResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'results': (_milvus_proto_milvus_RoleResult__Output)[];
}

// Original file: null

import type { UserEntity as _milvus_proto_milvus_UserEntity, UserEntity__Output as _milvus_proto_milvus_UserEntity__Output } from '../../../milvus/proto/milvus/UserEntity.js';
import type { PrivilegeEntity as _milvus_proto_milvus_PrivilegeEntity, PrivilegeEntity__Output as _milvus_proto_milvus_PrivilegeEntity__Output } from '../../../milvus/proto/milvus/PrivilegeEntity.js';

export interface GrantorEntity {
  'user'?: (_milvus_proto_milvus_UserEntity | null);
  'privilege'?: (_milvus_proto_milvus_PrivilegeEntity | null);
}

export interface GrantorEntity__Output {
  'user': (_milvus_proto_milvus_UserEntity__Output | null);
  'privilege': (_milvus_proto_milvus_PrivilegeEntity__Output | null);
}

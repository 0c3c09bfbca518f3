// Original file: null

import type { RoleEntity as _milvus_proto_milvus_RoleEntity, RoleEntity__Output as _milvus_proto_milvus_RoleEntity__Output } from '../../../milvus/proto/milvus/RoleEntity.js';
import type { UserEntity as _milvus_proto_milvus_UserEntity, UserEntity__Output as _milvus_proto_milvus_UserEntity__Output } from '../../../milvus/proto/milvus/UserEntity.js';

export interface RoleResult {
  'role'?: (_milvus_proto_milvus_RoleEntity | null);
  'users'?: (_milvus_proto_milvus_UserEntity)[];
}

export interface RoleResult__Output {
  'role': (_milvus_proto_milvus_RoleEntity__Output | null);
  'users': (_milvus_proto_milvus_UserEntity__Output)[];
}

// Original file: null

import type { UserEntity as _milvus_proto_milvus_UserEntity, UserEntity__Output as _milvus_proto_milvus_UserEntity__Output } from '../../../milvus/proto/milvus/UserEntity.js';
import type { RoleEntity as _milvus_proto_milvus_RoleEntity, RoleEntity__Output as _milvus_proto_milvus_RoleEntity__Output } from '../../../milvus/proto/milvus/RoleEntity.js';

export interface UserResult {
  'user'?: (_milvus_proto_milvus_UserEntity | null);
  'roles'?: (_milvus_proto_milvus_RoleEntity)[];
  'description'?: (string);
}

export interface UserResult__Output {
  'user': (_milvus_proto_milvus_UserEntity__Output | null);
  'roles': (_milvus_proto_milvus_RoleEntity__Output)[];
  'description': (string);
}

// Original file: null

import type { UserInfo as _milvus_proto_milvus_UserInfo, UserInfo__Output as _milvus_proto_milvus_UserInfo__Output } from '../../../milvus/proto/milvus/UserInfo.js';
import type { RoleEntity as _milvus_proto_milvus_RoleEntity, RoleEntity__Output as _milvus_proto_milvus_RoleEntity__Output } from '../../../milvus/proto/milvus/RoleEntity.js';
import type { GrantEntity as _milvus_proto_milvus_GrantEntity, GrantEntity__Output as _milvus_proto_milvus_GrantEntity__Output } from '../../../milvus/proto/milvus/GrantEntity.js';
import type { PrivilegeGroupInfo as _milvus_proto_milvus_PrivilegeGroupInfo, PrivilegeGroupInfo__Output as _milvus_proto_milvus_PrivilegeGroupInfo__Output } from '../../../milvus/proto/milvus/PrivilegeGroupInfo.js';

export interface RBACMeta {
  'users'?: (_milvus_proto_milvus_UserInfo)[];
  'roles'?: (_milvus_proto_milvus_RoleEntity)[];
  'grants'?: (_milvus_proto_milvus_GrantEntity)[];
  'privilege_groups'?: (_milvus_proto_milvus_PrivilegeGroupInfo)[];
}

export interface RBACMeta__Output {
  'users': (_milvus_proto_milvus_UserInfo__Output)[];
  'roles': (_milvus_proto_milvus_RoleEntity__Output)[];
  'grants': (_milvus_proto_milvus_GrantEntity__Output)[];
  'privilege_groups': (_milvus_proto_milvus_PrivilegeGroupInfo__Output)[];
}

// Original file: null

import type { RoleEntity as _milvus_proto_milvus_RoleEntity, RoleEntity__Output as _milvus_proto_milvus_RoleEntity__Output } from '../../../milvus/proto/milvus/RoleEntity.js';
import type { ObjectEntity as _milvus_proto_milvus_ObjectEntity, ObjectEntity__Output as _milvus_proto_milvus_ObjectEntity__Output } from '../../../milvus/proto/milvus/ObjectEntity.js';
import type { GrantorEntity as _milvus_proto_milvus_GrantorEntity, GrantorEntity__Output as _milvus_proto_milvus_GrantorEntity__Output } from '../../../milvus/proto/milvus/GrantorEntity.js';

export interface GrantEntity {
  'role'?: (_milvus_proto_milvus_RoleEntity | null);
  'object'?: (_milvus_proto_milvus_ObjectEntity | null);
  'object_name'?: (string);
  'grantor'?: (_milvus_proto_milvus_GrantorEntity | null);
  'db_name'?: (string);
}

export interface GrantEntity__Output {
  'role': (_milvus_proto_milvus_RoleEntity__Output | null);
  'object': (_milvus_proto_milvus_ObjectEntity__Output | null);
  'object_name': (string);
  'grantor': (_milvus_proto_milvus_GrantorEntity__Output | null);
  'db_name': (string);
}

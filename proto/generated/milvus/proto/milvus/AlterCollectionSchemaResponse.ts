// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';

export interface AlterCollectionSchemaResponse {
  'alter_status'?: (_milvus_proto_common_Status | null);
}

export interface AlterCollectionSchemaResponse__Output {
  'alter_status': (_milvus_proto_common_Status__Output | null);
}

// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';

export interface DropSnapshotRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'name'?: (string);
  'db_name'?: (string);
  'collection_name'?: (string);
}

export interface DropSnapshotRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'name': (string);
  'db_name': (string);
  'collection_name': (string);
}

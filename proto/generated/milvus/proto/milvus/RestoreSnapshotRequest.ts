// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';

export interface RestoreSnapshotRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'name'?: (string);
  'db_name'?: (string);
  'collection_name'?: (string);
  'rewrite_data'?: (boolean);
  'target_db_name'?: (string);
  'target_collection_name'?: (string);
}

export interface RestoreSnapshotRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'name': (string);
  'db_name': (string);
  'collection_name': (string);
  'rewrite_data': (boolean);
  'target_db_name': (string);
  'target_collection_name': (string);
}

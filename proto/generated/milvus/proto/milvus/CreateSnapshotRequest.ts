// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { Long } from '@grpc/proto-loader';

export interface CreateSnapshotRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'name'?: (string);
  'description'?: (string);
  'db_name'?: (string);
  'collection_name'?: (string);
  'compaction_protection_seconds'?: (number | string | Long);
}

export interface CreateSnapshotRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'name': (string);
  'description': (string);
  'db_name': (string);
  'collection_name': (string);
  'compaction_protection_seconds': (string);
}

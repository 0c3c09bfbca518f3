// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';

export interface ExportSnapshotRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'name'?: (string);
  'db_name'?: (string);
  'collection_name'?: (string);
  'target_s3_path'?: (string);
  'external_spec'?: (string);
}

export interface ExportSnapshotRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'name': (string);
  'db_name': (string);
  'collection_name': (string);
  'target_s3_path': (string);
  'external_spec': (string);
}

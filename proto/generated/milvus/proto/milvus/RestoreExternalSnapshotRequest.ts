// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';

export interface RestoreExternalSnapshotRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'db_name'?: (string);
  'target_collection_name'?: (string);
  'snapshot_metadata_uri'?: (string);
  'external_spec'?: (string);
}

export interface RestoreExternalSnapshotRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'db_name': (string);
  'target_collection_name': (string);
  'snapshot_metadata_uri': (string);
  'external_spec': (string);
}

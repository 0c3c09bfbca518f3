// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { BatchUpdateManifestItem as _milvus_proto_milvus_BatchUpdateManifestItem, BatchUpdateManifestItem__Output as _milvus_proto_milvus_BatchUpdateManifestItem__Output } from '../../../milvus/proto/milvus/BatchUpdateManifestItem.js';

export interface BatchUpdateManifestRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'db_name'?: (string);
  'collection_name'?: (string);
  'field_names'?: (string)[];
  'items'?: (_milvus_proto_milvus_BatchUpdateManifestItem)[];
}

export interface BatchUpdateManifestRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'db_name': (string);
  'collection_name': (string);
  'field_names': (string)[];
  'items': (_milvus_proto_milvus_BatchUpdateManifestItem__Output)[];
}

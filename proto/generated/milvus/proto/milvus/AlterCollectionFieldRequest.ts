// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { KeyValuePair as _milvus_proto_common_KeyValuePair, KeyValuePair__Output as _milvus_proto_common_KeyValuePair__Output } from '../../../milvus/proto/common/KeyValuePair.js';

export interface AlterCollectionFieldRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'db_name'?: (string);
  'collection_name'?: (string);
  'field_name'?: (string);
  'properties'?: (_milvus_proto_common_KeyValuePair)[];
  'delete_keys'?: (string)[];
}

export interface AlterCollectionFieldRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'db_name': (string);
  'collection_name': (string);
  'field_name': (string);
  'properties': (_milvus_proto_common_KeyValuePair__Output)[];
  'delete_keys': (string)[];
}

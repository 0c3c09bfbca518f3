// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';

export interface GetLoadStateRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'collection_name'?: (string);
  'partition_names'?: (string)[];
  'db_name'?: (string);
}

export interface GetLoadStateRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'collection_name': (string);
  'partition_names': (string)[];
  'db_name': (string);
}

// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';

export interface GetQuerySegmentInfoRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'dbName'?: (string);
  'collectionName'?: (string);
}

export interface GetQuerySegmentInfoRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'dbName': (string);
  'collectionName': (string);
}

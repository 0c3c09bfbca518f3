// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';

export interface AddFileResourceRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'name'?: (string);
  'path'?: (string);
}

export interface AddFileResourceRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'name': (string);
  'path': (string);
}

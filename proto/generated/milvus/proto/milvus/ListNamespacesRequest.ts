// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { Long } from '@grpc/proto-loader';

export interface ListNamespacesRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'db_name'?: (string);
  'collection_name'?: (string);
  'prefix'?: (string);
  'page_size'?: (number | string | Long);
  'page_token'?: (string);
}

export interface ListNamespacesRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'db_name': (string);
  'collection_name': (string);
  'prefix': (string);
  'page_size': (string);
  'page_token': (string);
}

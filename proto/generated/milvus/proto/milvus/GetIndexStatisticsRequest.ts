// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { Long } from '@grpc/proto-loader';

export interface GetIndexStatisticsRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'db_name'?: (string);
  'collection_name'?: (string);
  'index_name'?: (string);
  'timestamp'?: (number | string | Long);
}

export interface GetIndexStatisticsRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'db_name': (string);
  'collection_name': (string);
  'index_name': (string);
  'timestamp': (string);
}

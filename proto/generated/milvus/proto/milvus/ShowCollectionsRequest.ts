// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { ShowType as _milvus_proto_milvus_ShowType, ShowType__Output as _milvus_proto_milvus_ShowType__Output } from '../../../milvus/proto/milvus/ShowType.js';
import type { Long } from '@grpc/proto-loader';

export interface ShowCollectionsRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'db_name'?: (string);
  'time_stamp'?: (number | string | Long);
  'type'?: (_milvus_proto_milvus_ShowType);
  /**
   * @deprecated
   */
  'collection_names'?: (string)[];
}

export interface ShowCollectionsRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'db_name': (string);
  'time_stamp': (string);
  'type': (_milvus_proto_milvus_ShowType__Output);
  /**
   * @deprecated
   */
  'collection_names': (string)[];
}

// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { ShowType as _milvus_proto_milvus_ShowType, ShowType__Output as _milvus_proto_milvus_ShowType__Output } from '../../../milvus/proto/milvus/ShowType.js';
import type { Long } from '@grpc/proto-loader';

export interface ShowPartitionsRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'db_name'?: (string);
  'collection_name'?: (string);
  'collectionID'?: (number | string | Long);
  'partition_names'?: (string)[];
  /**
   * @deprecated
   */
  'type'?: (_milvus_proto_milvus_ShowType);
}

export interface ShowPartitionsRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'db_name': (string);
  'collection_name': (string);
  'collectionID': (string);
  'partition_names': (string)[];
  /**
   * @deprecated
   */
  'type': (_milvus_proto_milvus_ShowType__Output);
}

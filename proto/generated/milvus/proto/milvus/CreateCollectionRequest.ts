// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { ConsistencyLevel as _milvus_proto_common_ConsistencyLevel, ConsistencyLevel__Output as _milvus_proto_common_ConsistencyLevel__Output } from '../../../milvus/proto/common/ConsistencyLevel.js';
import type { KeyValuePair as _milvus_proto_common_KeyValuePair, KeyValuePair__Output as _milvus_proto_common_KeyValuePair__Output } from '../../../milvus/proto/common/KeyValuePair.js';
import type { Long } from '@grpc/proto-loader';

export interface CreateCollectionRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'db_name'?: (string);
  'collection_name'?: (string);
  'schema'?: (Buffer | Uint8Array | string);
  'shards_num'?: (number);
  'consistency_level'?: (_milvus_proto_common_ConsistencyLevel);
  'properties'?: (_milvus_proto_common_KeyValuePair)[];
  'num_partitions'?: (number | string | Long);
}

export interface CreateCollectionRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'db_name': (string);
  'collection_name': (string);
  'schema': (Buffer);
  'shards_num': (number);
  'consistency_level': (_milvus_proto_common_ConsistencyLevel__Output);
  'properties': (_milvus_proto_common_KeyValuePair__Output)[];
  'num_partitions': (string);
}

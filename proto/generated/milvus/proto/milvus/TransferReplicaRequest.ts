// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { Long } from '@grpc/proto-loader';

export interface TransferReplicaRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'source_resource_group'?: (string);
  'target_resource_group'?: (string);
  'collection_name'?: (string);
  'num_replica'?: (number | string | Long);
  'db_name'?: (string);
}

export interface TransferReplicaRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'source_resource_group': (string);
  'target_resource_group': (string);
  'collection_name': (string);
  'num_replica': (string);
  'db_name': (string);
}

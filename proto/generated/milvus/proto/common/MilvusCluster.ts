// Original file: null

import type { ConnectionParam as _milvus_proto_common_ConnectionParam, ConnectionParam__Output as _milvus_proto_common_ConnectionParam__Output } from '../../../milvus/proto/common/ConnectionParam.js';

export interface MilvusCluster {
  'cluster_id'?: (string);
  'connection_param'?: (_milvus_proto_common_ConnectionParam | null);
  'pchannels'?: (string)[];
}

export interface MilvusCluster__Output {
  'cluster_id': (string);
  'connection_param': (_milvus_proto_common_ConnectionParam__Output | null);
  'pchannels': (string)[];
}

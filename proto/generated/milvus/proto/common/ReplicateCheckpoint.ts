// Original file: null

import type { MessageID as _milvus_proto_common_MessageID, MessageID__Output as _milvus_proto_common_MessageID__Output } from '../../../milvus/proto/common/MessageID.js';
import type { Long } from '@grpc/proto-loader';

export interface ReplicateCheckpoint {
  'cluster_id'?: (string);
  'pchannel'?: (string);
  'message_id'?: (_milvus_proto_common_MessageID | null);
  'time_tick'?: (number | string | Long);
}

export interface ReplicateCheckpoint__Output {
  'cluster_id': (string);
  'pchannel': (string);
  'message_id': (_milvus_proto_common_MessageID__Output | null);
  'time_tick': (string);
}

// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { MsgPosition as _milvus_proto_msg_MsgPosition, MsgPosition__Output as _milvus_proto_msg_MsgPosition__Output } from '../../../milvus/proto/msg/MsgPosition.js';
import type { Long } from '@grpc/proto-loader';

/**
 * @deprecated
 */
export interface ReplicateMessageRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'channel_name'?: (string);
  'BeginTs'?: (number | string | Long);
  'EndTs'?: (number | string | Long);
  'Msgs'?: (Buffer | Uint8Array | string)[];
  'StartPositions'?: (_milvus_proto_msg_MsgPosition)[];
  'EndPositions'?: (_milvus_proto_msg_MsgPosition)[];
}

/**
 * @deprecated
 */
export interface ReplicateMessageRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'channel_name': (string);
  'BeginTs': (string);
  'EndTs': (string);
  'Msgs': (Buffer)[];
  'StartPositions': (_milvus_proto_msg_MsgPosition__Output)[];
  'EndPositions': (_milvus_proto_msg_MsgPosition__Output)[];
}

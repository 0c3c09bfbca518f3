// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { ClientInfo as _milvus_proto_common_ClientInfo, ClientInfo__Output as _milvus_proto_common_ClientInfo__Output } from '../../../milvus/proto/common/ClientInfo.js';

export interface ConnectRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'client_info'?: (_milvus_proto_common_ClientInfo | null);
}

export interface ConnectRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'client_info': (_milvus_proto_common_ClientInfo__Output | null);
}

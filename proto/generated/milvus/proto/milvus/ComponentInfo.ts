// Original file: null

import type { StateCode as _milvus_proto_common_StateCode, StateCode__Output as _milvus_proto_common_StateCode__Output } from '../../../milvus/proto/common/StateCode.js';
import type { KeyValuePair as _milvus_proto_common_KeyValuePair, KeyValuePair__Output as _milvus_proto_common_KeyValuePair__Output } from '../../../milvus/proto/common/KeyValuePair.js';
import type { Long } from '@grpc/proto-loader';

export interface ComponentInfo {
  'nodeID'?: (number | string | Long);
  'role'?: (string);
  'state_code'?: (_milvus_proto_common_StateCode);
  'extra_info'?: (_milvus_proto_common_KeyValuePair)[];
}

export interface ComponentInfo__Output {
  'nodeID': (string);
  'role': (string);
  'state_code': (_milvus_proto_common_StateCode__Output);
  'extra_info': (_milvus_proto_common_KeyValuePair__Output)[];
}

// Original file: null

import type { KeyValuePair as _milvus_proto_common_KeyValuePair, KeyValuePair__Output as _milvus_proto_common_KeyValuePair__Output } from '../../../milvus/proto/common/KeyValuePair.js';
import type { IndexState as _milvus_proto_common_IndexState, IndexState__Output as _milvus_proto_common_IndexState__Output } from '../../../milvus/proto/common/IndexState.js';
import type { Long } from '@grpc/proto-loader';

export interface IndexDescription {
  'index_name'?: (string);
  'indexID'?: (number | string | Long);
  'params'?: (_milvus_proto_common_KeyValuePair)[];
  'field_name'?: (string);
  'indexed_rows'?: (number | string | Long);
  'total_rows'?: (number | string | Long);
  'state'?: (_milvus_proto_common_IndexState);
  'index_state_fail_reason'?: (string);
  'pending_index_rows'?: (number | string | Long);
  'min_index_version'?: (number);
  'max_index_version'?: (number);
}

export interface IndexDescription__Output {
  'index_name': (string);
  'indexID': (string);
  'params': (_milvus_proto_common_KeyValuePair__Output)[];
  'field_name': (string);
  'indexed_rows': (string);
  'total_rows': (string);
  'state': (_milvus_proto_common_IndexState__Output);
  'index_state_fail_reason': (string);
  'pending_index_rows': (string);
  'min_index_version': (number);
  'max_index_version': (number);
}

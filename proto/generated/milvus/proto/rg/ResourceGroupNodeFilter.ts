// Original file: null

import type { KeyValuePair as _milvus_proto_common_KeyValuePair, KeyValuePair__Output as _milvus_proto_common_KeyValuePair__Output } from '../../../milvus/proto/common/KeyValuePair.js';

export interface ResourceGroupNodeFilter {
  'node_labels'?: (_milvus_proto_common_KeyValuePair)[];
}

export interface ResourceGroupNodeFilter__Output {
  'node_labels': (_milvus_proto_common_KeyValuePair__Output)[];
}

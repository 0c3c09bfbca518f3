// Original file: null

import type { HighlightType as _milvus_proto_common_HighlightType, HighlightType__Output as _milvus_proto_common_HighlightType__Output } from '../../../milvus/proto/common/HighlightType.js';
import type { KeyValuePair as _milvus_proto_common_KeyValuePair, KeyValuePair__Output as _milvus_proto_common_KeyValuePair__Output } from '../../../milvus/proto/common/KeyValuePair.js';

export interface Highlighter {
  'type'?: (_milvus_proto_common_HighlightType);
  'params'?: (_milvus_proto_common_KeyValuePair)[];
}

export interface Highlighter__Output {
  'type': (_milvus_proto_common_HighlightType__Output);
  'params': (_milvus_proto_common_KeyValuePair__Output)[];
}

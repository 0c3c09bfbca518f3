// Original file: null

import type { PlaceholderValue as _milvus_proto_common_PlaceholderValue, PlaceholderValue__Output as _milvus_proto_common_PlaceholderValue__Output } from '../../../milvus/proto/common/PlaceholderValue.js';

export interface PlaceholderGroup {
  'placeholders'?: (_milvus_proto_common_PlaceholderValue)[];
}

export interface PlaceholderGroup__Output {
  'placeholders': (_milvus_proto_common_PlaceholderValue__Output)[];
}

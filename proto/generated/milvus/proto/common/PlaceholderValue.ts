// Original file: null

import type { PlaceholderType as _milvus_proto_common_PlaceholderType, PlaceholderType__Output as _milvus_proto_common_PlaceholderType__Output } from '../../../milvus/proto/common/PlaceholderType.js';

export interface PlaceholderValue {
  'tag'?: (string);
  'type'?: (_milvus_proto_common_PlaceholderType);
  'values'?: (Buffer | Uint8Array | string)[];
  'element_level'?: (boolean);
}

export interface PlaceholderValue__Output {
  'tag': (string);
  'type': (_milvus_proto_common_PlaceholderType__Output);
  'values': (Buffer)[];
  'element_level': (boolean);
}

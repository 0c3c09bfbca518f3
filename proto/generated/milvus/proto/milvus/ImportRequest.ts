// Original file: null

import type { KeyValuePair as _milvus_proto_common_KeyValuePair, KeyValuePair__Output as _milvus_proto_common_KeyValuePair__Output } from '../../../milvus/proto/common/KeyValuePair.js';

export interface ImportRequest {
  'collection_name'?: (string);
  'partition_name'?: (string);
  'channel_names'?: (string)[];
  'row_based'?: (boolean);
  'files'?: (string)[];
  'options'?: (_milvus_proto_common_KeyValuePair)[];
  'db_name'?: (string);
  'clustering_info'?: (Buffer | Uint8Array | string);
}

export interface ImportRequest__Output {
  'collection_name': (string);
  'partition_name': (string);
  'channel_names': (string)[];
  'row_based': (boolean);
  'files': (string)[];
  'options': (_milvus_proto_common_KeyValuePair__Output)[];
  'db_name': (string);
  'clustering_info': (Buffer);
}

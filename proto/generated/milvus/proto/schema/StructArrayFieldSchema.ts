// Original file: null

import type { FieldSchema as _milvus_proto_schema_FieldSchema, FieldSchema__Output as _milvus_proto_schema_FieldSchema__Output } from '../../../milvus/proto/schema/FieldSchema.js';
import type { KeyValuePair as _milvus_proto_common_KeyValuePair, KeyValuePair__Output as _milvus_proto_common_KeyValuePair__Output } from '../../../milvus/proto/common/KeyValuePair.js';
import type { Long } from '@grpc/proto-loader';

export interface StructArrayFieldSchema {
  'fieldID'?: (number | string | Long);
  'name'?: (string);
  'description'?: (string);
  'fields'?: (_milvus_proto_schema_FieldSchema)[];
  'type_params'?: (_milvus_proto_common_KeyValuePair)[];
  'nullable'?: (boolean);
}

export interface StructArrayFieldSchema__Output {
  'fieldID': (string);
  'name': (string);
  'description': (string);
  'fields': (_milvus_proto_schema_FieldSchema__Output)[];
  'type_params': (_milvus_proto_common_KeyValuePair__Output)[];
  'nullable': (boolean);
}

// Original file: null

import type { LongArray as _milvus_proto_schema_LongArray, LongArray__Output as _milvus_proto_schema_LongArray__Output } from '../../../milvus/proto/schema/LongArray.js';
import type { StringArray as _milvus_proto_schema_StringArray, StringArray__Output as _milvus_proto_schema_StringArray__Output } from '../../../milvus/proto/schema/StringArray.js';

export interface IDs {
  'int_id'?: (_milvus_proto_schema_LongArray | null);
  'str_id'?: (_milvus_proto_schema_StringArray | null);
  'id_field'?: "int_id"|"str_id";
}

export interface IDs__Output {
  'int_id'?: (_milvus_proto_schema_LongArray__Output | null);
  'str_id'?: (_milvus_proto_schema_StringArray__Output | null);
  'id_field'?: "int_id"|"str_id";
}

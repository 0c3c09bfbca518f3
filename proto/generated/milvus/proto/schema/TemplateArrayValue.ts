// Original file: null

import type { BoolArray as _milvus_proto_schema_BoolArray, BoolArray__Output as _milvus_proto_schema_BoolArray__Output } from '../../../milvus/proto/schema/BoolArray.js';
import type { LongArray as _milvus_proto_schema_LongArray, LongArray__Output as _milvus_proto_schema_LongArray__Output } from '../../../milvus/proto/schema/LongArray.js';
import type { DoubleArray as _milvus_proto_schema_DoubleArray, DoubleArray__Output as _milvus_proto_schema_DoubleArray__Output } from '../../../milvus/proto/schema/DoubleArray.js';
import type { StringArray as _milvus_proto_schema_StringArray, StringArray__Output as _milvus_proto_schema_StringArray__Output } from '../../../milvus/proto/schema/StringArray.js';
import type { TemplateArrayValueArray as _milvus_proto_schema_TemplateArrayValueArray, TemplateArrayValueArray__Output as _milvus_proto_schema_TemplateArrayValueArray__Output } from '../../../milvus/proto/schema/TemplateArrayValueArray.js';
import type { JSONArray as _milvus_proto_schema_JSONArray, JSONArray__Output as _milvus_proto_schema_JSONArray__Output } from '../../../milvus/proto/schema/JSONArray.js';

export interface TemplateArrayValue {
  'bool_data'?: (_milvus_proto_schema_BoolArray | null);
  'long_data'?: (_milvus_proto_schema_LongArray | null);
  'double_data'?: (_milvus_proto_schema_DoubleArray | null);
  'string_data'?: (_milvus_proto_schema_StringArray | null);
  'array_data'?: (_milvus_proto_schema_TemplateArrayValueArray | null);
  'json_data'?: (_milvus_proto_schema_JSONArray | null);
  'data'?: "bool_data"|"long_data"|"double_data"|"string_data"|"array_data"|"json_data";
}

export interface TemplateArrayValue__Output {
  'bool_data'?: (_milvus_proto_schema_BoolArray__Output | null);
  'long_data'?: (_milvus_proto_schema_LongArray__Output | null);
  'double_data'?: (_milvus_proto_schema_DoubleArray__Output | null);
  'string_data'?: (_milvus_proto_schema_StringArray__Output | null);
  'array_data'?: (_milvus_proto_schema_TemplateArrayValueArray__Output | null);
  'json_data'?: (_milvus_proto_schema_JSONArray__Output | null);
  'data'?: "bool_data"|"long_data"|"double_data"|"string_data"|"array_data"|"json_data";
}

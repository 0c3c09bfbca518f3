// Original file: null

import type { FunctionParamValue as _milvus_proto_schema_FunctionParamValue, FunctionParamValue__Output as _milvus_proto_schema_FunctionParamValue__Output } from '../../../milvus/proto/schema/FunctionParamValue.js';

export interface FunctionParamArray {
  'values'?: (_milvus_proto_schema_FunctionParamValue)[];
}

export interface FunctionParamArray__Output {
  'values': (_milvus_proto_schema_FunctionParamValue__Output)[];
}

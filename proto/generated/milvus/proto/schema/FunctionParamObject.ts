// Original file: null

import type { FunctionParamValue as _milvus_proto_schema_FunctionParamValue, FunctionParamValue__Output as _milvus_proto_schema_FunctionParamValue__Output } from '../../../milvus/proto/schema/FunctionParamValue.js';

export interface FunctionParamObject {
  'fields'?: ({[key: string]: _milvus_proto_schema_FunctionParamValue});
}

export interface FunctionParamObject__Output {
  'fields': ({[key: string]: _milvus_proto_schema_FunctionParamValue__Output});
}

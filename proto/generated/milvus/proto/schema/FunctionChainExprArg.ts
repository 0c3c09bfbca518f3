// Original file: null

import type { FunctionChainColumnArg as _milvus_proto_schema_FunctionChainColumnArg, FunctionChainColumnArg__Output as _milvus_proto_schema_FunctionChainColumnArg__Output } from '../../../milvus/proto/schema/FunctionChainColumnArg.js';
import type { FunctionParamValue as _milvus_proto_schema_FunctionParamValue, FunctionParamValue__Output as _milvus_proto_schema_FunctionParamValue__Output } from '../../../milvus/proto/schema/FunctionParamValue.js';

export interface FunctionChainExprArg {
  'column'?: (_milvus_proto_schema_FunctionChainColumnArg | null);
  'literal'?: (_milvus_proto_schema_FunctionParamValue | null);
  'arg'?: "column"|"literal";
}

export interface FunctionChainExprArg__Output {
  'column'?: (_milvus_proto_schema_FunctionChainColumnArg__Output | null);
  'literal'?: (_milvus_proto_schema_FunctionParamValue__Output | null);
  'arg'?: "column"|"literal";
}

// Original file: null

import type { FunctionChainExpr as _milvus_proto_schema_FunctionChainExpr, FunctionChainExpr__Output as _milvus_proto_schema_FunctionChainExpr__Output } from '../../../milvus/proto/schema/FunctionChainExpr.js';
import type { FunctionParamValue as _milvus_proto_schema_FunctionParamValue, FunctionParamValue__Output as _milvus_proto_schema_FunctionParamValue__Output } from '../../../milvus/proto/schema/FunctionParamValue.js';

export interface FunctionChainOp {
  'op'?: (string);
  'expr'?: (_milvus_proto_schema_FunctionChainExpr | null);
  'inputs'?: (string)[];
  'outputs'?: (string)[];
  'params'?: ({[key: string]: _milvus_proto_schema_FunctionParamValue});
}

export interface FunctionChainOp__Output {
  'op': (string);
  'expr': (_milvus_proto_schema_FunctionChainExpr__Output | null);
  'inputs': (string)[];
  'outputs': (string)[];
  'params': ({[key: string]: _milvus_proto_schema_FunctionParamValue__Output});
}

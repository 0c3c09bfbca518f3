// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { FunctionSchema as _milvus_proto_schema_FunctionSchema, FunctionSchema__Output as _milvus_proto_schema_FunctionSchema__Output } from '../../../milvus/proto/schema/FunctionSchema.js';
import type { Long } from '@grpc/proto-loader';

export interface AlterCollectionFunctionRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'db_name'?: (string);
  'collection_name'?: (string);
  'collectionID'?: (number | string | Long);
  'function_name'?: (string);
  'functionSchema'?: (_milvus_proto_schema_FunctionSchema | null);
}

export interface AlterCollectionFunctionRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'db_name': (string);
  'collection_name': (string);
  'collectionID': (string);
  'function_name': (string);
  'functionSchema': (_milvus_proto_schema_FunctionSchema__Output | null);
}

// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { FunctionSchema as _milvus_proto_schema_FunctionSchema, FunctionSchema__Output as _milvus_proto_schema_FunctionSchema__Output } from '../../../milvus/proto/schema/FunctionSchema.js';
import type { Long } from '@grpc/proto-loader';

export interface AddCollectionFunctionRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'db_name'?: (string);
  'collection_name'?: (string);
  'collectionID'?: (number | string | Long);
  'functionSchema'?: (_milvus_proto_schema_FunctionSchema | null);
}

export interface AddCollectionFunctionRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'db_name': (string);
  'collection_name': (string);
  'collectionID': (string);
  'functionSchema': (_milvus_proto_schema_FunctionSchema__Output | null);
}

// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { StructArrayFieldSchema as _milvus_proto_schema_StructArrayFieldSchema, StructArrayFieldSchema__Output as _milvus_proto_schema_StructArrayFieldSchema__Output } from '../../../milvus/proto/schema/StructArrayFieldSchema.js';
import type { Long } from '@grpc/proto-loader';

export interface AddCollectionStructFieldRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'db_name'?: (string);
  'collection_name'?: (string);
  'collectionID'?: (number | string | Long);
  'struct_array_field_schema'?: (_milvus_proto_schema_StructArrayFieldSchema | null);
}

export interface AddCollectionStructFieldRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'db_name': (string);
  'collection_name': (string);
  'collectionID': (string);
  'struct_array_field_schema': (_milvus_proto_schema_StructArrayFieldSchema__Output | null);
}

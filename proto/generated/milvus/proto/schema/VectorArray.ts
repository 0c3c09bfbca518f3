// Original file: null

import type { VectorField as _milvus_proto_schema_VectorField, VectorField__Output as _milvus_proto_schema_VectorField__Output } from '../../../milvus/proto/schema/VectorField.js';
import type { DataType as _milvus_proto_schema_DataType, DataType__Output as _milvus_proto_schema_DataType__Output } from '../../../milvus/proto/schema/DataType.js';
import type { Long } from '@grpc/proto-loader';

export interface VectorArray {
  'dim'?: (number | string | Long);
  'data'?: (_milvus_proto_schema_VectorField)[];
  'element_type'?: (_milvus_proto_schema_DataType);
}

export interface VectorArray__Output {
  'dim': (string);
  'data': (_milvus_proto_schema_VectorField__Output)[];
  'element_type': (_milvus_proto_schema_DataType__Output);
}

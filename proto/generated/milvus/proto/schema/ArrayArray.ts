// Original file: null

import type { ScalarField as _milvus_proto_schema_ScalarField, ScalarField__Output as _milvus_proto_schema_ScalarField__Output } from '../../../milvus/proto/schema/ScalarField.js';
import type { DataType as _milvus_proto_schema_DataType, DataType__Output as _milvus_proto_schema_DataType__Output } from '../../../milvus/proto/schema/DataType.js';

export interface ArrayArray {
  'data'?: (_milvus_proto_schema_ScalarField)[];
  'element_type'?: (_milvus_proto_schema_DataType);
}

export interface ArrayArray__Output {
  'data': (_milvus_proto_schema_ScalarField__Output)[];
  'element_type': (_milvus_proto_schema_DataType__Output);
}

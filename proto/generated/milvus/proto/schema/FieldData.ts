// Original file: null

import type { DataType as _milvus_proto_schema_DataType, DataType__Output as _milvus_proto_schema_DataType__Output } from '../../../milvus/proto/schema/DataType.js';
import type { ScalarField as _milvus_proto_schema_ScalarField, ScalarField__Output as _milvus_proto_schema_ScalarField__Output } from '../../../milvus/proto/schema/ScalarField.js';
import type { VectorField as _milvus_proto_schema_VectorField, VectorField__Output as _milvus_proto_schema_VectorField__Output } from '../../../milvus/proto/schema/VectorField.js';
import type { StructArrayField as _milvus_proto_schema_StructArrayField, StructArrayField__Output as _milvus_proto_schema_StructArrayField__Output } from '../../../milvus/proto/schema/StructArrayField.js';
import type { Long } from '@grpc/proto-loader';

export interface FieldData {
  'type'?: (_milvus_proto_schema_DataType);
  'field_name'?: (string);
  'scalars'?: (_milvus_proto_schema_ScalarField | null);
  'vectors'?: (_milvus_proto_schema_VectorField | null);
  'field_id'?: (number | string | Long);
  'is_dynamic'?: (boolean);
  'valid_data'?: (boolean)[];
  'struct_arrays'?: (_milvus_proto_schema_StructArrayField | null);
  'field'?: "scalars"|"vectors"|"struct_arrays";
}

export interface FieldData__Output {
  'type': (_milvus_proto_schema_DataType__Output);
  'field_name': (string);
  'scalars'?: (_milvus_proto_schema_ScalarField__Output | null);
  'vectors'?: (_milvus_proto_schema_VectorField__Output | null);
  'field_id': (string);
  'is_dynamic': (boolean);
  'valid_data': (boolean)[];
  'struct_arrays'?: (_milvus_proto_schema_StructArrayField__Output | null);
  'field'?: "scalars"|"vectors"|"struct_arrays";
}

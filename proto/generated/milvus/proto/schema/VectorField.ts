// Original file: null

import type { FloatArray as _milvus_proto_schema_FloatArray, FloatArray__Output as _milvus_proto_schema_FloatArray__Output } from '../../../milvus/proto/schema/FloatArray.js';
import type { SparseFloatArray as _milvus_proto_schema_SparseFloatArray, SparseFloatArray__Output as _milvus_proto_schema_SparseFloatArray__Output } from '../../../milvus/proto/schema/SparseFloatArray.js';
import type { VectorArray as _milvus_proto_schema_VectorArray, VectorArray__Output as _milvus_proto_schema_VectorArray__Output } from '../../../milvus/proto/schema/VectorArray.js';
import type { Long } from '@grpc/proto-loader';

export interface VectorField {
  'dim'?: (number | string | Long);
  'float_vector'?: (_milvus_proto_schema_FloatArray | null);
  'binary_vector'?: (Buffer | Uint8Array | string);
  'float16_vector'?: (Buffer | Uint8Array | string);
  'bfloat16_vector'?: (Buffer | Uint8Array | string);
  'sparse_float_vector'?: (_milvus_proto_schema_SparseFloatArray | null);
  'int8_vector'?: (Buffer | Uint8Array | string);
  'vector_array'?: (_milvus_proto_schema_VectorArray | null);
  'data'?: "float_vector"|"binary_vector"|"float16_vector"|"bfloat16_vector"|"sparse_float_vector"|"int8_vector"|"vector_array";
}

export interface VectorField__Output {
  'dim': (string);
  'float_vector'?: (_milvus_proto_schema_FloatArray__Output | null);
  'binary_vector'?: (Buffer);
  'float16_vector'?: (Buffer);
  'bfloat16_vector'?: (Buffer);
  'sparse_float_vector'?: (_milvus_proto_schema_SparseFloatArray__Output | null);
  'int8_vector'?: (Buffer);
  'vector_array'?: (_milvus_proto_schema_VectorArray__Output | null);
  'data'?: "float_vector"|"binary_vector"|"float16_vector"|"bfloat16_vector"|"sparse_float_vector"|"int8_vector"|"vector_array";
}

// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { IntArray as _milvus_proto_schema_IntArray, IntArray__Output as _milvus_proto_schema_IntArray__Output } from '../../../milvus/proto/schema/IntArray.js';
import type { FloatArray as _milvus_proto_schema_FloatArray, FloatArray__Output as _milvus_proto_schema_FloatArray__Output } from '../../../milvus/proto/schema/FloatArray.js';

export interface CalcDistanceResults {
  'status'?: (_milvus_proto_common_Status | null);
  'int_dist'?: (_milvus_proto_schema_IntArray | null);
  'float_dist'?: (_milvus_proto_schema_FloatArray | null);
  'array'?: "int_dist"|"float_dist";
}

export interface CalcDistanceResults__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'int_dist'?: (_milvus_proto_schema_IntArray__Output | null);
  'float_dist'?: (_milvus_proto_schema_FloatArray__Output | null);
  'array'?: "int_dist"|"float_dist";
}

// Original file: null

import type { AggHitField as _milvus_proto_schema_AggHitField, AggHitField__Output as _milvus_proto_schema_AggHitField__Output } from '../../../milvus/proto/schema/AggHitField.js';
import type { Long } from '@grpc/proto-loader';

export interface AggHit {
  'int_pk'?: (number | string | Long);
  'str_pk'?: (string);
  'score'?: (number | string);
  'fields'?: (_milvus_proto_schema_AggHitField)[];
  'pk'?: "int_pk"|"str_pk";
}

export interface AggHit__Output {
  'int_pk'?: (string);
  'str_pk'?: (string);
  'score': (number);
  'fields': (_milvus_proto_schema_AggHitField__Output)[];
  'pk'?: "int_pk"|"str_pk";
}

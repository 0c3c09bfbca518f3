// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { KeyValuePair as _milvus_proto_common_KeyValuePair, KeyValuePair__Output as _milvus_proto_common_KeyValuePair__Output } from '../../../milvus/proto/common/KeyValuePair.js';
import type { ConsistencyLevel as _milvus_proto_common_ConsistencyLevel, ConsistencyLevel__Output as _milvus_proto_common_ConsistencyLevel__Output } from '../../../milvus/proto/common/ConsistencyLevel.js';
import type { TemplateValue as _milvus_proto_schema_TemplateValue, TemplateValue__Output as _milvus_proto_schema_TemplateValue__Output } from '../../../milvus/proto/schema/TemplateValue.js';
import type { Long } from '@grpc/proto-loader';

export interface QueryRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'db_name'?: (string);
  'collection_name'?: (string);
  'expr'?: (string);
  'output_fields'?: (string)[];
  'partition_names'?: (string)[];
  'travel_timestamp'?: (number | string | Long);
  'guarantee_timestamp'?: (number | string | Long);
  'query_params'?: (_milvus_proto_common_KeyValuePair)[];
  'not_return_all_meta'?: (boolean);
  'consistency_level'?: (_milvus_proto_common_ConsistencyLevel);
  'use_default_consistency'?: (boolean);
  'expr_template_values'?: ({[key: string]: _milvus_proto_schema_TemplateValue});
  'namespace'?: (string);
  '_namespace'?: "namespace";
}

export interface QueryRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'db_name': (string);
  'collection_name': (string);
  'expr': (string);
  'output_fields': (string)[];
  'partition_names': (string)[];
  'travel_timestamp': (string);
  'guarantee_timestamp': (string);
  'query_params': (_milvus_proto_common_KeyValuePair__Output)[];
  'not_return_all_meta': (boolean);
  'consistency_level': (_milvus_proto_common_ConsistencyLevel__Output);
  'use_default_consistency': (boolean);
  'expr_template_values': ({[key: string]: _milvus_proto_schema_TemplateValue__Output});
  'namespace'?: (string);
  '_namespace'?: "namespace";
}

// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { ConsistencyLevel as _milvus_proto_common_ConsistencyLevel, ConsistencyLevel__Output as _milvus_proto_common_ConsistencyLevel__Output } from '../../../milvus/proto/common/ConsistencyLevel.js';
import type { TemplateValue as _milvus_proto_schema_TemplateValue, TemplateValue__Output as _milvus_proto_schema_TemplateValue__Output } from '../../../milvus/proto/schema/TemplateValue.js';

export interface DeleteRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'db_name'?: (string);
  'collection_name'?: (string);
  'partition_name'?: (string);
  'expr'?: (string);
  'hash_keys'?: (number)[];
  'consistency_level'?: (_milvus_proto_common_ConsistencyLevel);
  'expr_template_values'?: ({[key: string]: _milvus_proto_schema_TemplateValue});
  'namespace'?: (string);
  '_namespace'?: "namespace";
}

export interface DeleteRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'db_name': (string);
  'collection_name': (string);
  'partition_name': (string);
  'expr': (string);
  'hash_keys': (number)[];
  'consistency_level': (_milvus_proto_common_ConsistencyLevel__Output);
  'expr_template_values': ({[key: string]: _milvus_proto_schema_TemplateValue__Output});
  'namespace'?: (string);
  '_namespace'?: "namespace";
}

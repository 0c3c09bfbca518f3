// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { SearchRequest as _milvus_proto_milvus_SearchRequest, SearchRequest__Output as _milvus_proto_milvus_SearchRequest__Output } from '../../../milvus/proto/milvus/SearchRequest.js';
import type { KeyValuePair as _milvus_proto_common_KeyValuePair, KeyValuePair__Output as _milvus_proto_common_KeyValuePair__Output } from '../../../milvus/proto/common/KeyValuePair.js';
import type { ConsistencyLevel as _milvus_proto_common_ConsistencyLevel, ConsistencyLevel__Output as _milvus_proto_common_ConsistencyLevel__Output } from '../../../milvus/proto/common/ConsistencyLevel.js';
import type { FunctionScore as _milvus_proto_schema_FunctionScore, FunctionScore__Output as _milvus_proto_schema_FunctionScore__Output } from '../../../milvus/proto/schema/FunctionScore.js';
import type { FunctionChain as _milvus_proto_schema_FunctionChain, FunctionChain__Output as _milvus_proto_schema_FunctionChain__Output } from '../../../milvus/proto/schema/FunctionChain.js';
import type { Long } from '@grpc/proto-loader';

export interface HybridSearchRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'db_name'?: (string);
  'collection_name'?: (string);
  'partition_names'?: (string)[];
  'requests'?: (_milvus_proto_milvus_SearchRequest)[];
  'rank_params'?: (_milvus_proto_common_KeyValuePair)[];
  'travel_timestamp'?: (number | string | Long);
  'guarantee_timestamp'?: (number | string | Long);
  'not_return_all_meta'?: (boolean);
  'output_fields'?: (string)[];
  'consistency_level'?: (_milvus_proto_common_ConsistencyLevel);
  'use_default_consistency'?: (boolean);
  'function_score'?: (_milvus_proto_schema_FunctionScore | null);
  'namespace'?: (string);
  'function_chains'?: (_milvus_proto_schema_FunctionChain)[];
  '_namespace'?: "namespace";
}

export interface HybridSearchRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'db_name': (string);
  'collection_name': (string);
  'partition_names': (string)[];
  'requests': (_milvus_proto_milvus_SearchRequest__Output)[];
  'rank_params': (_milvus_proto_common_KeyValuePair__Output)[];
  'travel_timestamp': (string);
  'guarantee_timestamp': (string);
  'not_return_all_meta': (boolean);
  'output_fields': (string)[];
  'consistency_level': (_milvus_proto_common_ConsistencyLevel__Output);
  'use_default_consistency': (boolean);
  'function_score': (_milvus_proto_schema_FunctionScore__Output | null);
  'namespace'?: (string);
  'function_chains': (_milvus_proto_schema_FunctionChain__Output)[];
  '_namespace'?: "namespace";
}

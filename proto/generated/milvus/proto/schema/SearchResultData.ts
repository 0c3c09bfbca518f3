// Original file: null

import type { FieldData as _milvus_proto_schema_FieldData, FieldData__Output as _milvus_proto_schema_FieldData__Output } from '../../../milvus/proto/schema/FieldData.js';
import type { IDs as _milvus_proto_schema_IDs, IDs__Output as _milvus_proto_schema_IDs__Output } from '../../../milvus/proto/schema/IDs.js';
import type { SearchIteratorV2Results as _milvus_proto_schema_SearchIteratorV2Results, SearchIteratorV2Results__Output as _milvus_proto_schema_SearchIteratorV2Results__Output } from '../../../milvus/proto/schema/SearchIteratorV2Results.js';
import type { HighlightResult as _milvus_proto_common_HighlightResult, HighlightResult__Output as _milvus_proto_common_HighlightResult__Output } from '../../../milvus/proto/common/HighlightResult.js';
import type { LongArray as _milvus_proto_schema_LongArray, LongArray__Output as _milvus_proto_schema_LongArray__Output } from '../../../milvus/proto/schema/LongArray.js';
import type { AggBucket as _milvus_proto_schema_AggBucket, AggBucket__Output as _milvus_proto_schema_AggBucket__Output } from '../../../milvus/proto/schema/AggBucket.js';
import type { Long } from '@grpc/proto-loader';

export interface SearchResultData {
  'num_queries'?: (number | string | Long);
  'top_k'?: (number | string | Long);
  'fields_data'?: (_milvus_proto_schema_FieldData)[];
  'scores'?: (number | string)[];
  'ids'?: (_milvus_proto_schema_IDs | null);
  'topks'?: (number | string | Long)[];
  'output_fields'?: (string)[];
  'group_by_field_value'?: (_milvus_proto_schema_FieldData | null);
  'all_search_count'?: (number | string | Long);
  'distances'?: (number | string)[];
  'search_iterator_v2_results'?: (_milvus_proto_schema_SearchIteratorV2Results | null);
  'recalls'?: (number | string)[];
  'primary_field_name'?: (string);
  'highlight_results'?: (_milvus_proto_common_HighlightResult)[];
  'element_indices'?: (_milvus_proto_schema_LongArray | null);
  'group_by_field_values'?: (_milvus_proto_schema_FieldData)[];
  'agg_buckets'?: (_milvus_proto_schema_AggBucket)[];
  'agg_topks'?: (number | string | Long)[];
  '_search_iterator_v2_results'?: "search_iterator_v2_results";
}

export interface SearchResultData__Output {
  'num_queries': (string);
  'top_k': (string);
  'fields_data': (_milvus_proto_schema_FieldData__Output)[];
  'scores': (number)[];
  'ids': (_milvus_proto_schema_IDs__Output | null);
  'topks': (string)[];
  'output_fields': (string)[];
  'group_by_field_value': (_milvus_proto_schema_FieldData__Output | null);
  'all_search_count': (string);
  'distances': (number)[];
  'search_iterator_v2_results'?: (_milvus_proto_schema_SearchIteratorV2Results__Output | null);
  'recalls': (number)[];
  'primary_field_name': (string);
  'highlight_results': (_milvus_proto_common_HighlightResult__Output)[];
  'element_indices': (_milvus_proto_schema_LongArray__Output | null);
  'group_by_field_values': (_milvus_proto_schema_FieldData__Output)[];
  'agg_buckets': (_milvus_proto_schema_AggBucket__Output)[];
  'agg_topks': (string)[];
  '_search_iterator_v2_results'?: "search_iterator_v2_results";
}

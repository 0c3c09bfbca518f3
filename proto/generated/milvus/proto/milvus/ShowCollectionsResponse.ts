// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { Long } from '@grpc/proto-loader';

export interface ShowCollectionsResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'collection_names'?: (string)[];
  'collection_ids'?: (number | string | Long)[];
  'created_timestamps'?: (number | string | Long)[];
  'created_utc_timestamps'?: (number | string | Long)[];
  /**
   * @deprecated
   */
  'inMemory_percentages'?: (number | string | Long)[];
  'query_service_available'?: (boolean)[];
  'shards_num'?: (number)[];
}

export interface ShowCollectionsResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'collection_names': (string)[];
  'collection_ids': (string)[];
  'created_timestamps': (string)[];
  'created_utc_timestamps': (string)[];
  /**
   * @deprecated
   */
  'inMemory_percentages': (string)[];
  'query_service_available': (boolean)[];
  'shards_num': (number)[];
}

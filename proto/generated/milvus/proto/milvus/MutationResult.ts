// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { IDs as _milvus_proto_schema_IDs, IDs__Output as _milvus_proto_schema_IDs__Output } from '../../../milvus/proto/schema/IDs.js';
import type { Long } from '@grpc/proto-loader';

export interface MutationResult {
  'status'?: (_milvus_proto_common_Status | null);
  'IDs'?: (_milvus_proto_schema_IDs | null);
  'succ_index'?: (number)[];
  'err_index'?: (number)[];
  'acknowledged'?: (boolean);
  'insert_cnt'?: (number | string | Long);
  'delete_cnt'?: (number | string | Long);
  'upsert_cnt'?: (number | string | Long);
  'timestamp'?: (number | string | Long);
}

export interface MutationResult__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'IDs': (_milvus_proto_schema_IDs__Output | null);
  'succ_index': (number)[];
  'err_index': (number)[];
  'acknowledged': (boolean);
  'insert_cnt': (string);
  'delete_cnt': (string);
  'upsert_cnt': (string);
  'timestamp': (string);
}

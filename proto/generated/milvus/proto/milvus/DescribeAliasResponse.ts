// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';

export interface DescribeAliasResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'db_name'?: (string);
  'alias'?: (string);
  'collection'?: (string);
}

export interface DescribeAliasResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'db_name': (string);
  'alias': (string);
  'collection': (string);
}

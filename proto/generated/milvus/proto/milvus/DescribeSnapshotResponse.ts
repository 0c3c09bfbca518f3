// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { Long } from '@grpc/proto-loader';

export interface DescribeSnapshotResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'name'?: (string);
  'description'?: (string);
  'collection_name'?: (string);
  'partition_names'?: (string)[];
  'create_ts'?: (number | string | Long);
  's3_location'?: (string);
}

export interface DescribeSnapshotResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'name': (string);
  'description': (string);
  'collection_name': (string);
  'partition_names': (string)[];
  'create_ts': (string);
  's3_location': (string);
}

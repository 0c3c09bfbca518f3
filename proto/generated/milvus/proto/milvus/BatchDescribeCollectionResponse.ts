// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { DescribeCollectionResponse as _milvus_proto_milvus_DescribeCollectionResponse, DescribeCollectionResponse__Output as _milvus_proto_milvus_DescribeCollectionResponse__Output } from '../../../milvus/proto/milvus/DescribeCollectionResponse.js';

export interface BatchDescribeCollectionResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'responses'?: (_milvus_proto_milvus_DescribeCollectionResponse)[];
}

export interface BatchDescribeCollectionResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'responses': (_milvus_proto_milvus_DescribeCollectionResponse__Output)[];
}

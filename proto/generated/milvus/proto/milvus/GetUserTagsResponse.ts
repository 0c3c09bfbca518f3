// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';

export interface GetUserTagsResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'tags'?: ({[key: string]: string});
}

export interface GetUserTagsResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'tags': ({[key: string]: string});
}

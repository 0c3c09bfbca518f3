// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';

export interface ListCredUsersResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'usernames'?: (string)[];
}

export interface ListCredUsersResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'usernames': (string)[];
}

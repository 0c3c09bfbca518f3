// Original file: null

import type { Address as _milvus_proto_common_Address, Address__Output as _milvus_proto_common_Address__Output } from '../../../milvus/proto/common/Address.js';
import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';

export interface RegisterLinkResponse {
  'address'?: (_milvus_proto_common_Address | null);
  'status'?: (_milvus_proto_common_Status | null);
}

export interface RegisterLinkResponse__Output {
  'address': (_milvus_proto_common_Address__Output | null);
  'status': (_milvus_proto_common_Status__Output | null);
}

// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { NamespaceStats as _milvus_proto_milvus_NamespaceStats, NamespaceStats__Output as _milvus_proto_milvus_NamespaceStats__Output } from '../../../milvus/proto/milvus/NamespaceStats.js';

export interface GetNamespaceStatsResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'namespace_name'?: (string);
  'stats'?: (_milvus_proto_milvus_NamespaceStats | null);
}

export interface GetNamespaceStatsResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'namespace_name': (string);
  'stats': (_milvus_proto_milvus_NamespaceStats__Output | null);
}

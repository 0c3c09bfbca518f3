// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { RestoreSnapshotInfo as _milvus_proto_milvus_RestoreSnapshotInfo, RestoreSnapshotInfo__Output as _milvus_proto_milvus_RestoreSnapshotInfo__Output } from '../../../milvus/proto/milvus/RestoreSnapshotInfo.js';

export interface ListRestoreSnapshotJobsResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'jobs'?: (_milvus_proto_milvus_RestoreSnapshotInfo)[];
}

export interface ListRestoreSnapshotJobsResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'jobs': (_milvus_proto_milvus_RestoreSnapshotInfo__Output)[];
}

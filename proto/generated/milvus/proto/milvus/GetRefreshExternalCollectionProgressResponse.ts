// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { RefreshExternalCollectionJobInfo as _milvus_proto_milvus_RefreshExternalCollectionJobInfo, RefreshExternalCollectionJobInfo__Output as _milvus_proto_milvus_RefreshExternalCollectionJobInfo__Output } from '../../../milvus/proto/milvus/RefreshExternalCollectionJobInfo.js';

export interface GetRefreshExternalCollectionProgressResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'job_info'?: (_milvus_proto_milvus_RefreshExternalCollectionJobInfo | null);
}

export interface GetRefreshExternalCollectionProgressResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'job_info': (_milvus_proto_milvus_RefreshExternalCollectionJobInfo__Output | null);
}

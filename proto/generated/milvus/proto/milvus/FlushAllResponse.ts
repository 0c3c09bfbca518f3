// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { FlushAllResult as _milvus_proto_milvus_FlushAllResult, FlushAllResult__Output as _milvus_proto_milvus_FlushAllResult__Output } from '../../../milvus/proto/milvus/FlushAllResult.js';
import type { ImmutableMessage as _milvus_proto_common_ImmutableMessage, ImmutableMessage__Output as _milvus_proto_common_ImmutableMessage__Output } from '../../../milvus/proto/common/ImmutableMessage.js';
import type { ClusterInfo as _milvus_proto_milvus_ClusterInfo, ClusterInfo__Output as _milvus_proto_milvus_ClusterInfo__Output } from '../../../milvus/proto/milvus/ClusterInfo.js';
import type { Long } from '@grpc/proto-loader';

export interface FlushAllResponse {
  'status'?: (_milvus_proto_common_Status | null);
  /**
   * @deprecated
   */
  'flush_all_ts'?: (number | string | Long);
  /**
   * @deprecated
   */
  'flush_results'?: (_milvus_proto_milvus_FlushAllResult)[];
  'flush_all_msgs'?: ({[key: string]: _milvus_proto_common_ImmutableMessage});
  'cluster_info'?: (_milvus_proto_milvus_ClusterInfo | null);
}

export interface FlushAllResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  /**
   * @deprecated
   */
  'flush_all_ts': (string);
  /**
   * @deprecated
   */
  'flush_results': (_milvus_proto_milvus_FlushAllResult__Output)[];
  'flush_all_msgs': ({[key: string]: _milvus_proto_common_ImmutableMessage__Output});
  'cluster_info': (_milvus_proto_milvus_ClusterInfo__Output | null);
}

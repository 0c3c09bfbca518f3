// Original file: mishards/data_node.proto

import type { NodeStatus as _mishards_data_NodeStatus, NodeStatus__Output as _mishards_data_NodeStatus__Output } from '../../mishards/data/NodeStatus.js';
import type { LoadedSegment as _mishards_data_LoadedSegment, LoadedSegment__Output as _mishards_data_LoadedSegment__Output } from '../../mishards/data/LoadedSegment.js';
import type { Long } from '@grpc/proto-loader';

export interface ListSegmentsResponse {
  'status'?: (_mishards_data_NodeStatus | null);
  'segments'?: (_mishards_data_LoadedSegment)[];
  /**
   * The estimated result bytes above which this node refuses every search and query (its
   * admission budget, docs/limits.md): a coordinator refuses such a request before sending
   * it. 0 when the node does not say.
   */
  'result_memory_limit_bytes'?: (number | string | Long);
}

export interface ListSegmentsResponse__Output {
  'status': (_mishards_data_NodeStatus__Output | null);
  'segments': (_mishards_data_LoadedSegment__Output)[];
  /**
   * The estimated result bytes above which this node refuses every search and query (its
   * admission budget, docs/limits.md): a coordinator refuses such a request before sending
   * it. 0 when the node does not say.
   */
  'result_memory_limit_bytes': (string);
}

// Original file: mishards/data_node.proto

import type { NodeStatus as _mishards_data_NodeStatus, NodeStatus__Output as _mishards_data_NodeStatus__Output } from '../../mishards/data/NodeStatus.js';
import type { Long } from '@grpc/proto-loader';

export interface QuerySegmentsResponse {
  'status'?: (_mishards_data_NodeStatus | null);
  /**
   * Serialized milvus.proto.schema.SearchResultData with one "query": ids and fields_data.
   */
  'result'?: (Buffer | Uint8Array | string);
  'timestamps'?: (number | string)[];
  'count'?: (number | string | Long);
}

export interface QuerySegmentsResponse__Output {
  'status': (_mishards_data_NodeStatus__Output | null);
  /**
   * Serialized milvus.proto.schema.SearchResultData with one "query": ids and fields_data.
   */
  'result': (Buffer);
  'timestamps': (number)[];
  'count': (string);
}

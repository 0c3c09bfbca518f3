// Original file: mishards/data_node.proto

import type { NodeStatus as _mishards_data_NodeStatus, NodeStatus__Output as _mishards_data_NodeStatus__Output } from '../../mishards/data/NodeStatus.js';

export interface SearchSegmentsResponse {
  'status'?: (_mishards_data_NodeStatus | null);
  /**
   * Serialized milvus.proto.schema.SearchResultData: topks, ids, scores, fields_data.
   */
  'result'?: (Buffer | Uint8Array | string);
  /**
   * Write timestamp of each hit, in result order, to resolve duplicate keys.
   */
  'timestamps'?: (number | string)[];
}

export interface SearchSegmentsResponse__Output {
  'status': (_mishards_data_NodeStatus__Output | null);
  /**
   * Serialized milvus.proto.schema.SearchResultData: topks, ids, scores, fields_data.
   */
  'result': (Buffer);
  /**
   * Write timestamp of each hit, in result order, to resolve duplicate keys.
   */
  'timestamps': (number)[];
}

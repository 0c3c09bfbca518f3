// Original file: mishards/data_node.proto

import type { Long } from '@grpc/proto-loader';

export interface LoadedSegment {
  'collection_name'?: (string);
  'segment_id'?: (number | string | Long);
  'partition_id'?: (number | string | Long);
  'rows'?: (number | string | Long);
  'live_rows'?: (number | string | Long);
  /**
   * Index type in use (FLAT, HNSW) or empty when searched exactly.
   */
  'index_type'?: (string);
  /**
   * Whether this is growing (unsealed) data of the writable node.
   */
  'growing'?: (boolean);
}

export interface LoadedSegment__Output {
  'collection_name': (string);
  'segment_id': (string);
  'partition_id': (string);
  'rows': (string);
  'live_rows': (string);
  /**
   * Index type in use (FLAT, HNSW) or empty when searched exactly.
   */
  'index_type': (string);
  /**
   * Whether this is growing (unsealed) data of the writable node.
   */
  'growing': (boolean);
}

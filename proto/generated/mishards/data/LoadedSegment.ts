// Original file: mishards/data_node.proto

import type { Long } from '@grpc/proto-loader';

export interface LoadedSegment {
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
  'collection_id'?: (number | string | Long);
}

export interface LoadedSegment__Output {
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
  'collection_id': (string);
}

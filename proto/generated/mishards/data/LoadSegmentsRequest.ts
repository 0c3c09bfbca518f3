// Original file: mishards/data_node.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Data nodes name collections by id: names repeat across databases, and change with renames.
 * (The collection_name fields each request had before databases are reserved.)
 */
export interface LoadSegmentsRequest {
  'segment_ids'?: (number | string | Long)[];
  'collection_id'?: (number | string | Long);
}

/**
 * Data nodes name collections by id: names repeat across databases, and change with renames.
 * (The collection_name fields each request had before databases are reserved.)
 */
export interface LoadSegmentsRequest__Output {
  'segment_ids': (string)[];
  'collection_id': (string);
}

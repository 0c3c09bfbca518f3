// Original file: mishards/data_node.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The scope fields are those of SearchSegmentsRequest, with the same meaning.
 */
export interface TermStatisticsRequest {
  'collection_id'?: (number | string | Long);
  'segment_ids'?: (number | string | Long)[];
  'include_growing'?: (boolean);
  'covered_segment_ids'?: (number | string | Long)[];
  'partition_ids'?: (number | string | Long)[];
  'fresh_deletes'?: (boolean);
  'expire_before_ms'?: (number | string);
  'schema_version'?: (number | string | Long);
  'ignore_growing'?: (boolean);
  /**
   * The BM25 output field.
   */
  'field_name'?: (string);
  /**
   * The term hashes whose document frequencies are wanted.
   */
  'terms'?: (number)[];
}

/**
 * The scope fields are those of SearchSegmentsRequest, with the same meaning.
 */
export interface TermStatisticsRequest__Output {
  'collection_id': (string);
  'segment_ids': (string)[];
  'include_growing': (boolean);
  'covered_segment_ids': (string)[];
  'partition_ids': (string)[];
  'fresh_deletes': (boolean);
  'expire_before_ms': (number);
  'schema_version': (string);
  'ignore_growing': (boolean);
  /**
   * The BM25 output field.
   */
  'field_name': (string);
  /**
   * The term hashes whose document frequencies are wanted.
   */
  'terms': (number)[];
}

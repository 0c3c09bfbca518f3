// Original file: mishards/data_node.proto

import type { ReadSnapshot as _mishards_data_ReadSnapshot, ReadSnapshot__Output as _mishards_data_ReadSnapshot__Output } from '../../mishards/data/ReadSnapshot.js';
import type { Long } from '@grpc/proto-loader';

export interface QuerySegmentsRequest {
  'segment_ids'?: (number | string | Long)[];
  'include_growing'?: (boolean);
  'filter'?: (string);
  'template_values_json'?: (string);
  'output_fields'?: (string)[];
  'partition_ids'?: (number | string | Long)[];
  /**
   * Return at most this many rows, smallest primary keys first (0: all); with
   * order_by_fields, first in that order (primary keys breaking ties).
   */
  'limit'?: (number | string | Long);
  /**
   * Return only the number of matching rows.
   */
  'count_only'?: (boolean);
  /**
   * As in SearchSegmentsRequest.
   */
  'covered_segment_ids'?: (number | string | Long)[];
  /**
   * As in SearchSegmentsRequest.
   */
  'fresh_deletes'?: (boolean);
  /**
   * As in SearchSegmentsRequest.
   */
  'expire_before_ms'?: (number | string);
  /**
   * As in SearchSegmentsRequest.
   */
  'schema_version'?: (number | string | Long);
  /**
   * As in SearchSegmentsRequest.
   */
  'ignore_growing'?: (boolean);
  /**
   * As in SearchSegmentsRequest (a query iterator's pages).
   */
  'snapshot'?: (_mishards_data_ReadSnapshot | null);
  'pin_snapshot'?: (boolean);
  /**
   * The query's order_by_fields (e.g. "price:desc"): rows sorted so, with their values in
   * the partial's order_values.
   */
  'order_by_fields'?: (string);
  'collection_id'?: (number | string | Long);
  /**
   * As in SearchSegmentsRequest.
   */
  'timezone'?: (string);
}

export interface QuerySegmentsRequest__Output {
  'segment_ids': (string)[];
  'include_growing': (boolean);
  'filter': (string);
  'template_values_json': (string);
  'output_fields': (string)[];
  'partition_ids': (string)[];
  /**
   * Return at most this many rows, smallest primary keys first (0: all); with
   * order_by_fields, first in that order (primary keys breaking ties).
   */
  'limit': (string);
  /**
   * Return only the number of matching rows.
   */
  'count_only': (boolean);
  /**
   * As in SearchSegmentsRequest.
   */
  'covered_segment_ids': (string)[];
  /**
   * As in SearchSegmentsRequest.
   */
  'fresh_deletes': (boolean);
  /**
   * As in SearchSegmentsRequest.
   */
  'expire_before_ms': (number);
  /**
   * As in SearchSegmentsRequest.
   */
  'schema_version': (string);
  /**
   * As in SearchSegmentsRequest.
   */
  'ignore_growing': (boolean);
  /**
   * As in SearchSegmentsRequest (a query iterator's pages).
   */
  'snapshot': (_mishards_data_ReadSnapshot__Output | null);
  'pin_snapshot': (boolean);
  /**
   * The query's order_by_fields (e.g. "price:desc"): rows sorted so, with their values in
   * the partial's order_values.
   */
  'order_by_fields': (string);
  'collection_id': (string);
  /**
   * As in SearchSegmentsRequest.
   */
  'timezone': (string);
}

// Original file: mishards/data_node.proto

import type { PartialColumn as _mishards_data_PartialColumn, PartialColumn__Output as _mishards_data_PartialColumn__Output } from '../../mishards/data/PartialColumn.js';

/**
 * A node's share of a search or query as raw little-endian columns: the coordinator merges
 * over typed-array views of them and copies only the rows it keeps into its reply, so no
 * per-row values are decoded or re-encoded on the way.
 */
export interface PartialResult {
  /**
   * Rows per query; the rows of query q follow those of query q - 1.
   */
  'topks'?: (number)[];
  /**
   * Int64 primary keys, 8 bytes (int64) per row.
   */
  'int_ids'?: (Buffer | Uint8Array | string);
  /**
   * VarChar primary keys, one per row.
   */
  'str_ids'?: (string)[];
  /**
   * Each row's score as a float32, unrounded (0 for query rows).
   */
  'scores'?: (Buffer | Uint8Array | string);
  /**
   * Each row's write timestamp as a float64, to resolve duplicate keys in favour of the newest.
   */
  'timestamps'?: (Buffer | Uint8Array | string);
  /**
   * One per output field, in the order of the reply's fields_data.
   */
  'columns'?: (_mishards_data_PartialColumn)[];
  /**
   * A grouping search: each row's value of the group_by field.
   */
  'group_values'?: (_mishards_data_PartialColumn | null);
  /**
   * Each row's values of the request's order_by_fields, one column per field, in order.
   */
  'order_values'?: (_mishards_data_PartialColumn)[];
}

/**
 * A node's share of a search or query as raw little-endian columns: the coordinator merges
 * over typed-array views of them and copies only the rows it keeps into its reply, so no
 * per-row values are decoded or re-encoded on the way.
 */
export interface PartialResult__Output {
  /**
   * Rows per query; the rows of query q follow those of query q - 1.
   */
  'topks': (number)[];
  /**
   * Int64 primary keys, 8 bytes (int64) per row.
   */
  'int_ids': (Buffer);
  /**
   * VarChar primary keys, one per row.
   */
  'str_ids': (string)[];
  /**
   * Each row's score as a float32, unrounded (0 for query rows).
   */
  'scores': (Buffer);
  /**
   * Each row's write timestamp as a float64, to resolve duplicate keys in favour of the newest.
   */
  'timestamps': (Buffer);
  /**
   * One per output field, in the order of the reply's fields_data.
   */
  'columns': (_mishards_data_PartialColumn__Output)[];
  /**
   * A grouping search: each row's value of the group_by field.
   */
  'group_values': (_mishards_data_PartialColumn__Output | null);
  /**
   * Each row's values of the request's order_by_fields, one column per field, in order.
   */
  'order_values': (_mishards_data_PartialColumn__Output)[];
}

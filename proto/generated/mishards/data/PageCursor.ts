// Original file: mishards/data_node.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The last hit of a page: the next page holds hits with a worse score, or the same score and
 * a greater primary key. Without a key only worse scores follow (Milvus's `last_bound` rule).
 */
export interface PageCursor {
  'score'?: (number | string);
  'int_key'?: (number | string | Long);
  'str_key'?: (string);
  'key'?: "int_key"|"str_key";
}

/**
 * The last hit of a page: the next page holds hits with a worse score, or the same score and
 * a greater primary key. Without a key only worse scores follow (Milvus's `last_bound` rule).
 */
export interface PageCursor__Output {
  'score': (number);
  'int_key'?: (string);
  'str_key'?: (string);
  'key'?: "int_key"|"str_key";
}

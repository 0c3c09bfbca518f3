// Original file: mishards/data_node.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A point in the writable node's write order: the LSN of a write (what an insert, upsert or
 * delete answers as its `timestamp`).
 */
export interface ReadSnapshot {
  'as_of'?: (number | string | Long);
}

/**
 * A point in the writable node's write order: the LSN of a write (what an insert, upsert or
 * delete answers as its `timestamp`).
 */
export interface ReadSnapshot__Output {
  'as_of': (string);
}

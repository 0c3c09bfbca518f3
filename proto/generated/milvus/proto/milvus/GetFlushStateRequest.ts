// Original file: null

import type { Long } from '@grpc/proto-loader';

export interface GetFlushStateRequest {
  'segmentIDs'?: (number | string | Long)[];
  'flush_ts'?: (number | string | Long);
  'db_name'?: (string);
  'collection_name'?: (string);
}

export interface GetFlushStateRequest__Output {
  'segmentIDs': (string)[];
  'flush_ts': (string);
  'db_name': (string);
  'collection_name': (string);
}

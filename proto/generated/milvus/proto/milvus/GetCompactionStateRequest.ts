// Original file: null

import type { Long } from '@grpc/proto-loader';

export interface GetCompactionStateRequest {
  'compactionID'?: (number | string | Long);
}

export interface GetCompactionStateRequest__Output {
  'compactionID': (string);
}

// Original file: null

import type { Long } from '@grpc/proto-loader';

export interface GetCompactionPlansRequest {
  'compactionID'?: (number | string | Long);
}

export interface GetCompactionPlansRequest__Output {
  'compactionID': (string);
}

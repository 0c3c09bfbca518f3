// Original file: null

import type { Long } from '@grpc/proto-loader';

export interface LongArray {
  'data'?: (number | string | Long)[];
}

export interface LongArray__Output {
  'data': (string)[];
}

// Original file: null

import type { Long } from '@grpc/proto-loader';

export interface TimestamptzArray {
  'data'?: (number | string | Long)[];
}

export interface TimestamptzArray__Output {
  'data': (string)[];
}

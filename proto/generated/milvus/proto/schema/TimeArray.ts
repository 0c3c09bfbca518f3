// Original file: null

import type { Long } from '@grpc/proto-loader';

export interface TimeArray {
  'data'?: (number | string | Long)[];
}

export interface TimeArray__Output {
  'data': (string)[];
}

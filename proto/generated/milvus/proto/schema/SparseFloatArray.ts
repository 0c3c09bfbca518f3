// Original file: null

import type { Long } from '@grpc/proto-loader';

export interface SparseFloatArray {
  'contents'?: (Buffer | Uint8Array | string)[];
  'dim'?: (number | string | Long);
}

export interface SparseFloatArray__Output {
  'contents': (Buffer)[];
  'dim': (string);
}

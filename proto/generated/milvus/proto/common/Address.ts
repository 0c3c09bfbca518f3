// Original file: null

import type { Long } from '@grpc/proto-loader';

export interface Address {
  'ip'?: (string);
  'port'?: (number | string | Long);
}

export interface Address__Output {
  'ip': (string);
  'port': (string);
}

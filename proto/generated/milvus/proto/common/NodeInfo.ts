// Original file: null

import type { Long } from '@grpc/proto-loader';

export interface NodeInfo {
  'node_id'?: (number | string | Long);
  'address'?: (string);
  'hostname'?: (string);
}

export interface NodeInfo__Output {
  'node_id': (string);
  'address': (string);
  'hostname': (string);
}

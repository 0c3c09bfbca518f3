// Original file: mishards/data_node.proto

import type { Long } from '@grpc/proto-loader';

export interface DatabaseName {
  'id'?: (number | string | Long);
  'name'?: (string);
}

export interface DatabaseName__Output {
  'id': (string);
  'name': (string);
}

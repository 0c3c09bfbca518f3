// Original file: mishards/data_node.proto

import type { Long } from '@grpc/proto-loader';

export interface AliasName {
  'database_id'?: (number | string | Long);
  'alias'?: (string);
  'collection_id'?: (number | string | Long);
}

export interface AliasName__Output {
  'database_id': (string);
  'alias': (string);
  'collection_id': (string);
}

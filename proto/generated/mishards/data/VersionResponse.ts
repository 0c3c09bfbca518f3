// Original file: mishards/data_node.proto

import type { Long } from '@grpc/proto-loader';

export interface VersionResponse {
  'version'?: (number | string | Long);
}

export interface VersionResponse__Output {
  'version': (string);
}

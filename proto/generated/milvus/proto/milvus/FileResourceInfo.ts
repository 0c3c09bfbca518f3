// Original file: null

import type { Long } from '@grpc/proto-loader';

export interface FileResourceInfo {
  'id'?: (number | string | Long);
  'name'?: (string);
  'path'?: (string);
}

export interface FileResourceInfo__Output {
  'id': (string);
  'name': (string);
  'path': (string);
}

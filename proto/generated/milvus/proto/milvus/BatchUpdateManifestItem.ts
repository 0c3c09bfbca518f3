// Original file: null

import type { Long } from '@grpc/proto-loader';

export interface BatchUpdateManifestItem {
  'segment_id'?: (number | string | Long);
  'manifest_version'?: (number | string | Long);
}

export interface BatchUpdateManifestItem__Output {
  'segment_id': (string);
  'manifest_version': (string);
}

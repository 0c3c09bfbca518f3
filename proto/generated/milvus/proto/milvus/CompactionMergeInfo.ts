// Original file: null

import type { Long } from '@grpc/proto-loader';

export interface CompactionMergeInfo {
  'sources'?: (number | string | Long)[];
  'target'?: (number | string | Long);
}

export interface CompactionMergeInfo__Output {
  'sources': (string)[];
  'target': (string);
}

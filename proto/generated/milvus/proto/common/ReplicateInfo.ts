// Original file: null

import type { Long } from '@grpc/proto-loader';

/**
 * @deprecated
 */
export interface ReplicateInfo {
  'isReplicate'?: (boolean);
  'msgTimestamp'?: (number | string | Long);
  'replicateID'?: (string);
}

/**
 * @deprecated
 */
export interface ReplicateInfo__Output {
  'isReplicate': (boolean);
  'msgTimestamp': (string);
  'replicateID': (string);
}

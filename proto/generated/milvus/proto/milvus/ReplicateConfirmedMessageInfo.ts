// Original file: null

import type { Long } from '@grpc/proto-loader';

export interface ReplicateConfirmedMessageInfo {
  'confirmed_time_tick'?: (number | string | Long);
}

export interface ReplicateConfirmedMessageInfo__Output {
  'confirmed_time_tick': (string);
}

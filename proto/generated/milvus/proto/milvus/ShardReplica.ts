// Original file: null

import type { Long } from '@grpc/proto-loader';

export interface ShardReplica {
  'leaderID'?: (number | string | Long);
  'leader_addr'?: (string);
  'dm_channel_name'?: (string);
  'node_ids'?: (number | string | Long)[];
}

export interface ShardReplica__Output {
  'leaderID': (string);
  'leader_addr': (string);
  'dm_channel_name': (string);
  'node_ids': (string)[];
}

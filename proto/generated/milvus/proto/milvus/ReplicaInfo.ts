// Original file: null

import type { ShardReplica as _milvus_proto_milvus_ShardReplica, ShardReplica__Output as _milvus_proto_milvus_ShardReplica__Output } from '../../../milvus/proto/milvus/ShardReplica.js';
import type { Long } from '@grpc/proto-loader';

export interface ReplicaInfo {
  'replicaID'?: (number | string | Long);
  'collectionID'?: (number | string | Long);
  'partition_ids'?: (number | string | Long)[];
  'shard_replicas'?: (_milvus_proto_milvus_ShardReplica)[];
  'node_ids'?: (number | string | Long)[];
  'resource_group_name'?: (string);
  'num_outbound_node'?: ({[key: string]: number});
}

export interface ReplicaInfo__Output {
  'replicaID': (string);
  'collectionID': (string);
  'partition_ids': (string)[];
  'shard_replicas': (_milvus_proto_milvus_ShardReplica__Output)[];
  'node_ids': (string)[];
  'resource_group_name': (string);
  'num_outbound_node': ({[key: string]: number});
}

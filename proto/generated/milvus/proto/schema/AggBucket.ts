// Original file: null

import type { BucketKeyEntry as _milvus_proto_schema_BucketKeyEntry, BucketKeyEntry__Output as _milvus_proto_schema_BucketKeyEntry__Output } from '../../../milvus/proto/schema/BucketKeyEntry.js';
import type { MetricValue as _milvus_proto_schema_MetricValue, MetricValue__Output as _milvus_proto_schema_MetricValue__Output } from '../../../milvus/proto/schema/MetricValue.js';
import type { AggHit as _milvus_proto_schema_AggHit, AggHit__Output as _milvus_proto_schema_AggHit__Output } from '../../../milvus/proto/schema/AggHit.js';
import type { AggBucket as _milvus_proto_schema_AggBucket, AggBucket__Output as _milvus_proto_schema_AggBucket__Output } from '../../../milvus/proto/schema/AggBucket.js';
import type { Long } from '@grpc/proto-loader';

export interface AggBucket {
  'key'?: (_milvus_proto_schema_BucketKeyEntry)[];
  'count'?: (number | string | Long);
  'metrics'?: ({[key: string]: _milvus_proto_schema_MetricValue});
  'hits'?: (_milvus_proto_schema_AggHit)[];
  'sub_groups'?: (_milvus_proto_schema_AggBucket)[];
}

export interface AggBucket__Output {
  'key': (_milvus_proto_schema_BucketKeyEntry__Output)[];
  'count': (string);
  'metrics': ({[key: string]: _milvus_proto_schema_MetricValue__Output});
  'hits': (_milvus_proto_schema_AggHit__Output)[];
  'sub_groups': (_milvus_proto_schema_AggBucket__Output)[];
}

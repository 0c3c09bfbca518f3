// Original file: null

import type { SegmentState as _milvus_proto_common_SegmentState, SegmentState__Output as _milvus_proto_common_SegmentState__Output } from '../../../milvus/proto/common/SegmentState.js';
import type { SegmentLevel as _milvus_proto_common_SegmentLevel, SegmentLevel__Output as _milvus_proto_common_SegmentLevel__Output } from '../../../milvus/proto/common/SegmentLevel.js';
import type { Long } from '@grpc/proto-loader';

export interface PersistentSegmentInfo {
  'segmentID'?: (number | string | Long);
  'collectionID'?: (number | string | Long);
  'partitionID'?: (number | string | Long);
  'num_rows'?: (number | string | Long);
  'state'?: (_milvus_proto_common_SegmentState);
  'level'?: (_milvus_proto_common_SegmentLevel);
  'is_sorted'?: (boolean);
  'storage_version'?: (number | string | Long);
}

export interface PersistentSegmentInfo__Output {
  'segmentID': (string);
  'collectionID': (string);
  'partitionID': (string);
  'num_rows': (string);
  'state': (_milvus_proto_common_SegmentState__Output);
  'level': (_milvus_proto_common_SegmentLevel__Output);
  'is_sorted': (boolean);
  'storage_version': (string);
}

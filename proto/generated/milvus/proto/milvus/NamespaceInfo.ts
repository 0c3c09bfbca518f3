// Original file: null

import type { NamespaceStats as _milvus_proto_milvus_NamespaceStats, NamespaceStats__Output as _milvus_proto_milvus_NamespaceStats__Output } from '../../../milvus/proto/milvus/NamespaceStats.js';
import type { Long } from '@grpc/proto-loader';

export interface NamespaceInfo {
  'collection_name'?: (string);
  'namespace_name'?: (string);
  'created_timestamp'?: (number | string | Long);
  'created_utc_timestamp'?: (number | string | Long);
  'state'?: (string);
  'stats'?: (_milvus_proto_milvus_NamespaceStats | null);
}

export interface NamespaceInfo__Output {
  'collection_name': (string);
  'namespace_name': (string);
  'created_timestamp': (string);
  'created_utc_timestamp': (string);
  'state': (string);
  'stats': (_milvus_proto_milvus_NamespaceStats__Output | null);
}

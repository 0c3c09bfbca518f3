// Original file: null

import type { FlushCollectionResult as _milvus_proto_milvus_FlushCollectionResult, FlushCollectionResult__Output as _milvus_proto_milvus_FlushCollectionResult__Output } from '../../../milvus/proto/milvus/FlushCollectionResult.js';

export interface FlushAllResult {
  'db_name'?: (string);
  'collection_results'?: (_milvus_proto_milvus_FlushCollectionResult)[];
}

export interface FlushAllResult__Output {
  'db_name': (string);
  'collection_results': (_milvus_proto_milvus_FlushCollectionResult__Output)[];
}

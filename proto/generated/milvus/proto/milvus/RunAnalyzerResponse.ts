// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { AnalyzerResult as _milvus_proto_milvus_AnalyzerResult, AnalyzerResult__Output as _milvus_proto_milvus_AnalyzerResult__Output } from '../../../milvus/proto/milvus/AnalyzerResult.js';

export interface RunAnalyzerResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'results'?: (_milvus_proto_milvus_AnalyzerResult)[];
}

export interface RunAnalyzerResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'results': (_milvus_proto_milvus_AnalyzerResult__Output)[];
}

// Original file: null

import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from '../../../milvus/proto/common/Status.js';
import type { ImportState as _milvus_proto_common_ImportState, ImportState__Output as _milvus_proto_common_ImportState__Output } from '../../../milvus/proto/common/ImportState.js';
import type { KeyValuePair as _milvus_proto_common_KeyValuePair, KeyValuePair__Output as _milvus_proto_common_KeyValuePair__Output } from '../../../milvus/proto/common/KeyValuePair.js';
import type { Long } from '@grpc/proto-loader';

export interface GetImportStateResponse {
  'status'?: (_milvus_proto_common_Status | null);
  'state'?: (_milvus_proto_common_ImportState);
  'row_count'?: (number | string | Long);
  'id_list'?: (number | string | Long)[];
  'infos'?: (_milvus_proto_common_KeyValuePair)[];
  'id'?: (number | string | Long);
  'collection_id'?: (number | string | Long);
  'segment_ids'?: (number | string | Long)[];
  'create_ts'?: (number | string | Long);
}

export interface GetImportStateResponse__Output {
  'status': (_milvus_proto_common_Status__Output | null);
  'state': (_milvus_proto_common_ImportState__Output);
  'row_count': (string);
  'id_list': (string)[];
  'infos': (_milvus_proto_common_KeyValuePair__Output)[];
  'id': (string);
  'collection_id': (string);
  'segment_ids': (string)[];
  'create_ts': (string);
}

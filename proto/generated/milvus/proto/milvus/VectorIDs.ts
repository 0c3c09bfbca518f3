// Original file: null

import type { IDs as _milvus_proto_schema_IDs, IDs__Output as _milvus_proto_schema_IDs__Output } from '../../../milvus/proto/schema/IDs.js';

export interface VectorIDs {
  'collection_name'?: (string);
  'field_name'?: (string);
  'id_array'?: (_milvus_proto_schema_IDs | null);
  'partition_names'?: (string)[];
}

export interface VectorIDs__Output {
  'collection_name': (string);
  'field_name': (string);
  'id_array': (_milvus_proto_schema_IDs__Output | null);
  'partition_names': (string)[];
}

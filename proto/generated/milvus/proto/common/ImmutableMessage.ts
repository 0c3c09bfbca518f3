// Original file: null

import type { MessageID as _milvus_proto_common_MessageID, MessageID__Output as _milvus_proto_common_MessageID__Output } from '../../../milvus/proto/common/MessageID.js';

export interface ImmutableMessage {
  'id'?: (_milvus_proto_common_MessageID | null);
  'payload'?: (Buffer | Uint8Array | string);
  'properties'?: ({[key: string]: string});
}

export interface ImmutableMessage__Output {
  'id': (_milvus_proto_common_MessageID__Output | null);
  'payload': (Buffer);
  'properties': ({[key: string]: string});
}

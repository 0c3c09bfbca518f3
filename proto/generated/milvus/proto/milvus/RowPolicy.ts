// Original file: null

import type { RowPolicyAction as _milvus_proto_milvus_RowPolicyAction, RowPolicyAction__Output as _milvus_proto_milvus_RowPolicyAction__Output } from '../../../milvus/proto/milvus/RowPolicyAction.js';
import type { Long } from '@grpc/proto-loader';

export interface RowPolicy {
  'policy_name'?: (string);
  'actions'?: (_milvus_proto_milvus_RowPolicyAction)[];
  'roles'?: (string)[];
  'using_expr'?: (string);
  'check_expr'?: (string);
  'description'?: (string);
  'created_at'?: (number | string | Long);
}

export interface RowPolicy__Output {
  'policy_name': (string);
  'actions': (_milvus_proto_milvus_RowPolicyAction__Output)[];
  'roles': (string)[];
  'using_expr': (string);
  'check_expr': (string);
  'description': (string);
  'created_at': (string);
}

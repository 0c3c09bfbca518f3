// Original file: null

import type { ResourceGroupLimit as _milvus_proto_rg_ResourceGroupLimit, ResourceGroupLimit__Output as _milvus_proto_rg_ResourceGroupLimit__Output } from '../../../milvus/proto/rg/ResourceGroupLimit.js';
import type { ResourceGroupTransfer as _milvus_proto_rg_ResourceGroupTransfer, ResourceGroupTransfer__Output as _milvus_proto_rg_ResourceGroupTransfer__Output } from '../../../milvus/proto/rg/ResourceGroupTransfer.js';
import type { ResourceGroupNodeFilter as _milvus_proto_rg_ResourceGroupNodeFilter, ResourceGroupNodeFilter__Output as _milvus_proto_rg_ResourceGroupNodeFilter__Output } from '../../../milvus/proto/rg/ResourceGroupNodeFilter.js';

export interface ResourceGroupConfig {
  'requests'?: (_milvus_proto_rg_ResourceGroupLimit | null);
  'limits'?: (_milvus_proto_rg_ResourceGroupLimit | null);
  'transfer_from'?: (_milvus_proto_rg_ResourceGroupTransfer)[];
  'transfer_to'?: (_milvus_proto_rg_ResourceGroupTransfer)[];
  'node_filter'?: (_milvus_proto_rg_ResourceGroupNodeFilter | null);
}

export interface ResourceGroupConfig__Output {
  'requests': (_milvus_proto_rg_ResourceGroupLimit__Output | null);
  'limits': (_milvus_proto_rg_ResourceGroupLimit__Output | null);
  'transfer_from': (_milvus_proto_rg_ResourceGroupTransfer__Output)[];
  'transfer_to': (_milvus_proto_rg_ResourceGroupTransfer__Output)[];
  'node_filter': (_milvus_proto_rg_ResourceGroupNodeFilter__Output | null);
}

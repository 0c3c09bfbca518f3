// Original file: null

import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from '../../../milvus/proto/common/MsgBase.js';
import type { ResourceGroupConfig as _milvus_proto_rg_ResourceGroupConfig, ResourceGroupConfig__Output as _milvus_proto_rg_ResourceGroupConfig__Output } from '../../../milvus/proto/rg/ResourceGroupConfig.js';

export interface UpdateResourceGroupsRequest {
  'base'?: (_milvus_proto_common_MsgBase | null);
  'resource_groups'?: ({[key: string]: _milvus_proto_rg_ResourceGroupConfig});
}

export interface UpdateResourceGroupsRequest__Output {
  'base': (_milvus_proto_common_MsgBase__Output | null);
  'resource_groups': ({[key: string]: _milvus_proto_rg_ResourceGroupConfig__Output});
}

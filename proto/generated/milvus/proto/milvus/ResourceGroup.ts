// Original file: null

import type { ResourceGroupConfig as _milvus_proto_rg_ResourceGroupConfig, ResourceGroupConfig__Output as _milvus_proto_rg_ResourceGroupConfig__Output } from '../../../milvus/proto/rg/ResourceGroupConfig.js';
import type { NodeInfo as _milvus_proto_common_NodeInfo, NodeInfo__Output as _milvus_proto_common_NodeInfo__Output } from '../../../milvus/proto/common/NodeInfo.js';

export interface ResourceGroup {
  'name'?: (string);
  'capacity'?: (number);
  'num_available_node'?: (number);
  'num_loaded_replica'?: ({[key: string]: number});
  'num_outgoing_node'?: ({[key: string]: number});
  'num_incoming_node'?: ({[key: string]: number});
  'config'?: (_milvus_proto_rg_ResourceGroupConfig | null);
  'nodes'?: (_milvus_proto_common_NodeInfo)[];
}

export interface ResourceGroup__Output {
  'name': (string);
  'capacity': (number);
  'num_available_node': (number);
  'num_loaded_replica': ({[key: string]: number});
  'num_outgoing_node': ({[key: string]: number});
  'num_incoming_node': ({[key: string]: number});
  'config': (_milvus_proto_rg_ResourceGroupConfig__Output | null);
  'nodes': (_milvus_proto_common_NodeInfo__Output)[];
}

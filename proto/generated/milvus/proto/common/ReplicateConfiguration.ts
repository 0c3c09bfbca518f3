// Original file: null

import type { MilvusCluster as _milvus_proto_common_MilvusCluster, MilvusCluster__Output as _milvus_proto_common_MilvusCluster__Output } from '../../../milvus/proto/common/MilvusCluster.js';
import type { CrossClusterTopology as _milvus_proto_common_CrossClusterTopology, CrossClusterTopology__Output as _milvus_proto_common_CrossClusterTopology__Output } from '../../../milvus/proto/common/CrossClusterTopology.js';

export interface ReplicateConfiguration {
  'clusters'?: (_milvus_proto_common_MilvusCluster)[];
  'cross_cluster_topology'?: (_milvus_proto_common_CrossClusterTopology)[];
}

export interface ReplicateConfiguration__Output {
  'clusters': (_milvus_proto_common_MilvusCluster__Output)[];
  'cross_cluster_topology': (_milvus_proto_common_CrossClusterTopology__Output)[];
}

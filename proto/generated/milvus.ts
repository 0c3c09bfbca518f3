import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Address as _milvus_proto_common_Address, Address__Output as _milvus_proto_common_Address__Output } from './milvus/proto/common/Address.js';
import type { ClientInfo as _milvus_proto_common_ClientInfo, ClientInfo__Output as _milvus_proto_common_ClientInfo__Output } from './milvus/proto/common/ClientInfo.js';
import type { ConnectionParam as _milvus_proto_common_ConnectionParam, ConnectionParam__Output as _milvus_proto_common_ConnectionParam__Output } from './milvus/proto/common/ConnectionParam.js';
import type { CrossClusterTopology as _milvus_proto_common_CrossClusterTopology, CrossClusterTopology__Output as _milvus_proto_common_CrossClusterTopology__Output } from './milvus/proto/common/CrossClusterTopology.js';
import type { HighlightData as _milvus_proto_common_HighlightData, HighlightData__Output as _milvus_proto_common_HighlightData__Output } from './milvus/proto/common/HighlightData.js';
import type { HighlightResult as _milvus_proto_common_HighlightResult, HighlightResult__Output as _milvus_proto_common_HighlightResult__Output } from './milvus/proto/common/HighlightResult.js';
import type { Highlighter as _milvus_proto_common_Highlighter, Highlighter__Output as _milvus_proto_common_Highlighter__Output } from './milvus/proto/common/Highlighter.js';
import type { ImmutableMessage as _milvus_proto_common_ImmutableMessage, ImmutableMessage__Output as _milvus_proto_common_ImmutableMessage__Output } from './milvus/proto/common/ImmutableMessage.js';
import type { KeyDataPair as _milvus_proto_common_KeyDataPair, KeyDataPair__Output as _milvus_proto_common_KeyDataPair__Output } from './milvus/proto/common/KeyDataPair.js';
import type { KeyValuePair as _milvus_proto_common_KeyValuePair, KeyValuePair__Output as _milvus_proto_common_KeyValuePair__Output } from './milvus/proto/common/KeyValuePair.js';
import type { MessageID as _milvus_proto_common_MessageID, MessageID__Output as _milvus_proto_common_MessageID__Output } from './milvus/proto/common/MessageID.js';
import type { MetricAggSpec as _milvus_proto_common_MetricAggSpec, MetricAggSpec__Output as _milvus_proto_common_MetricAggSpec__Output } from './milvus/proto/common/MetricAggSpec.js';
import type { MilvusCluster as _milvus_proto_common_MilvusCluster, MilvusCluster__Output as _milvus_proto_common_MilvusCluster__Output } from './milvus/proto/common/MilvusCluster.js';
import type { MsgBase as _milvus_proto_common_MsgBase, MsgBase__Output as _milvus_proto_common_MsgBase__Output } from './milvus/proto/common/MsgBase.js';
import type { NodeInfo as _milvus_proto_common_NodeInfo, NodeInfo__Output as _milvus_proto_common_NodeInfo__Output } from './milvus/proto/common/NodeInfo.js';
import type { OrderSpec as _milvus_proto_common_OrderSpec, OrderSpec__Output as _milvus_proto_common_OrderSpec__Output } from './milvus/proto/common/OrderSpec.js';
import type { PlaceholderGroup as _milvus_proto_common_PlaceholderGroup, PlaceholderGroup__Output as _milvus_proto_common_PlaceholderGroup__Output } from './milvus/proto/common/PlaceholderGroup.js';
import type { PlaceholderValue as _milvus_proto_common_PlaceholderValue, PlaceholderValue__Output as _milvus_proto_common_PlaceholderValue__Output } from './milvus/proto/common/PlaceholderValue.js';
import type { ReplicateCheckpoint as _milvus_proto_common_ReplicateCheckpoint, ReplicateCheckpoint__Output as _milvus_proto_common_ReplicateCheckpoint__Output } from './milvus/proto/common/ReplicateCheckpoint.js';
import type { ReplicateConfiguration as _milvus_proto_common_ReplicateConfiguration, ReplicateConfiguration__Output as _milvus_proto_common_ReplicateConfiguration__Output } from './milvus/proto/common/ReplicateConfiguration.js';
import type { ReplicateInfo as _milvus_proto_common_ReplicateInfo, ReplicateInfo__Output as _milvus_proto_common_ReplicateInfo__Output } from './milvus/proto/common/ReplicateInfo.js';
import type { SearchAggregationSpec as _milvus_proto_common_SearchAggregationSpec, SearchAggregationSpec__Output as _milvus_proto_common_SearchAggregationSpec__Output } from './milvus/proto/common/SearchAggregationSpec.js';
import type { ServerInfo as _milvus_proto_common_ServerInfo, ServerInfo__Output as _milvus_proto_common_ServerInfo__Output } from './milvus/proto/common/ServerInfo.js';
import type { SortSpec as _milvus_proto_common_SortSpec, SortSpec__Output as _milvus_proto_common_SortSpec__Output } from './milvus/proto/common/SortSpec.js';
import type { Status as _milvus_proto_common_Status, Status__Output as _milvus_proto_common_Status__Output } from './milvus/proto/common/Status.js';
import type { TopHitsSpec as _milvus_proto_common_TopHitsSpec, TopHitsSpec__Output as _milvus_proto_common_TopHitsSpec__Output } from './milvus/proto/common/TopHitsSpec.js';
import type { DescribeSegmentIndexDataRequest as _milvus_proto_feder_DescribeSegmentIndexDataRequest, DescribeSegmentIndexDataRequest__Output as _milvus_proto_feder_DescribeSegmentIndexDataRequest__Output } from './milvus/proto/feder/DescribeSegmentIndexDataRequest.js';
import type { DescribeSegmentIndexDataResponse as _milvus_proto_feder_DescribeSegmentIndexDataResponse, DescribeSegmentIndexDataResponse__Output as _milvus_proto_feder_DescribeSegmentIndexDataResponse__Output } from './milvus/proto/feder/DescribeSegmentIndexDataResponse.js';
import type { ListIndexedSegmentRequest as _milvus_proto_feder_ListIndexedSegmentRequest, ListIndexedSegmentRequest__Output as _milvus_proto_feder_ListIndexedSegmentRequest__Output } from './milvus/proto/feder/ListIndexedSegmentRequest.js';
import type { ListIndexedSegmentResponse as _milvus_proto_feder_ListIndexedSegmentResponse, ListIndexedSegmentResponse__Output as _milvus_proto_feder_ListIndexedSegmentResponse__Output } from './milvus/proto/feder/ListIndexedSegmentResponse.js';
import type { SegmentIndexData as _milvus_proto_feder_SegmentIndexData, SegmentIndexData__Output as _milvus_proto_feder_SegmentIndexData__Output } from './milvus/proto/feder/SegmentIndexData.js';
import type { AddCollectionFieldRequest as _milvus_proto_milvus_AddCollectionFieldRequest, AddCollectionFieldRequest__Output as _milvus_proto_milvus_AddCollectionFieldRequest__Output } from './milvus/proto/milvus/AddCollectionFieldRequest.js';
import type { AddCollectionFunctionRequest as _milvus_proto_milvus_AddCollectionFunctionRequest, AddCollectionFunctionRequest__Output as _milvus_proto_milvus_AddCollectionFunctionRequest__Output } from './milvus/proto/milvus/AddCollectionFunctionRequest.js';
import type { AddCollectionStructFieldRequest as _milvus_proto_milvus_AddCollectionStructFieldRequest, AddCollectionStructFieldRequest__Output as _milvus_proto_milvus_AddCollectionStructFieldRequest__Output } from './milvus/proto/milvus/AddCollectionStructFieldRequest.js';
import type { AddFileResourceRequest as _milvus_proto_milvus_AddFileResourceRequest, AddFileResourceRequest__Output as _milvus_proto_milvus_AddFileResourceRequest__Output } from './milvus/proto/milvus/AddFileResourceRequest.js';
import type { AddUserTagsRequest as _milvus_proto_milvus_AddUserTagsRequest, AddUserTagsRequest__Output as _milvus_proto_milvus_AddUserTagsRequest__Output } from './milvus/proto/milvus/AddUserTagsRequest.js';
import type { AllocTimestampRequest as _milvus_proto_milvus_AllocTimestampRequest, AllocTimestampRequest__Output as _milvus_proto_milvus_AllocTimestampRequest__Output } from './milvus/proto/milvus/AllocTimestampRequest.js';
import type { AllocTimestampResponse as _milvus_proto_milvus_AllocTimestampResponse, AllocTimestampResponse__Output as _milvus_proto_milvus_AllocTimestampResponse__Output } from './milvus/proto/milvus/AllocTimestampResponse.js';
import type { AlterAliasRequest as _milvus_proto_milvus_AlterAliasRequest, AlterAliasRequest__Output as _milvus_proto_milvus_AlterAliasRequest__Output } from './milvus/proto/milvus/AlterAliasRequest.js';
import type { AlterCollectionFieldRequest as _milvus_proto_milvus_AlterCollectionFieldRequest, AlterCollectionFieldRequest__Output as _milvus_proto_milvus_AlterCollectionFieldRequest__Output } from './milvus/proto/milvus/AlterCollectionFieldRequest.js';
import type { AlterCollectionFunctionRequest as _milvus_proto_milvus_AlterCollectionFunctionRequest, AlterCollectionFunctionRequest__Output as _milvus_proto_milvus_AlterCollectionFunctionRequest__Output } from './milvus/proto/milvus/AlterCollectionFunctionRequest.js';
import type { AlterCollectionRequest as _milvus_proto_milvus_AlterCollectionRequest, AlterCollectionRequest__Output as _milvus_proto_milvus_AlterCollectionRequest__Output } from './milvus/proto/milvus/AlterCollectionRequest.js';
import type { AlterCollectionSchemaRequest as _milvus_proto_milvus_AlterCollectionSchemaRequest, AlterCollectionSchemaRequest__Output as _milvus_proto_milvus_AlterCollectionSchemaRequest__Output } from './milvus/proto/milvus/AlterCollectionSchemaRequest.js';
import type { AlterCollectionSchemaResponse as _milvus_proto_milvus_AlterCollectionSchemaResponse, AlterCollectionSchemaResponse__Output as _milvus_proto_milvus_AlterCollectionSchemaResponse__Output } from './milvus/proto/milvus/AlterCollectionSchemaResponse.js';
import type { AlterDatabaseRequest as _milvus_proto_milvus_AlterDatabaseRequest, AlterDatabaseRequest__Output as _milvus_proto_milvus_AlterDatabaseRequest__Output } from './milvus/proto/milvus/AlterDatabaseRequest.js';
import type { AlterIndexRequest as _milvus_proto_milvus_AlterIndexRequest, AlterIndexRequest__Output as _milvus_proto_milvus_AlterIndexRequest__Output } from './milvus/proto/milvus/AlterIndexRequest.js';
import type { AlterRoleRequest as _milvus_proto_milvus_AlterRoleRequest, AlterRoleRequest__Output as _milvus_proto_milvus_AlterRoleRequest__Output } from './milvus/proto/milvus/AlterRoleRequest.js';
import type { AnalyzerResult as _milvus_proto_milvus_AnalyzerResult, AnalyzerResult__Output as _milvus_proto_milvus_AnalyzerResult__Output } from './milvus/proto/milvus/AnalyzerResult.js';
import type { AnalyzerToken as _milvus_proto_milvus_AnalyzerToken, AnalyzerToken__Output as _milvus_proto_milvus_AnalyzerToken__Output } from './milvus/proto/milvus/AnalyzerToken.js';
import type { BackupRBACMetaRequest as _milvus_proto_milvus_BackupRBACMetaRequest, BackupRBACMetaRequest__Output as _milvus_proto_milvus_BackupRBACMetaRequest__Output } from './milvus/proto/milvus/BackupRBACMetaRequest.js';
import type { BackupRBACMetaResponse as _milvus_proto_milvus_BackupRBACMetaResponse, BackupRBACMetaResponse__Output as _milvus_proto_milvus_BackupRBACMetaResponse__Output } from './milvus/proto/milvus/BackupRBACMetaResponse.js';
import type { BatchDescribeCollectionRequest as _milvus_proto_milvus_BatchDescribeCollectionRequest, BatchDescribeCollectionRequest__Output as _milvus_proto_milvus_BatchDescribeCollectionRequest__Output } from './milvus/proto/milvus/BatchDescribeCollectionRequest.js';
import type { BatchDescribeCollectionResponse as _milvus_proto_milvus_BatchDescribeCollectionResponse, BatchDescribeCollectionResponse__Output as _milvus_proto_milvus_BatchDescribeCollectionResponse__Output } from './milvus/proto/milvus/BatchDescribeCollectionResponse.js';
import type { BatchUpdateManifestItem as _milvus_proto_milvus_BatchUpdateManifestItem, BatchUpdateManifestItem__Output as _milvus_proto_milvus_BatchUpdateManifestItem__Output } from './milvus/proto/milvus/BatchUpdateManifestItem.js';
import type { BatchUpdateManifestRequest as _milvus_proto_milvus_BatchUpdateManifestRequest, BatchUpdateManifestRequest__Output as _milvus_proto_milvus_BatchUpdateManifestRequest__Output } from './milvus/proto/milvus/BatchUpdateManifestRequest.js';
import type { BoolResponse as _milvus_proto_milvus_BoolResponse, BoolResponse__Output as _milvus_proto_milvus_BoolResponse__Output } from './milvus/proto/milvus/BoolResponse.js';
import type { CalcDistanceRequest as _milvus_proto_milvus_CalcDistanceRequest, CalcDistanceRequest__Output as _milvus_proto_milvus_CalcDistanceRequest__Output } from './milvus/proto/milvus/CalcDistanceRequest.js';
import type { CalcDistanceResults as _milvus_proto_milvus_CalcDistanceResults, CalcDistanceResults__Output as _milvus_proto_milvus_CalcDistanceResults__Output } from './milvus/proto/milvus/CalcDistanceResults.js';
import type { CheckHealthRequest as _milvus_proto_milvus_CheckHealthRequest, CheckHealthRequest__Output as _milvus_proto_milvus_CheckHealthRequest__Output } from './milvus/proto/milvus/CheckHealthRequest.js';
import type { CheckHealthResponse as _milvus_proto_milvus_CheckHealthResponse, CheckHealthResponse__Output as _milvus_proto_milvus_CheckHealthResponse__Output } from './milvus/proto/milvus/CheckHealthResponse.js';
import type { ClusterInfo as _milvus_proto_milvus_ClusterInfo, ClusterInfo__Output as _milvus_proto_milvus_ClusterInfo__Output } from './milvus/proto/milvus/ClusterInfo.js';
import type { CompactionMergeInfo as _milvus_proto_milvus_CompactionMergeInfo, CompactionMergeInfo__Output as _milvus_proto_milvus_CompactionMergeInfo__Output } from './milvus/proto/milvus/CompactionMergeInfo.js';
import type { ComponentInfo as _milvus_proto_milvus_ComponentInfo, ComponentInfo__Output as _milvus_proto_milvus_ComponentInfo__Output } from './milvus/proto/milvus/ComponentInfo.js';
import type { ComponentStates as _milvus_proto_milvus_ComponentStates, ComponentStates__Output as _milvus_proto_milvus_ComponentStates__Output } from './milvus/proto/milvus/ComponentStates.js';
import type { ComputePhraseMatchSlopRequest as _milvus_proto_milvus_ComputePhraseMatchSlopRequest, ComputePhraseMatchSlopRequest__Output as _milvus_proto_milvus_ComputePhraseMatchSlopRequest__Output } from './milvus/proto/milvus/ComputePhraseMatchSlopRequest.js';
import type { ComputePhraseMatchSlopResponse as _milvus_proto_milvus_ComputePhraseMatchSlopResponse, ComputePhraseMatchSlopResponse__Output as _milvus_proto_milvus_ComputePhraseMatchSlopResponse__Output } from './milvus/proto/milvus/ComputePhraseMatchSlopResponse.js';
import type { ConnectRequest as _milvus_proto_milvus_ConnectRequest, ConnectRequest__Output as _milvus_proto_milvus_ConnectRequest__Output } from './milvus/proto/milvus/ConnectRequest.js';
import type { ConnectResponse as _milvus_proto_milvus_ConnectResponse, ConnectResponse__Output as _milvus_proto_milvus_ConnectResponse__Output } from './milvus/proto/milvus/ConnectResponse.js';
import type { CreateAliasRequest as _milvus_proto_milvus_CreateAliasRequest, CreateAliasRequest__Output as _milvus_proto_milvus_CreateAliasRequest__Output } from './milvus/proto/milvus/CreateAliasRequest.js';
import type { CreateCollectionRequest as _milvus_proto_milvus_CreateCollectionRequest, CreateCollectionRequest__Output as _milvus_proto_milvus_CreateCollectionRequest__Output } from './milvus/proto/milvus/CreateCollectionRequest.js';
import type { CreateCredentialRequest as _milvus_proto_milvus_CreateCredentialRequest, CreateCredentialRequest__Output as _milvus_proto_milvus_CreateCredentialRequest__Output } from './milvus/proto/milvus/CreateCredentialRequest.js';
import type { CreateDatabaseRequest as _milvus_proto_milvus_CreateDatabaseRequest, CreateDatabaseRequest__Output as _milvus_proto_milvus_CreateDatabaseRequest__Output } from './milvus/proto/milvus/CreateDatabaseRequest.js';
import type { CreateIndexRequest as _milvus_proto_milvus_CreateIndexRequest, CreateIndexRequest__Output as _milvus_proto_milvus_CreateIndexRequest__Output } from './milvus/proto/milvus/CreateIndexRequest.js';
import type { CreateNamespaceRequest as _milvus_proto_milvus_CreateNamespaceRequest, CreateNamespaceRequest__Output as _milvus_proto_milvus_CreateNamespaceRequest__Output } from './milvus/proto/milvus/CreateNamespaceRequest.js';
import type { CreateNamespaceResponse as _milvus_proto_milvus_CreateNamespaceResponse, CreateNamespaceResponse__Output as _milvus_proto_milvus_CreateNamespaceResponse__Output } from './milvus/proto/milvus/CreateNamespaceResponse.js';
import type { CreatePartitionRequest as _milvus_proto_milvus_CreatePartitionRequest, CreatePartitionRequest__Output as _milvus_proto_milvus_CreatePartitionRequest__Output } from './milvus/proto/milvus/CreatePartitionRequest.js';
import type { CreatePrivilegeGroupRequest as _milvus_proto_milvus_CreatePrivilegeGroupRequest, CreatePrivilegeGroupRequest__Output as _milvus_proto_milvus_CreatePrivilegeGroupRequest__Output } from './milvus/proto/milvus/CreatePrivilegeGroupRequest.js';
import type { CreateResourceGroupRequest as _milvus_proto_milvus_CreateResourceGroupRequest, CreateResourceGroupRequest__Output as _milvus_proto_milvus_CreateResourceGroupRequest__Output } from './milvus/proto/milvus/CreateResourceGroupRequest.js';
import type { CreateRoleRequest as _milvus_proto_milvus_CreateRoleRequest, CreateRoleRequest__Output as _milvus_proto_milvus_CreateRoleRequest__Output } from './milvus/proto/milvus/CreateRoleRequest.js';
import type { CreateRowPolicyRequest as _milvus_proto_milvus_CreateRowPolicyRequest, CreateRowPolicyRequest__Output as _milvus_proto_milvus_CreateRowPolicyRequest__Output } from './milvus/proto/milvus/CreateRowPolicyRequest.js';
import type { CreateSnapshotRequest as _milvus_proto_milvus_CreateSnapshotRequest, CreateSnapshotRequest__Output as _milvus_proto_milvus_CreateSnapshotRequest__Output } from './milvus/proto/milvus/CreateSnapshotRequest.js';
import type { DeleteCredentialRequest as _milvus_proto_milvus_DeleteCredentialRequest, DeleteCredentialRequest__Output as _milvus_proto_milvus_DeleteCredentialRequest__Output } from './milvus/proto/milvus/DeleteCredentialRequest.js';
import type { DeleteRequest as _milvus_proto_milvus_DeleteRequest, DeleteRequest__Output as _milvus_proto_milvus_DeleteRequest__Output } from './milvus/proto/milvus/DeleteRequest.js';
import type { DeleteUserTagsRequest as _milvus_proto_milvus_DeleteUserTagsRequest, DeleteUserTagsRequest__Output as _milvus_proto_milvus_DeleteUserTagsRequest__Output } from './milvus/proto/milvus/DeleteUserTagsRequest.js';
import type { DescribeAliasRequest as _milvus_proto_milvus_DescribeAliasRequest, DescribeAliasRequest__Output as _milvus_proto_milvus_DescribeAliasRequest__Output } from './milvus/proto/milvus/DescribeAliasRequest.js';
import type { DescribeAliasResponse as _milvus_proto_milvus_DescribeAliasResponse, DescribeAliasResponse__Output as _milvus_proto_milvus_DescribeAliasResponse__Output } from './milvus/proto/milvus/DescribeAliasResponse.js';
import type { DescribeCollectionRequest as _milvus_proto_milvus_DescribeCollectionRequest, DescribeCollectionRequest__Output as _milvus_proto_milvus_DescribeCollectionRequest__Output } from './milvus/proto/milvus/DescribeCollectionRequest.js';
import type { DescribeCollectionResponse as _milvus_proto_milvus_DescribeCollectionResponse, DescribeCollectionResponse__Output as _milvus_proto_milvus_DescribeCollectionResponse__Output } from './milvus/proto/milvus/DescribeCollectionResponse.js';
import type { DescribeDatabaseRequest as _milvus_proto_milvus_DescribeDatabaseRequest, DescribeDatabaseRequest__Output as _milvus_proto_milvus_DescribeDatabaseRequest__Output } from './milvus/proto/milvus/DescribeDatabaseRequest.js';
import type { DescribeDatabaseResponse as _milvus_proto_milvus_DescribeDatabaseResponse, DescribeDatabaseResponse__Output as _milvus_proto_milvus_DescribeDatabaseResponse__Output } from './milvus/proto/milvus/DescribeDatabaseResponse.js';
import type { DescribeIndexRequest as _milvus_proto_milvus_DescribeIndexRequest, DescribeIndexRequest__Output as _milvus_proto_milvus_DescribeIndexRequest__Output } from './milvus/proto/milvus/DescribeIndexRequest.js';
import type { DescribeIndexResponse as _milvus_proto_milvus_DescribeIndexResponse, DescribeIndexResponse__Output as _milvus_proto_milvus_DescribeIndexResponse__Output } from './milvus/proto/milvus/DescribeIndexResponse.js';
import type { DescribeNamespaceRequest as _milvus_proto_milvus_DescribeNamespaceRequest, DescribeNamespaceRequest__Output as _milvus_proto_milvus_DescribeNamespaceRequest__Output } from './milvus/proto/milvus/DescribeNamespaceRequest.js';
import type { DescribeNamespaceResponse as _milvus_proto_milvus_DescribeNamespaceResponse, DescribeNamespaceResponse__Output as _milvus_proto_milvus_DescribeNamespaceResponse__Output } from './milvus/proto/milvus/DescribeNamespaceResponse.js';
import type { DescribePrewarmTaskRequest as _milvus_proto_milvus_DescribePrewarmTaskRequest, DescribePrewarmTaskRequest__Output as _milvus_proto_milvus_DescribePrewarmTaskRequest__Output } from './milvus/proto/milvus/DescribePrewarmTaskRequest.js';
import type { DescribePrewarmTaskResponse as _milvus_proto_milvus_DescribePrewarmTaskResponse, DescribePrewarmTaskResponse__Output as _milvus_proto_milvus_DescribePrewarmTaskResponse__Output } from './milvus/proto/milvus/DescribePrewarmTaskResponse.js';
import type { DescribeResourceGroupRequest as _milvus_proto_milvus_DescribeResourceGroupRequest, DescribeResourceGroupRequest__Output as _milvus_proto_milvus_DescribeResourceGroupRequest__Output } from './milvus/proto/milvus/DescribeResourceGroupRequest.js';
import type { DescribeResourceGroupResponse as _milvus_proto_milvus_DescribeResourceGroupResponse, DescribeResourceGroupResponse__Output as _milvus_proto_milvus_DescribeResourceGroupResponse__Output } from './milvus/proto/milvus/DescribeResourceGroupResponse.js';
import type { DescribeSnapshotRequest as _milvus_proto_milvus_DescribeSnapshotRequest, DescribeSnapshotRequest__Output as _milvus_proto_milvus_DescribeSnapshotRequest__Output } from './milvus/proto/milvus/DescribeSnapshotRequest.js';
import type { DescribeSnapshotResponse as _milvus_proto_milvus_DescribeSnapshotResponse, DescribeSnapshotResponse__Output as _milvus_proto_milvus_DescribeSnapshotResponse__Output } from './milvus/proto/milvus/DescribeSnapshotResponse.js';
import type { DropAliasRequest as _milvus_proto_milvus_DropAliasRequest, DropAliasRequest__Output as _milvus_proto_milvus_DropAliasRequest__Output } from './milvus/proto/milvus/DropAliasRequest.js';
import type { DropCollectionFunctionRequest as _milvus_proto_milvus_DropCollectionFunctionRequest, DropCollectionFunctionRequest__Output as _milvus_proto_milvus_DropCollectionFunctionRequest__Output } from './milvus/proto/milvus/DropCollectionFunctionRequest.js';
import type { DropCollectionRequest as _milvus_proto_milvus_DropCollectionRequest, DropCollectionRequest__Output as _milvus_proto_milvus_DropCollectionRequest__Output } from './milvus/proto/milvus/DropCollectionRequest.js';
import type { DropDatabaseRequest as _milvus_proto_milvus_DropDatabaseRequest, DropDatabaseRequest__Output as _milvus_proto_milvus_DropDatabaseRequest__Output } from './milvus/proto/milvus/DropDatabaseRequest.js';
import type { DropIndexRequest as _milvus_proto_milvus_DropIndexRequest, DropIndexRequest__Output as _milvus_proto_milvus_DropIndexRequest__Output } from './milvus/proto/milvus/DropIndexRequest.js';
import type { DropNamespaceRequest as _milvus_proto_milvus_DropNamespaceRequest, DropNamespaceRequest__Output as _milvus_proto_milvus_DropNamespaceRequest__Output } from './milvus/proto/milvus/DropNamespaceRequest.js';
import type { DropNamespaceResponse as _milvus_proto_milvus_DropNamespaceResponse, DropNamespaceResponse__Output as _milvus_proto_milvus_DropNamespaceResponse__Output } from './milvus/proto/milvus/DropNamespaceResponse.js';
import type { DropPartitionRequest as _milvus_proto_milvus_DropPartitionRequest, DropPartitionRequest__Output as _milvus_proto_milvus_DropPartitionRequest__Output } from './milvus/proto/milvus/DropPartitionRequest.js';
import type { DropPrivilegeGroupRequest as _milvus_proto_milvus_DropPrivilegeGroupRequest, DropPrivilegeGroupRequest__Output as _milvus_proto_milvus_DropPrivilegeGroupRequest__Output } from './milvus/proto/milvus/DropPrivilegeGroupRequest.js';
import type { DropResourceGroupRequest as _milvus_proto_milvus_DropResourceGroupRequest, DropResourceGroupRequest__Output as _milvus_proto_milvus_DropResourceGroupRequest__Output } from './milvus/proto/milvus/DropResourceGroupRequest.js';
import type { DropRoleRequest as _milvus_proto_milvus_DropRoleRequest, DropRoleRequest__Output as _milvus_proto_milvus_DropRoleRequest__Output } from './milvus/proto/milvus/DropRoleRequest.js';
import type { DropRowPolicyRequest as _milvus_proto_milvus_DropRowPolicyRequest, DropRowPolicyRequest__Output as _milvus_proto_milvus_DropRowPolicyRequest__Output } from './milvus/proto/milvus/DropRowPolicyRequest.js';
import type { DropSnapshotRequest as _milvus_proto_milvus_DropSnapshotRequest, DropSnapshotRequest__Output as _milvus_proto_milvus_DropSnapshotRequest__Output } from './milvus/proto/milvus/DropSnapshotRequest.js';
import type { DummyRequest as _milvus_proto_milvus_DummyRequest, DummyRequest__Output as _milvus_proto_milvus_DummyRequest__Output } from './milvus/proto/milvus/DummyRequest.js';
import type { DummyResponse as _milvus_proto_milvus_DummyResponse, DummyResponse__Output as _milvus_proto_milvus_DummyResponse__Output } from './milvus/proto/milvus/DummyResponse.js';
import type { DumpMessagesRequest as _milvus_proto_milvus_DumpMessagesRequest, DumpMessagesRequest__Output as _milvus_proto_milvus_DumpMessagesRequest__Output } from './milvus/proto/milvus/DumpMessagesRequest.js';
import type { DumpMessagesResponse as _milvus_proto_milvus_DumpMessagesResponse, DumpMessagesResponse__Output as _milvus_proto_milvus_DumpMessagesResponse__Output } from './milvus/proto/milvus/DumpMessagesResponse.js';
import type { ElementIndices as _milvus_proto_milvus_ElementIndices, ElementIndices__Output as _milvus_proto_milvus_ElementIndices__Output } from './milvus/proto/milvus/ElementIndices.js';
import type { ExportSnapshotRequest as _milvus_proto_milvus_ExportSnapshotRequest, ExportSnapshotRequest__Output as _milvus_proto_milvus_ExportSnapshotRequest__Output } from './milvus/proto/milvus/ExportSnapshotRequest.js';
import type { ExportSnapshotResponse as _milvus_proto_milvus_ExportSnapshotResponse, ExportSnapshotResponse__Output as _milvus_proto_milvus_ExportSnapshotResponse__Output } from './milvus/proto/milvus/ExportSnapshotResponse.js';
import type { FileResourceInfo as _milvus_proto_milvus_FileResourceInfo, FileResourceInfo__Output as _milvus_proto_milvus_FileResourceInfo__Output } from './milvus/proto/milvus/FileResourceInfo.js';
import type { FlushAllRequest as _milvus_proto_milvus_FlushAllRequest, FlushAllRequest__Output as _milvus_proto_milvus_FlushAllRequest__Output } from './milvus/proto/milvus/FlushAllRequest.js';
import type { FlushAllResponse as _milvus_proto_milvus_FlushAllResponse, FlushAllResponse__Output as _milvus_proto_milvus_FlushAllResponse__Output } from './milvus/proto/milvus/FlushAllResponse.js';
import type { FlushAllResult as _milvus_proto_milvus_FlushAllResult, FlushAllResult__Output as _milvus_proto_milvus_FlushAllResult__Output } from './milvus/proto/milvus/FlushAllResult.js';
import type { FlushAllState as _milvus_proto_milvus_FlushAllState, FlushAllState__Output as _milvus_proto_milvus_FlushAllState__Output } from './milvus/proto/milvus/FlushAllState.js';
import type { FlushAllTarget as _milvus_proto_milvus_FlushAllTarget, FlushAllTarget__Output as _milvus_proto_milvus_FlushAllTarget__Output } from './milvus/proto/milvus/FlushAllTarget.js';
import type { FlushCollectionResult as _milvus_proto_milvus_FlushCollectionResult, FlushCollectionResult__Output as _milvus_proto_milvus_FlushCollectionResult__Output } from './milvus/proto/milvus/FlushCollectionResult.js';
import type { FlushRequest as _milvus_proto_milvus_FlushRequest, FlushRequest__Output as _milvus_proto_milvus_FlushRequest__Output } from './milvus/proto/milvus/FlushRequest.js';
import type { FlushResponse as _milvus_proto_milvus_FlushResponse, FlushResponse__Output as _milvus_proto_milvus_FlushResponse__Output } from './milvus/proto/milvus/FlushResponse.js';
import type { GetCollectionStatisticsRequest as _milvus_proto_milvus_GetCollectionStatisticsRequest, GetCollectionStatisticsRequest__Output as _milvus_proto_milvus_GetCollectionStatisticsRequest__Output } from './milvus/proto/milvus/GetCollectionStatisticsRequest.js';
import type { GetCollectionStatisticsResponse as _milvus_proto_milvus_GetCollectionStatisticsResponse, GetCollectionStatisticsResponse__Output as _milvus_proto_milvus_GetCollectionStatisticsResponse__Output } from './milvus/proto/milvus/GetCollectionStatisticsResponse.js';
import type { GetCompactionPlansRequest as _milvus_proto_milvus_GetCompactionPlansRequest, GetCompactionPlansRequest__Output as _milvus_proto_milvus_GetCompactionPlansRequest__Output } from './milvus/proto/milvus/GetCompactionPlansRequest.js';
import type { GetCompactionPlansResponse as _milvus_proto_milvus_GetCompactionPlansResponse, GetCompactionPlansResponse__Output as _milvus_proto_milvus_GetCompactionPlansResponse__Output } from './milvus/proto/milvus/GetCompactionPlansResponse.js';
import type { GetCompactionStateRequest as _milvus_proto_milvus_GetCompactionStateRequest, GetCompactionStateRequest__Output as _milvus_proto_milvus_GetCompactionStateRequest__Output } from './milvus/proto/milvus/GetCompactionStateRequest.js';
import type { GetCompactionStateResponse as _milvus_proto_milvus_GetCompactionStateResponse, GetCompactionStateResponse__Output as _milvus_proto_milvus_GetCompactionStateResponse__Output } from './milvus/proto/milvus/GetCompactionStateResponse.js';
import type { GetComponentStatesRequest as _milvus_proto_milvus_GetComponentStatesRequest, GetComponentStatesRequest__Output as _milvus_proto_milvus_GetComponentStatesRequest__Output } from './milvus/proto/milvus/GetComponentStatesRequest.js';
import type { GetFlushAllStateRequest as _milvus_proto_milvus_GetFlushAllStateRequest, GetFlushAllStateRequest__Output as _milvus_proto_milvus_GetFlushAllStateRequest__Output } from './milvus/proto/milvus/GetFlushAllStateRequest.js';
import type { GetFlushAllStateResponse as _milvus_proto_milvus_GetFlushAllStateResponse, GetFlushAllStateResponse__Output as _milvus_proto_milvus_GetFlushAllStateResponse__Output } from './milvus/proto/milvus/GetFlushAllStateResponse.js';
import type { GetFlushStateRequest as _milvus_proto_milvus_GetFlushStateRequest, GetFlushStateRequest__Output as _milvus_proto_milvus_GetFlushStateRequest__Output } from './milvus/proto/milvus/GetFlushStateRequest.js';
import type { GetFlushStateResponse as _milvus_proto_milvus_GetFlushStateResponse, GetFlushStateResponse__Output as _milvus_proto_milvus_GetFlushStateResponse__Output } from './milvus/proto/milvus/GetFlushStateResponse.js';
import type { GetImportStateRequest as _milvus_proto_milvus_GetImportStateRequest, GetImportStateRequest__Output as _milvus_proto_milvus_GetImportStateRequest__Output } from './milvus/proto/milvus/GetImportStateRequest.js';
import type { GetImportStateResponse as _milvus_proto_milvus_GetImportStateResponse, GetImportStateResponse__Output as _milvus_proto_milvus_GetImportStateResponse__Output } from './milvus/proto/milvus/GetImportStateResponse.js';
import type { GetIndexBuildProgressRequest as _milvus_proto_milvus_GetIndexBuildProgressRequest, GetIndexBuildProgressRequest__Output as _milvus_proto_milvus_GetIndexBuildProgressRequest__Output } from './milvus/proto/milvus/GetIndexBuildProgressRequest.js';
import type { GetIndexBuildProgressResponse as _milvus_proto_milvus_GetIndexBuildProgressResponse, GetIndexBuildProgressResponse__Output as _milvus_proto_milvus_GetIndexBuildProgressResponse__Output } from './milvus/proto/milvus/GetIndexBuildProgressResponse.js';
import type { GetIndexStateRequest as _milvus_proto_milvus_GetIndexStateRequest, GetIndexStateRequest__Output as _milvus_proto_milvus_GetIndexStateRequest__Output } from './milvus/proto/milvus/GetIndexStateRequest.js';
import type { GetIndexStateResponse as _milvus_proto_milvus_GetIndexStateResponse, GetIndexStateResponse__Output as _milvus_proto_milvus_GetIndexStateResponse__Output } from './milvus/proto/milvus/GetIndexStateResponse.js';
import type { GetIndexStatisticsRequest as _milvus_proto_milvus_GetIndexStatisticsRequest, GetIndexStatisticsRequest__Output as _milvus_proto_milvus_GetIndexStatisticsRequest__Output } from './milvus/proto/milvus/GetIndexStatisticsRequest.js';
import type { GetIndexStatisticsResponse as _milvus_proto_milvus_GetIndexStatisticsResponse, GetIndexStatisticsResponse__Output as _milvus_proto_milvus_GetIndexStatisticsResponse__Output } from './milvus/proto/milvus/GetIndexStatisticsResponse.js';
import type { GetLoadStateRequest as _milvus_proto_milvus_GetLoadStateRequest, GetLoadStateRequest__Output as _milvus_proto_milvus_GetLoadStateRequest__Output } from './milvus/proto/milvus/GetLoadStateRequest.js';
import type { GetLoadStateResponse as _milvus_proto_milvus_GetLoadStateResponse, GetLoadStateResponse__Output as _milvus_proto_milvus_GetLoadStateResponse__Output } from './milvus/proto/milvus/GetLoadStateResponse.js';
import type { GetLoadingProgressRequest as _milvus_proto_milvus_GetLoadingProgressRequest, GetLoadingProgressRequest__Output as _milvus_proto_milvus_GetLoadingProgressRequest__Output } from './milvus/proto/milvus/GetLoadingProgressRequest.js';
import type { GetLoadingProgressResponse as _milvus_proto_milvus_GetLoadingProgressResponse, GetLoadingProgressResponse__Output as _milvus_proto_milvus_GetLoadingProgressResponse__Output } from './milvus/proto/milvus/GetLoadingProgressResponse.js';
import type { GetMetricsRequest as _milvus_proto_milvus_GetMetricsRequest, GetMetricsRequest__Output as _milvus_proto_milvus_GetMetricsRequest__Output } from './milvus/proto/milvus/GetMetricsRequest.js';
import type { GetMetricsResponse as _milvus_proto_milvus_GetMetricsResponse, GetMetricsResponse__Output as _milvus_proto_milvus_GetMetricsResponse__Output } from './milvus/proto/milvus/GetMetricsResponse.js';
import type { GetNamespaceStatsRequest as _milvus_proto_milvus_GetNamespaceStatsRequest, GetNamespaceStatsRequest__Output as _milvus_proto_milvus_GetNamespaceStatsRequest__Output } from './milvus/proto/milvus/GetNamespaceStatsRequest.js';
import type { GetNamespaceStatsResponse as _milvus_proto_milvus_GetNamespaceStatsResponse, GetNamespaceStatsResponse__Output as _milvus_proto_milvus_GetNamespaceStatsResponse__Output } from './milvus/proto/milvus/GetNamespaceStatsResponse.js';
import type { GetPartitionStatisticsRequest as _milvus_proto_milvus_GetPartitionStatisticsRequest, GetPartitionStatisticsRequest__Output as _milvus_proto_milvus_GetPartitionStatisticsRequest__Output } from './milvus/proto/milvus/GetPartitionStatisticsRequest.js';
import type { GetPartitionStatisticsResponse as _milvus_proto_milvus_GetPartitionStatisticsResponse, GetPartitionStatisticsResponse__Output as _milvus_proto_milvus_GetPartitionStatisticsResponse__Output } from './milvus/proto/milvus/GetPartitionStatisticsResponse.js';
import type { GetPersistentSegmentInfoRequest as _milvus_proto_milvus_GetPersistentSegmentInfoRequest, GetPersistentSegmentInfoRequest__Output as _milvus_proto_milvus_GetPersistentSegmentInfoRequest__Output } from './milvus/proto/milvus/GetPersistentSegmentInfoRequest.js';
import type { GetPersistentSegmentInfoResponse as _milvus_proto_milvus_GetPersistentSegmentInfoResponse, GetPersistentSegmentInfoResponse__Output as _milvus_proto_milvus_GetPersistentSegmentInfoResponse__Output } from './milvus/proto/milvus/GetPersistentSegmentInfoResponse.js';
import type { GetQuerySegmentInfoRequest as _milvus_proto_milvus_GetQuerySegmentInfoRequest, GetQuerySegmentInfoRequest__Output as _milvus_proto_milvus_GetQuerySegmentInfoRequest__Output } from './milvus/proto/milvus/GetQuerySegmentInfoRequest.js';
import type { GetQuerySegmentInfoResponse as _milvus_proto_milvus_GetQuerySegmentInfoResponse, GetQuerySegmentInfoResponse__Output as _milvus_proto_milvus_GetQuerySegmentInfoResponse__Output } from './milvus/proto/milvus/GetQuerySegmentInfoResponse.js';
import type { GetRefreshExternalCollectionProgressRequest as _milvus_proto_milvus_GetRefreshExternalCollectionProgressRequest, GetRefreshExternalCollectionProgressRequest__Output as _milvus_proto_milvus_GetRefreshExternalCollectionProgressRequest__Output } from './milvus/proto/milvus/GetRefreshExternalCollectionProgressRequest.js';
import type { GetRefreshExternalCollectionProgressResponse as _milvus_proto_milvus_GetRefreshExternalCollectionProgressResponse, GetRefreshExternalCollectionProgressResponse__Output as _milvus_proto_milvus_GetRefreshExternalCollectionProgressResponse__Output } from './milvus/proto/milvus/GetRefreshExternalCollectionProgressResponse.js';
import type { GetReplicasRequest as _milvus_proto_milvus_GetReplicasRequest, GetReplicasRequest__Output as _milvus_proto_milvus_GetReplicasRequest__Output } from './milvus/proto/milvus/GetReplicasRequest.js';
import type { GetReplicasResponse as _milvus_proto_milvus_GetReplicasResponse, GetReplicasResponse__Output as _milvus_proto_milvus_GetReplicasResponse__Output } from './milvus/proto/milvus/GetReplicasResponse.js';
import type { GetReplicateConfigurationRequest as _milvus_proto_milvus_GetReplicateConfigurationRequest, GetReplicateConfigurationRequest__Output as _milvus_proto_milvus_GetReplicateConfigurationRequest__Output } from './milvus/proto/milvus/GetReplicateConfigurationRequest.js';
import type { GetReplicateConfigurationResponse as _milvus_proto_milvus_GetReplicateConfigurationResponse, GetReplicateConfigurationResponse__Output as _milvus_proto_milvus_GetReplicateConfigurationResponse__Output } from './milvus/proto/milvus/GetReplicateConfigurationResponse.js';
import type { GetReplicateInfoRequest as _milvus_proto_milvus_GetReplicateInfoRequest, GetReplicateInfoRequest__Output as _milvus_proto_milvus_GetReplicateInfoRequest__Output } from './milvus/proto/milvus/GetReplicateInfoRequest.js';
import type { GetReplicateInfoResponse as _milvus_proto_milvus_GetReplicateInfoResponse, GetReplicateInfoResponse__Output as _milvus_proto_milvus_GetReplicateInfoResponse__Output } from './milvus/proto/milvus/GetReplicateInfoResponse.js';
import type { GetRestoreSnapshotStateRequest as _milvus_proto_milvus_GetRestoreSnapshotStateRequest, GetRestoreSnapshotStateRequest__Output as _milvus_proto_milvus_GetRestoreSnapshotStateRequest__Output } from './milvus/proto/milvus/GetRestoreSnapshotStateRequest.js';
import type { GetRestoreSnapshotStateResponse as _milvus_proto_milvus_GetRestoreSnapshotStateResponse, GetRestoreSnapshotStateResponse__Output as _milvus_proto_milvus_GetRestoreSnapshotStateResponse__Output } from './milvus/proto/milvus/GetRestoreSnapshotStateResponse.js';
import type { GetUserTagsRequest as _milvus_proto_milvus_GetUserTagsRequest, GetUserTagsRequest__Output as _milvus_proto_milvus_GetUserTagsRequest__Output } from './milvus/proto/milvus/GetUserTagsRequest.js';
import type { GetUserTagsResponse as _milvus_proto_milvus_GetUserTagsResponse, GetUserTagsResponse__Output as _milvus_proto_milvus_GetUserTagsResponse__Output } from './milvus/proto/milvus/GetUserTagsResponse.js';
import type { GetVersionRequest as _milvus_proto_milvus_GetVersionRequest, GetVersionRequest__Output as _milvus_proto_milvus_GetVersionRequest__Output } from './milvus/proto/milvus/GetVersionRequest.js';
import type { GetVersionResponse as _milvus_proto_milvus_GetVersionResponse, GetVersionResponse__Output as _milvus_proto_milvus_GetVersionResponse__Output } from './milvus/proto/milvus/GetVersionResponse.js';
import type { GrantEntity as _milvus_proto_milvus_GrantEntity, GrantEntity__Output as _milvus_proto_milvus_GrantEntity__Output } from './milvus/proto/milvus/GrantEntity.js';
import type { GrantorEntity as _milvus_proto_milvus_GrantorEntity, GrantorEntity__Output as _milvus_proto_milvus_GrantorEntity__Output } from './milvus/proto/milvus/GrantorEntity.js';
import type { HasCollectionRequest as _milvus_proto_milvus_HasCollectionRequest, HasCollectionRequest__Output as _milvus_proto_milvus_HasCollectionRequest__Output } from './milvus/proto/milvus/HasCollectionRequest.js';
import type { HasNamespaceRequest as _milvus_proto_milvus_HasNamespaceRequest, HasNamespaceRequest__Output as _milvus_proto_milvus_HasNamespaceRequest__Output } from './milvus/proto/milvus/HasNamespaceRequest.js';
import type { HasNamespaceResponse as _milvus_proto_milvus_HasNamespaceResponse, HasNamespaceResponse__Output as _milvus_proto_milvus_HasNamespaceResponse__Output } from './milvus/proto/milvus/HasNamespaceResponse.js';
import type { HasPartitionRequest as _milvus_proto_milvus_HasPartitionRequest, HasPartitionRequest__Output as _milvus_proto_milvus_HasPartitionRequest__Output } from './milvus/proto/milvus/HasPartitionRequest.js';
import type { HybridSearchRequest as _milvus_proto_milvus_HybridSearchRequest, HybridSearchRequest__Output as _milvus_proto_milvus_HybridSearchRequest__Output } from './milvus/proto/milvus/HybridSearchRequest.js';
import type { ImportRequest as _milvus_proto_milvus_ImportRequest, ImportRequest__Output as _milvus_proto_milvus_ImportRequest__Output } from './milvus/proto/milvus/ImportRequest.js';
import type { ImportResponse as _milvus_proto_milvus_ImportResponse, ImportResponse__Output as _milvus_proto_milvus_ImportResponse__Output } from './milvus/proto/milvus/ImportResponse.js';
import type { IndexDescription as _milvus_proto_milvus_IndexDescription, IndexDescription__Output as _milvus_proto_milvus_IndexDescription__Output } from './milvus/proto/milvus/IndexDescription.js';
import type { InsertRequest as _milvus_proto_milvus_InsertRequest, InsertRequest__Output as _milvus_proto_milvus_InsertRequest__Output } from './milvus/proto/milvus/InsertRequest.js';
import type { ListAliasesRequest as _milvus_proto_milvus_ListAliasesRequest, ListAliasesRequest__Output as _milvus_proto_milvus_ListAliasesRequest__Output } from './milvus/proto/milvus/ListAliasesRequest.js';
import type { ListAliasesResponse as _milvus_proto_milvus_ListAliasesResponse, ListAliasesResponse__Output as _milvus_proto_milvus_ListAliasesResponse__Output } from './milvus/proto/milvus/ListAliasesResponse.js';
import type { ListCredUsersRequest as _milvus_proto_milvus_ListCredUsersRequest, ListCredUsersRequest__Output as _milvus_proto_milvus_ListCredUsersRequest__Output } from './milvus/proto/milvus/ListCredUsersRequest.js';
import type { ListCredUsersResponse as _milvus_proto_milvus_ListCredUsersResponse, ListCredUsersResponse__Output as _milvus_proto_milvus_ListCredUsersResponse__Output } from './milvus/proto/milvus/ListCredUsersResponse.js';
import type { ListDatabasesRequest as _milvus_proto_milvus_ListDatabasesRequest, ListDatabasesRequest__Output as _milvus_proto_milvus_ListDatabasesRequest__Output } from './milvus/proto/milvus/ListDatabasesRequest.js';
import type { ListDatabasesResponse as _milvus_proto_milvus_ListDatabasesResponse, ListDatabasesResponse__Output as _milvus_proto_milvus_ListDatabasesResponse__Output } from './milvus/proto/milvus/ListDatabasesResponse.js';
import type { ListFileResourcesRequest as _milvus_proto_milvus_ListFileResourcesRequest, ListFileResourcesRequest__Output as _milvus_proto_milvus_ListFileResourcesRequest__Output } from './milvus/proto/milvus/ListFileResourcesRequest.js';
import type { ListFileResourcesResponse as _milvus_proto_milvus_ListFileResourcesResponse, ListFileResourcesResponse__Output as _milvus_proto_milvus_ListFileResourcesResponse__Output } from './milvus/proto/milvus/ListFileResourcesResponse.js';
import type { ListImportTasksRequest as _milvus_proto_milvus_ListImportTasksRequest, ListImportTasksRequest__Output as _milvus_proto_milvus_ListImportTasksRequest__Output } from './milvus/proto/milvus/ListImportTasksRequest.js';
import type { ListImportTasksResponse as _milvus_proto_milvus_ListImportTasksResponse, ListImportTasksResponse__Output as _milvus_proto_milvus_ListImportTasksResponse__Output } from './milvus/proto/milvus/ListImportTasksResponse.js';
import type { ListNamespacesRequest as _milvus_proto_milvus_ListNamespacesRequest, ListNamespacesRequest__Output as _milvus_proto_milvus_ListNamespacesRequest__Output } from './milvus/proto/milvus/ListNamespacesRequest.js';
import type { ListNamespacesResponse as _milvus_proto_milvus_ListNamespacesResponse, ListNamespacesResponse__Output as _milvus_proto_milvus_ListNamespacesResponse__Output } from './milvus/proto/milvus/ListNamespacesResponse.js';
import type { ListPrivilegeGroupsRequest as _milvus_proto_milvus_ListPrivilegeGroupsRequest, ListPrivilegeGroupsRequest__Output as _milvus_proto_milvus_ListPrivilegeGroupsRequest__Output } from './milvus/proto/milvus/ListPrivilegeGroupsRequest.js';
import type { ListPrivilegeGroupsResponse as _milvus_proto_milvus_ListPrivilegeGroupsResponse, ListPrivilegeGroupsResponse__Output as _milvus_proto_milvus_ListPrivilegeGroupsResponse__Output } from './milvus/proto/milvus/ListPrivilegeGroupsResponse.js';
import type { ListRefreshExternalCollectionJobsRequest as _milvus_proto_milvus_ListRefreshExternalCollectionJobsRequest, ListRefreshExternalCollectionJobsRequest__Output as _milvus_proto_milvus_ListRefreshExternalCollectionJobsRequest__Output } from './milvus/proto/milvus/ListRefreshExternalCollectionJobsRequest.js';
import type { ListRefreshExternalCollectionJobsResponse as _milvus_proto_milvus_ListRefreshExternalCollectionJobsResponse, ListRefreshExternalCollectionJobsResponse__Output as _milvus_proto_milvus_ListRefreshExternalCollectionJobsResponse__Output } from './milvus/proto/milvus/ListRefreshExternalCollectionJobsResponse.js';
import type { ListResourceGroupsRequest as _milvus_proto_milvus_ListResourceGroupsRequest, ListResourceGroupsRequest__Output as _milvus_proto_milvus_ListResourceGroupsRequest__Output } from './milvus/proto/milvus/ListResourceGroupsRequest.js';
import type { ListResourceGroupsResponse as _milvus_proto_milvus_ListResourceGroupsResponse, ListResourceGroupsResponse__Output as _milvus_proto_milvus_ListResourceGroupsResponse__Output } from './milvus/proto/milvus/ListResourceGroupsResponse.js';
import type { ListRestoreSnapshotJobsRequest as _milvus_proto_milvus_ListRestoreSnapshotJobsRequest, ListRestoreSnapshotJobsRequest__Output as _milvus_proto_milvus_ListRestoreSnapshotJobsRequest__Output } from './milvus/proto/milvus/ListRestoreSnapshotJobsRequest.js';
import type { ListRestoreSnapshotJobsResponse as _milvus_proto_milvus_ListRestoreSnapshotJobsResponse, ListRestoreSnapshotJobsResponse__Output as _milvus_proto_milvus_ListRestoreSnapshotJobsResponse__Output } from './milvus/proto/milvus/ListRestoreSnapshotJobsResponse.js';
import type { ListRowPoliciesRequest as _milvus_proto_milvus_ListRowPoliciesRequest, ListRowPoliciesRequest__Output as _milvus_proto_milvus_ListRowPoliciesRequest__Output } from './milvus/proto/milvus/ListRowPoliciesRequest.js';
import type { ListRowPoliciesResponse as _milvus_proto_milvus_ListRowPoliciesResponse, ListRowPoliciesResponse__Output as _milvus_proto_milvus_ListRowPoliciesResponse__Output } from './milvus/proto/milvus/ListRowPoliciesResponse.js';
import type { ListSnapshotsRequest as _milvus_proto_milvus_ListSnapshotsRequest, ListSnapshotsRequest__Output as _milvus_proto_milvus_ListSnapshotsRequest__Output } from './milvus/proto/milvus/ListSnapshotsRequest.js';
import type { ListSnapshotsResponse as _milvus_proto_milvus_ListSnapshotsResponse, ListSnapshotsResponse__Output as _milvus_proto_milvus_ListSnapshotsResponse__Output } from './milvus/proto/milvus/ListSnapshotsResponse.js';
import type { ListUsersWithTagRequest as _milvus_proto_milvus_ListUsersWithTagRequest, ListUsersWithTagRequest__Output as _milvus_proto_milvus_ListUsersWithTagRequest__Output } from './milvus/proto/milvus/ListUsersWithTagRequest.js';
import type { ListUsersWithTagResponse as _milvus_proto_milvus_ListUsersWithTagResponse, ListUsersWithTagResponse__Output as _milvus_proto_milvus_ListUsersWithTagResponse__Output } from './milvus/proto/milvus/ListUsersWithTagResponse.js';
import type { LoadBalanceRequest as _milvus_proto_milvus_LoadBalanceRequest, LoadBalanceRequest__Output as _milvus_proto_milvus_LoadBalanceRequest__Output } from './milvus/proto/milvus/LoadBalanceRequest.js';
import type { LoadCollectionRequest as _milvus_proto_milvus_LoadCollectionRequest, LoadCollectionRequest__Output as _milvus_proto_milvus_LoadCollectionRequest__Output } from './milvus/proto/milvus/LoadCollectionRequest.js';
import type { LoadPartitionsRequest as _milvus_proto_milvus_LoadPartitionsRequest, LoadPartitionsRequest__Output as _milvus_proto_milvus_LoadPartitionsRequest__Output } from './milvus/proto/milvus/LoadPartitionsRequest.js';
import type { ManualCompactionRequest as _milvus_proto_milvus_ManualCompactionRequest, ManualCompactionRequest__Output as _milvus_proto_milvus_ManualCompactionRequest__Output } from './milvus/proto/milvus/ManualCompactionRequest.js';
import type { ManualCompactionResponse as _milvus_proto_milvus_ManualCompactionResponse, ManualCompactionResponse__Output as _milvus_proto_milvus_ManualCompactionResponse__Output } from './milvus/proto/milvus/ManualCompactionResponse.js';
import type { MilvusServiceClient as _milvus_proto_milvus_MilvusServiceClient, MilvusServiceDefinition as _milvus_proto_milvus_MilvusServiceDefinition } from './milvus/proto/milvus/MilvusService.js';
import type { MutationResult as _milvus_proto_milvus_MutationResult, MutationResult__Output as _milvus_proto_milvus_MutationResult__Output } from './milvus/proto/milvus/MutationResult.js';
import type { NamespaceInfo as _milvus_proto_milvus_NamespaceInfo, NamespaceInfo__Output as _milvus_proto_milvus_NamespaceInfo__Output } from './milvus/proto/milvus/NamespaceInfo.js';
import type { NamespaceStats as _milvus_proto_milvus_NamespaceStats, NamespaceStats__Output as _milvus_proto_milvus_NamespaceStats__Output } from './milvus/proto/milvus/NamespaceStats.js';
import type { ObjectEntity as _milvus_proto_milvus_ObjectEntity, ObjectEntity__Output as _milvus_proto_milvus_ObjectEntity__Output } from './milvus/proto/milvus/ObjectEntity.js';
import type { OperatePrivilegeGroupRequest as _milvus_proto_milvus_OperatePrivilegeGroupRequest, OperatePrivilegeGroupRequest__Output as _milvus_proto_milvus_OperatePrivilegeGroupRequest__Output } from './milvus/proto/milvus/OperatePrivilegeGroupRequest.js';
import type { OperatePrivilegeRequest as _milvus_proto_milvus_OperatePrivilegeRequest, OperatePrivilegeRequest__Output as _milvus_proto_milvus_OperatePrivilegeRequest__Output } from './milvus/proto/milvus/OperatePrivilegeRequest.js';
import type { OperatePrivilegeV2Request as _milvus_proto_milvus_OperatePrivilegeV2Request, OperatePrivilegeV2Request__Output as _milvus_proto_milvus_OperatePrivilegeV2Request__Output } from './milvus/proto/milvus/OperatePrivilegeV2Request.js';
import type { OperateUserRoleRequest as _milvus_proto_milvus_OperateUserRoleRequest, OperateUserRoleRequest__Output as _milvus_proto_milvus_OperateUserRoleRequest__Output } from './milvus/proto/milvus/OperateUserRoleRequest.js';
import type { PersistentSegmentInfo as _milvus_proto_milvus_PersistentSegmentInfo, PersistentSegmentInfo__Output as _milvus_proto_milvus_PersistentSegmentInfo__Output } from './milvus/proto/milvus/PersistentSegmentInfo.js';
import type { PinSnapshotDataRequest as _milvus_proto_milvus_PinSnapshotDataRequest, PinSnapshotDataRequest__Output as _milvus_proto_milvus_PinSnapshotDataRequest__Output } from './milvus/proto/milvus/PinSnapshotDataRequest.js';
import type { PinSnapshotDataResponse as _milvus_proto_milvus_PinSnapshotDataResponse, PinSnapshotDataResponse__Output as _milvus_proto_milvus_PinSnapshotDataResponse__Output } from './milvus/proto/milvus/PinSnapshotDataResponse.js';
import type { PrewarmRequest as _milvus_proto_milvus_PrewarmRequest, PrewarmRequest__Output as _milvus_proto_milvus_PrewarmRequest__Output } from './milvus/proto/milvus/PrewarmRequest.js';
import type { PrewarmResponse as _milvus_proto_milvus_PrewarmResponse, PrewarmResponse__Output as _milvus_proto_milvus_PrewarmResponse__Output } from './milvus/proto/milvus/PrewarmResponse.js';
import type { PrivilegeEntity as _milvus_proto_milvus_PrivilegeEntity, PrivilegeEntity__Output as _milvus_proto_milvus_PrivilegeEntity__Output } from './milvus/proto/milvus/PrivilegeEntity.js';
import type { PrivilegeGroupInfo as _milvus_proto_milvus_PrivilegeGroupInfo, PrivilegeGroupInfo__Output as _milvus_proto_milvus_PrivilegeGroupInfo__Output } from './milvus/proto/milvus/PrivilegeGroupInfo.js';
import type { QueryRequest as _milvus_proto_milvus_QueryRequest, QueryRequest__Output as _milvus_proto_milvus_QueryRequest__Output } from './milvus/proto/milvus/QueryRequest.js';
import type { QueryResults as _milvus_proto_milvus_QueryResults, QueryResults__Output as _milvus_proto_milvus_QueryResults__Output } from './milvus/proto/milvus/QueryResults.js';
import type { QuerySegmentInfo as _milvus_proto_milvus_QuerySegmentInfo, QuerySegmentInfo__Output as _milvus_proto_milvus_QuerySegmentInfo__Output } from './milvus/proto/milvus/QuerySegmentInfo.js';
import type { RBACMeta as _milvus_proto_milvus_RBACMeta, RBACMeta__Output as _milvus_proto_milvus_RBACMeta__Output } from './milvus/proto/milvus/RBACMeta.js';
import type { RefreshExternalCollectionJobInfo as _milvus_proto_milvus_RefreshExternalCollectionJobInfo, RefreshExternalCollectionJobInfo__Output as _milvus_proto_milvus_RefreshExternalCollectionJobInfo__Output } from './milvus/proto/milvus/RefreshExternalCollectionJobInfo.js';
import type { RefreshExternalCollectionRequest as _milvus_proto_milvus_RefreshExternalCollectionRequest, RefreshExternalCollectionRequest__Output as _milvus_proto_milvus_RefreshExternalCollectionRequest__Output } from './milvus/proto/milvus/RefreshExternalCollectionRequest.js';
import type { RefreshExternalCollectionResponse as _milvus_proto_milvus_RefreshExternalCollectionResponse, RefreshExternalCollectionResponse__Output as _milvus_proto_milvus_RefreshExternalCollectionResponse__Output } from './milvus/proto/milvus/RefreshExternalCollectionResponse.js';
import type { RegisterLinkRequest as _milvus_proto_milvus_RegisterLinkRequest, RegisterLinkRequest__Output as _milvus_proto_milvus_RegisterLinkRequest__Output } from './milvus/proto/milvus/RegisterLinkRequest.js';
import type { RegisterLinkResponse as _milvus_proto_milvus_RegisterLinkResponse, RegisterLinkResponse__Output as _milvus_proto_milvus_RegisterLinkResponse__Output } from './milvus/proto/milvus/RegisterLinkResponse.js';
import type { ReleaseCollectionRequest as _milvus_proto_milvus_ReleaseCollectionRequest, ReleaseCollectionRequest__Output as _milvus_proto_milvus_ReleaseCollectionRequest__Output } from './milvus/proto/milvus/ReleaseCollectionRequest.js';
import type { ReleasePartitionsRequest as _milvus_proto_milvus_ReleasePartitionsRequest, ReleasePartitionsRequest__Output as _milvus_proto_milvus_ReleasePartitionsRequest__Output } from './milvus/proto/milvus/ReleasePartitionsRequest.js';
import type { RemoveFileResourceRequest as _milvus_proto_milvus_RemoveFileResourceRequest, RemoveFileResourceRequest__Output as _milvus_proto_milvus_RemoveFileResourceRequest__Output } from './milvus/proto/milvus/RemoveFileResourceRequest.js';
import type { RenameCollectionRequest as _milvus_proto_milvus_RenameCollectionRequest, RenameCollectionRequest__Output as _milvus_proto_milvus_RenameCollectionRequest__Output } from './milvus/proto/milvus/RenameCollectionRequest.js';
import type { ReplicaInfo as _milvus_proto_milvus_ReplicaInfo, ReplicaInfo__Output as _milvus_proto_milvus_ReplicaInfo__Output } from './milvus/proto/milvus/ReplicaInfo.js';
import type { ReplicateConfirmedMessageInfo as _milvus_proto_milvus_ReplicateConfirmedMessageInfo, ReplicateConfirmedMessageInfo__Output as _milvus_proto_milvus_ReplicateConfirmedMessageInfo__Output } from './milvus/proto/milvus/ReplicateConfirmedMessageInfo.js';
import type { ReplicateMessage as _milvus_proto_milvus_ReplicateMessage, ReplicateMessage__Output as _milvus_proto_milvus_ReplicateMessage__Output } from './milvus/proto/milvus/ReplicateMessage.js';
import type { ReplicateMessageRequest as _milvus_proto_milvus_ReplicateMessageRequest, ReplicateMessageRequest__Output as _milvus_proto_milvus_ReplicateMessageRequest__Output } from './milvus/proto/milvus/ReplicateMessageRequest.js';
import type { ReplicateMessageResponse as _milvus_proto_milvus_ReplicateMessageResponse, ReplicateMessageResponse__Output as _milvus_proto_milvus_ReplicateMessageResponse__Output } from './milvus/proto/milvus/ReplicateMessageResponse.js';
import type { ReplicateRequest as _milvus_proto_milvus_ReplicateRequest, ReplicateRequest__Output as _milvus_proto_milvus_ReplicateRequest__Output } from './milvus/proto/milvus/ReplicateRequest.js';
import type { ReplicateResponse as _milvus_proto_milvus_ReplicateResponse, ReplicateResponse__Output as _milvus_proto_milvus_ReplicateResponse__Output } from './milvus/proto/milvus/ReplicateResponse.js';
import type { ResourceGroup as _milvus_proto_milvus_ResourceGroup, ResourceGroup__Output as _milvus_proto_milvus_ResourceGroup__Output } from './milvus/proto/milvus/ResourceGroup.js';
import type { RestoreExternalSnapshotRequest as _milvus_proto_milvus_RestoreExternalSnapshotRequest, RestoreExternalSnapshotRequest__Output as _milvus_proto_milvus_RestoreExternalSnapshotRequest__Output } from './milvus/proto/milvus/RestoreExternalSnapshotRequest.js';
import type { RestoreExternalSnapshotResponse as _milvus_proto_milvus_RestoreExternalSnapshotResponse, RestoreExternalSnapshotResponse__Output as _milvus_proto_milvus_RestoreExternalSnapshotResponse__Output } from './milvus/proto/milvus/RestoreExternalSnapshotResponse.js';
import type { RestoreRBACMetaRequest as _milvus_proto_milvus_RestoreRBACMetaRequest, RestoreRBACMetaRequest__Output as _milvus_proto_milvus_RestoreRBACMetaRequest__Output } from './milvus/proto/milvus/RestoreRBACMetaRequest.js';
import type { RestoreSnapshotInfo as _milvus_proto_milvus_RestoreSnapshotInfo, RestoreSnapshotInfo__Output as _milvus_proto_milvus_RestoreSnapshotInfo__Output } from './milvus/proto/milvus/RestoreSnapshotInfo.js';
import type { RestoreSnapshotRequest as _milvus_proto_milvus_RestoreSnapshotRequest, RestoreSnapshotRequest__Output as _milvus_proto_milvus_RestoreSnapshotRequest__Output } from './milvus/proto/milvus/RestoreSnapshotRequest.js';
import type { RestoreSnapshotResponse as _milvus_proto_milvus_RestoreSnapshotResponse, RestoreSnapshotResponse__Output as _milvus_proto_milvus_RestoreSnapshotResponse__Output } from './milvus/proto/milvus/RestoreSnapshotResponse.js';
import type { RoleEntity as _milvus_proto_milvus_RoleEntity, RoleEntity__Output as _milvus_proto_milvus_RoleEntity__Output } from './milvus/proto/milvus/RoleEntity.js';
import type { RoleResult as _milvus_proto_milvus_RoleResult, RoleResult__Output as _milvus_proto_milvus_RoleResult__Output } from './milvus/proto/milvus/RoleResult.js';
import type { RowPolicy as _milvus_proto_milvus_RowPolicy, RowPolicy__Output as _milvus_proto_milvus_RowPolicy__Output } from './milvus/proto/milvus/RowPolicy.js';
import type { RunAnalyzerRequest as _milvus_proto_milvus_RunAnalyzerRequest, RunAnalyzerRequest__Output as _milvus_proto_milvus_RunAnalyzerRequest__Output } from './milvus/proto/milvus/RunAnalyzerRequest.js';
import type { RunAnalyzerResponse as _milvus_proto_milvus_RunAnalyzerResponse, RunAnalyzerResponse__Output as _milvus_proto_milvus_RunAnalyzerResponse__Output } from './milvus/proto/milvus/RunAnalyzerResponse.js';
import type { SearchRequest as _milvus_proto_milvus_SearchRequest, SearchRequest__Output as _milvus_proto_milvus_SearchRequest__Output } from './milvus/proto/milvus/SearchRequest.js';
import type { SearchResults as _milvus_proto_milvus_SearchResults, SearchResults__Output as _milvus_proto_milvus_SearchResults__Output } from './milvus/proto/milvus/SearchResults.js';
import type { SelectGrantRequest as _milvus_proto_milvus_SelectGrantRequest, SelectGrantRequest__Output as _milvus_proto_milvus_SelectGrantRequest__Output } from './milvus/proto/milvus/SelectGrantRequest.js';
import type { SelectGrantResponse as _milvus_proto_milvus_SelectGrantResponse, SelectGrantResponse__Output as _milvus_proto_milvus_SelectGrantResponse__Output } from './milvus/proto/milvus/SelectGrantResponse.js';
import type { SelectRoleRequest as _milvus_proto_milvus_SelectRoleRequest, SelectRoleRequest__Output as _milvus_proto_milvus_SelectRoleRequest__Output } from './milvus/proto/milvus/SelectRoleRequest.js';
import type { SelectRoleResponse as _milvus_proto_milvus_SelectRoleResponse, SelectRoleResponse__Output as _milvus_proto_milvus_SelectRoleResponse__Output } from './milvus/proto/milvus/SelectRoleResponse.js';
import type { SelectUserRequest as _milvus_proto_milvus_SelectUserRequest, SelectUserRequest__Output as _milvus_proto_milvus_SelectUserRequest__Output } from './milvus/proto/milvus/SelectUserRequest.js';
import type { SelectUserResponse as _milvus_proto_milvus_SelectUserResponse, SelectUserResponse__Output as _milvus_proto_milvus_SelectUserResponse__Output } from './milvus/proto/milvus/SelectUserResponse.js';
import type { ShardReplica as _milvus_proto_milvus_ShardReplica, ShardReplica__Output as _milvus_proto_milvus_ShardReplica__Output } from './milvus/proto/milvus/ShardReplica.js';
import type { ShowCollectionsRequest as _milvus_proto_milvus_ShowCollectionsRequest, ShowCollectionsRequest__Output as _milvus_proto_milvus_ShowCollectionsRequest__Output } from './milvus/proto/milvus/ShowCollectionsRequest.js';
import type { ShowCollectionsResponse as _milvus_proto_milvus_ShowCollectionsResponse, ShowCollectionsResponse__Output as _milvus_proto_milvus_ShowCollectionsResponse__Output } from './milvus/proto/milvus/ShowCollectionsResponse.js';
import type { ShowPartitionsRequest as _milvus_proto_milvus_ShowPartitionsRequest, ShowPartitionsRequest__Output as _milvus_proto_milvus_ShowPartitionsRequest__Output } from './milvus/proto/milvus/ShowPartitionsRequest.js';
import type { ShowPartitionsResponse as _milvus_proto_milvus_ShowPartitionsResponse, ShowPartitionsResponse__Output as _milvus_proto_milvus_ShowPartitionsResponse__Output } from './milvus/proto/milvus/ShowPartitionsResponse.js';
import type { SubSearchRequest as _milvus_proto_milvus_SubSearchRequest, SubSearchRequest__Output as _milvus_proto_milvus_SubSearchRequest__Output } from './milvus/proto/milvus/SubSearchRequest.js';
import type { TransferNodeRequest as _milvus_proto_milvus_TransferNodeRequest, TransferNodeRequest__Output as _milvus_proto_milvus_TransferNodeRequest__Output } from './milvus/proto/milvus/TransferNodeRequest.js';
import type { TransferReplicaRequest as _milvus_proto_milvus_TransferReplicaRequest, TransferReplicaRequest__Output as _milvus_proto_milvus_TransferReplicaRequest__Output } from './milvus/proto/milvus/TransferReplicaRequest.js';
import type { TruncateCollectionRequest as _milvus_proto_milvus_TruncateCollectionRequest, TruncateCollectionRequest__Output as _milvus_proto_milvus_TruncateCollectionRequest__Output } from './milvus/proto/milvus/TruncateCollectionRequest.js';
import type { TruncateCollectionResponse as _milvus_proto_milvus_TruncateCollectionResponse, TruncateCollectionResponse__Output as _milvus_proto_milvus_TruncateCollectionResponse__Output } from './milvus/proto/milvus/TruncateCollectionResponse.js';
import type { UnpinSnapshotDataRequest as _milvus_proto_milvus_UnpinSnapshotDataRequest, UnpinSnapshotDataRequest__Output as _milvus_proto_milvus_UnpinSnapshotDataRequest__Output } from './milvus/proto/milvus/UnpinSnapshotDataRequest.js';
import type { UpdateCredentialRequest as _milvus_proto_milvus_UpdateCredentialRequest, UpdateCredentialRequest__Output as _milvus_proto_milvus_UpdateCredentialRequest__Output } from './milvus/proto/milvus/UpdateCredentialRequest.js';
import type { UpdateReplicateConfigurationRequest as _milvus_proto_milvus_UpdateReplicateConfigurationRequest, UpdateReplicateConfigurationRequest__Output as _milvus_proto_milvus_UpdateReplicateConfigurationRequest__Output } from './milvus/proto/milvus/UpdateReplicateConfigurationRequest.js';
import type { UpdateResourceGroupsRequest as _milvus_proto_milvus_UpdateResourceGroupsRequest, UpdateResourceGroupsRequest__Output as _milvus_proto_milvus_UpdateResourceGroupsRequest__Output } from './milvus/proto/milvus/UpdateResourceGroupsRequest.js';
import type { UpsertRequest as _milvus_proto_milvus_UpsertRequest, UpsertRequest__Output as _milvus_proto_milvus_UpsertRequest__Output } from './milvus/proto/milvus/UpsertRequest.js';
import type { UserEntity as _milvus_proto_milvus_UserEntity, UserEntity__Output as _milvus_proto_milvus_UserEntity__Output } from './milvus/proto/milvus/UserEntity.js';
import type { UserInfo as _milvus_proto_milvus_UserInfo, UserInfo__Output as _milvus_proto_milvus_UserInfo__Output } from './milvus/proto/milvus/UserInfo.js';
import type { UserResult as _milvus_proto_milvus_UserResult, UserResult__Output as _milvus_proto_milvus_UserResult__Output } from './milvus/proto/milvus/UserResult.js';
import type { VectorIDs as _milvus_proto_milvus_VectorIDs, VectorIDs__Output as _milvus_proto_milvus_VectorIDs__Output } from './milvus/proto/milvus/VectorIDs.js';
import type { VectorsArray as _milvus_proto_milvus_VectorsArray, VectorsArray__Output as _milvus_proto_milvus_VectorsArray__Output } from './milvus/proto/milvus/VectorsArray.js';
import type { MsgPosition as _milvus_proto_msg_MsgPosition, MsgPosition__Output as _milvus_proto_msg_MsgPosition__Output } from './milvus/proto/msg/MsgPosition.js';
import type { ResourceGroupConfig as _milvus_proto_rg_ResourceGroupConfig, ResourceGroupConfig__Output as _milvus_proto_rg_ResourceGroupConfig__Output } from './milvus/proto/rg/ResourceGroupConfig.js';
import type { ResourceGroupLimit as _milvus_proto_rg_ResourceGroupLimit, ResourceGroupLimit__Output as _milvus_proto_rg_ResourceGroupLimit__Output } from './milvus/proto/rg/ResourceGroupLimit.js';
import type { ResourceGroupNodeFilter as _milvus_proto_rg_ResourceGroupNodeFilter, ResourceGroupNodeFilter__Output as _milvus_proto_rg_ResourceGroupNodeFilter__Output } from './milvus/proto/rg/ResourceGroupNodeFilter.js';
import type { ResourceGroupTransfer as _milvus_proto_rg_ResourceGroupTransfer, ResourceGroupTransfer__Output as _milvus_proto_rg_ResourceGroupTransfer__Output } from './milvus/proto/rg/ResourceGroupTransfer.js';
import type { AggBucket as _milvus_proto_schema_AggBucket, AggBucket__Output as _milvus_proto_schema_AggBucket__Output } from './milvus/proto/schema/AggBucket.js';
import type { AggHit as _milvus_proto_schema_AggHit, AggHit__Output as _milvus_proto_schema_AggHit__Output } from './milvus/proto/schema/AggHit.js';
import type { AggHitField as _milvus_proto_schema_AggHitField, AggHitField__Output as _milvus_proto_schema_AggHitField__Output } from './milvus/proto/schema/AggHitField.js';
import type { ArrayArray as _milvus_proto_schema_ArrayArray, ArrayArray__Output as _milvus_proto_schema_ArrayArray__Output } from './milvus/proto/schema/ArrayArray.js';
import type { BoolArray as _milvus_proto_schema_BoolArray, BoolArray__Output as _milvus_proto_schema_BoolArray__Output } from './milvus/proto/schema/BoolArray.js';
import type { BucketKeyEntry as _milvus_proto_schema_BucketKeyEntry, BucketKeyEntry__Output as _milvus_proto_schema_BucketKeyEntry__Output } from './milvus/proto/schema/BucketKeyEntry.js';
import type { BytesArray as _milvus_proto_schema_BytesArray, BytesArray__Output as _milvus_proto_schema_BytesArray__Output } from './milvus/proto/schema/BytesArray.js';
import type { CollectionSchema as _milvus_proto_schema_CollectionSchema, CollectionSchema__Output as _milvus_proto_schema_CollectionSchema__Output } from './milvus/proto/schema/CollectionSchema.js';
import type { DateArray as _milvus_proto_schema_DateArray, DateArray__Output as _milvus_proto_schema_DateArray__Output } from './milvus/proto/schema/DateArray.js';
import type { DoubleArray as _milvus_proto_schema_DoubleArray, DoubleArray__Output as _milvus_proto_schema_DoubleArray__Output } from './milvus/proto/schema/DoubleArray.js';
import type { FieldData as _milvus_proto_schema_FieldData, FieldData__Output as _milvus_proto_schema_FieldData__Output } from './milvus/proto/schema/FieldData.js';
import type { FieldPartialUpdateOp as _milvus_proto_schema_FieldPartialUpdateOp, FieldPartialUpdateOp__Output as _milvus_proto_schema_FieldPartialUpdateOp__Output } from './milvus/proto/schema/FieldPartialUpdateOp.js';
import type { FieldSchema as _milvus_proto_schema_FieldSchema, FieldSchema__Output as _milvus_proto_schema_FieldSchema__Output } from './milvus/proto/schema/FieldSchema.js';
import type { FloatArray as _milvus_proto_schema_FloatArray, FloatArray__Output as _milvus_proto_schema_FloatArray__Output } from './milvus/proto/schema/FloatArray.js';
import type { FunctionChain as _milvus_proto_schema_FunctionChain, FunctionChain__Output as _milvus_proto_schema_FunctionChain__Output } from './milvus/proto/schema/FunctionChain.js';
import type { FunctionChainColumnArg as _milvus_proto_schema_FunctionChainColumnArg, FunctionChainColumnArg__Output as _milvus_proto_schema_FunctionChainColumnArg__Output } from './milvus/proto/schema/FunctionChainColumnArg.js';
import type { FunctionChainExpr as _milvus_proto_schema_FunctionChainExpr, FunctionChainExpr__Output as _milvus_proto_schema_FunctionChainExpr__Output } from './milvus/proto/schema/FunctionChainExpr.js';
import type { FunctionChainExprArg as _milvus_proto_schema_FunctionChainExprArg, FunctionChainExprArg__Output as _milvus_proto_schema_FunctionChainExprArg__Output } from './milvus/proto/schema/FunctionChainExprArg.js';
import type { FunctionChainOp as _milvus_proto_schema_FunctionChainOp, FunctionChainOp__Output as _milvus_proto_schema_FunctionChainOp__Output } from './milvus/proto/schema/FunctionChainOp.js';
import type { FunctionParamArray as _milvus_proto_schema_FunctionParamArray, FunctionParamArray__Output as _milvus_proto_schema_FunctionParamArray__Output } from './milvus/proto/schema/FunctionParamArray.js';
import type { FunctionParamObject as _milvus_proto_schema_FunctionParamObject, FunctionParamObject__Output as _milvus_proto_schema_FunctionParamObject__Output } from './milvus/proto/schema/FunctionParamObject.js';
import type { FunctionParamValue as _milvus_proto_schema_FunctionParamValue, FunctionParamValue__Output as _milvus_proto_schema_FunctionParamValue__Output } from './milvus/proto/schema/FunctionParamValue.js';
import type { FunctionSchema as _milvus_proto_schema_FunctionSchema, FunctionSchema__Output as _milvus_proto_schema_FunctionSchema__Output } from './milvus/proto/schema/FunctionSchema.js';
import type { FunctionScore as _milvus_proto_schema_FunctionScore, FunctionScore__Output as _milvus_proto_schema_FunctionScore__Output } from './milvus/proto/schema/FunctionScore.js';
import type { GeometryArray as _milvus_proto_schema_GeometryArray, GeometryArray__Output as _milvus_proto_schema_GeometryArray__Output } from './milvus/proto/schema/GeometryArray.js';
import type { GeometryWktArray as _milvus_proto_schema_GeometryWktArray, GeometryWktArray__Output as _milvus_proto_schema_GeometryWktArray__Output } from './milvus/proto/schema/GeometryWktArray.js';
import type { IDs as _milvus_proto_schema_IDs, IDs__Output as _milvus_proto_schema_IDs__Output } from './milvus/proto/schema/IDs.js';
import type { IntArray as _milvus_proto_schema_IntArray, IntArray__Output as _milvus_proto_schema_IntArray__Output } from './milvus/proto/schema/IntArray.js';
import type { JSONArray as _milvus_proto_schema_JSONArray, JSONArray__Output as _milvus_proto_schema_JSONArray__Output } from './milvus/proto/schema/JSONArray.js';
import type { LongArray as _milvus_proto_schema_LongArray, LongArray__Output as _milvus_proto_schema_LongArray__Output } from './milvus/proto/schema/LongArray.js';
import type { MetricValue as _milvus_proto_schema_MetricValue, MetricValue__Output as _milvus_proto_schema_MetricValue__Output } from './milvus/proto/schema/MetricValue.js';
import type { MolArray as _milvus_proto_schema_MolArray, MolArray__Output as _milvus_proto_schema_MolArray__Output } from './milvus/proto/schema/MolArray.js';
import type { MolSmilesArray as _milvus_proto_schema_MolSmilesArray, MolSmilesArray__Output as _milvus_proto_schema_MolSmilesArray__Output } from './milvus/proto/schema/MolSmilesArray.js';
import type { ScalarField as _milvus_proto_schema_ScalarField, ScalarField__Output as _milvus_proto_schema_ScalarField__Output } from './milvus/proto/schema/ScalarField.js';
import type { SearchIteratorV2Results as _milvus_proto_schema_SearchIteratorV2Results, SearchIteratorV2Results__Output as _milvus_proto_schema_SearchIteratorV2Results__Output } from './milvus/proto/schema/SearchIteratorV2Results.js';
import type { SearchResultData as _milvus_proto_schema_SearchResultData, SearchResultData__Output as _milvus_proto_schema_SearchResultData__Output } from './milvus/proto/schema/SearchResultData.js';
import type { SparseFloatArray as _milvus_proto_schema_SparseFloatArray, SparseFloatArray__Output as _milvus_proto_schema_SparseFloatArray__Output } from './milvus/proto/schema/SparseFloatArray.js';
import type { StringArray as _milvus_proto_schema_StringArray, StringArray__Output as _milvus_proto_schema_StringArray__Output } from './milvus/proto/schema/StringArray.js';
import type { StructArrayField as _milvus_proto_schema_StructArrayField, StructArrayField__Output as _milvus_proto_schema_StructArrayField__Output } from './milvus/proto/schema/StructArrayField.js';
import type { StructArrayFieldSchema as _milvus_proto_schema_StructArrayFieldSchema, StructArrayFieldSchema__Output as _milvus_proto_schema_StructArrayFieldSchema__Output } from './milvus/proto/schema/StructArrayFieldSchema.js';
import type { TemplateArrayValue as _milvus_proto_schema_TemplateArrayValue, TemplateArrayValue__Output as _milvus_proto_schema_TemplateArrayValue__Output } from './milvus/proto/schema/TemplateArrayValue.js';
import type { TemplateArrayValueArray as _milvus_proto_schema_TemplateArrayValueArray, TemplateArrayValueArray__Output as _milvus_proto_schema_TemplateArrayValueArray__Output } from './milvus/proto/schema/TemplateArrayValueArray.js';
import type { TemplateValue as _milvus_proto_schema_TemplateValue, TemplateValue__Output as _milvus_proto_schema_TemplateValue__Output } from './milvus/proto/schema/TemplateValue.js';
import type { TimeArray as _milvus_proto_schema_TimeArray, TimeArray__Output as _milvus_proto_schema_TimeArray__Output } from './milvus/proto/schema/TimeArray.js';
import type { TimestamptzArray as _milvus_proto_schema_TimestamptzArray, TimestamptzArray__Output as _milvus_proto_schema_TimestamptzArray__Output } from './milvus/proto/schema/TimestamptzArray.js';
import type { ValueField as _milvus_proto_schema_ValueField, ValueField__Output as _milvus_proto_schema_ValueField__Output } from './milvus/proto/schema/ValueField.js';
import type { VectorArray as _milvus_proto_schema_VectorArray, VectorArray__Output as _milvus_proto_schema_VectorArray__Output } from './milvus/proto/schema/VectorArray.js';
import type { VectorField as _milvus_proto_schema_VectorField, VectorField__Output as _milvus_proto_schema_VectorField__Output } from './milvus/proto/schema/VectorField.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  milvus: {
    proto: {
      common: {
        Address: MessageTypeDefinition<_milvus_proto_common_Address, _milvus_proto_common_Address__Output>
        ClientInfo: MessageTypeDefinition<_milvus_proto_common_ClientInfo, _milvus_proto_common_ClientInfo__Output>
        CompactionState: EnumTypeDefinition
        ConnectionParam: MessageTypeDefinition<_milvus_proto_common_ConnectionParam, _milvus_proto_common_ConnectionParam__Output>
        ConsistencyLevel: EnumTypeDefinition
        CrossClusterTopology: MessageTypeDefinition<_milvus_proto_common_CrossClusterTopology, _milvus_proto_common_CrossClusterTopology__Output>
        DslType: EnumTypeDefinition
        ErrorCode: EnumTypeDefinition
        HighlightData: MessageTypeDefinition<_milvus_proto_common_HighlightData, _milvus_proto_common_HighlightData__Output>
        HighlightResult: MessageTypeDefinition<_milvus_proto_common_HighlightResult, _milvus_proto_common_HighlightResult__Output>
        HighlightType: EnumTypeDefinition
        Highlighter: MessageTypeDefinition<_milvus_proto_common_Highlighter, _milvus_proto_common_Highlighter__Output>
        ImmutableMessage: MessageTypeDefinition<_milvus_proto_common_ImmutableMessage, _milvus_proto_common_ImmutableMessage__Output>
        ImportState: EnumTypeDefinition
        IndexState: EnumTypeDefinition
        KeyDataPair: MessageTypeDefinition<_milvus_proto_common_KeyDataPair, _milvus_proto_common_KeyDataPair__Output>
        KeyValuePair: MessageTypeDefinition<_milvus_proto_common_KeyValuePair, _milvus_proto_common_KeyValuePair__Output>
        LoadState: EnumTypeDefinition
        MessageID: MessageTypeDefinition<_milvus_proto_common_MessageID, _milvus_proto_common_MessageID__Output>
        MetricAggSpec: MessageTypeDefinition<_milvus_proto_common_MetricAggSpec, _milvus_proto_common_MetricAggSpec__Output>
        MilvusCluster: MessageTypeDefinition<_milvus_proto_common_MilvusCluster, _milvus_proto_common_MilvusCluster__Output>
        MsgBase: MessageTypeDefinition<_milvus_proto_common_MsgBase, _milvus_proto_common_MsgBase__Output>
        MsgType: EnumTypeDefinition
        NodeInfo: MessageTypeDefinition<_milvus_proto_common_NodeInfo, _milvus_proto_common_NodeInfo__Output>
        OrderSpec: MessageTypeDefinition<_milvus_proto_common_OrderSpec, _milvus_proto_common_OrderSpec__Output>
        PlaceholderGroup: MessageTypeDefinition<_milvus_proto_common_PlaceholderGroup, _milvus_proto_common_PlaceholderGroup__Output>
        PlaceholderType: EnumTypeDefinition
        PlaceholderValue: MessageTypeDefinition<_milvus_proto_common_PlaceholderValue, _milvus_proto_common_PlaceholderValue__Output>
        ReplicateCheckpoint: MessageTypeDefinition<_milvus_proto_common_ReplicateCheckpoint, _milvus_proto_common_ReplicateCheckpoint__Output>
        ReplicateConfiguration: MessageTypeDefinition<_milvus_proto_common_ReplicateConfiguration, _milvus_proto_common_ReplicateConfiguration__Output>
        ReplicateInfo: MessageTypeDefinition<_milvus_proto_common_ReplicateInfo, _milvus_proto_common_ReplicateInfo__Output>
        SearchAggregationSpec: MessageTypeDefinition<_milvus_proto_common_SearchAggregationSpec, _milvus_proto_common_SearchAggregationSpec__Output>
        SegmentLevel: EnumTypeDefinition
        SegmentState: EnumTypeDefinition
        ServerInfo: MessageTypeDefinition<_milvus_proto_common_ServerInfo, _milvus_proto_common_ServerInfo__Output>
        SortSpec: MessageTypeDefinition<_milvus_proto_common_SortSpec, _milvus_proto_common_SortSpec__Output>
        StateCode: EnumTypeDefinition
        Status: MessageTypeDefinition<_milvus_proto_common_Status, _milvus_proto_common_Status__Output>
        TopHitsSpec: MessageTypeDefinition<_milvus_proto_common_TopHitsSpec, _milvus_proto_common_TopHitsSpec__Output>
        WALName: EnumTypeDefinition
      }
      feder: {
        DescribeSegmentIndexDataRequest: MessageTypeDefinition<_milvus_proto_feder_DescribeSegmentIndexDataRequest, _milvus_proto_feder_DescribeSegmentIndexDataRequest__Output>
        DescribeSegmentIndexDataResponse: MessageTypeDefinition<_milvus_proto_feder_DescribeSegmentIndexDataResponse, _milvus_proto_feder_DescribeSegmentIndexDataResponse__Output>
        ListIndexedSegmentRequest: MessageTypeDefinition<_milvus_proto_feder_ListIndexedSegmentRequest, _milvus_proto_feder_ListIndexedSegmentRequest__Output>
        ListIndexedSegmentResponse: MessageTypeDefinition<_milvus_proto_feder_ListIndexedSegmentResponse, _milvus_proto_feder_ListIndexedSegmentResponse__Output>
        SegmentIndexData: MessageTypeDefinition<_milvus_proto_feder_SegmentIndexData, _milvus_proto_feder_SegmentIndexData__Output>
      }
      milvus: {
        AddCollectionFieldRequest: MessageTypeDefinition<_milvus_proto_milvus_AddCollectionFieldRequest, _milvus_proto_milvus_AddCollectionFieldRequest__Output>
        AddCollectionFunctionRequest: MessageTypeDefinition<_milvus_proto_milvus_AddCollectionFunctionRequest, _milvus_proto_milvus_AddCollectionFunctionRequest__Output>
        AddCollectionStructFieldRequest: MessageTypeDefinition<_milvus_proto_milvus_AddCollectionStructFieldRequest, _milvus_proto_milvus_AddCollectionStructFieldRequest__Output>
        AddFileResourceRequest: MessageTypeDefinition<_milvus_proto_milvus_AddFileResourceRequest, _milvus_proto_milvus_AddFileResourceRequest__Output>
        AddUserTagsRequest: MessageTypeDefinition<_milvus_proto_milvus_AddUserTagsRequest, _milvus_proto_milvus_AddUserTagsRequest__Output>
        AllocTimestampRequest: MessageTypeDefinition<_milvus_proto_milvus_AllocTimestampRequest, _milvus_proto_milvus_AllocTimestampRequest__Output>
        AllocTimestampResponse: MessageTypeDefinition<_milvus_proto_milvus_AllocTimestampResponse, _milvus_proto_milvus_AllocTimestampResponse__Output>
        AlterAliasRequest: MessageTypeDefinition<_milvus_proto_milvus_AlterAliasRequest, _milvus_proto_milvus_AlterAliasRequest__Output>
        AlterCollectionFieldRequest: MessageTypeDefinition<_milvus_proto_milvus_AlterCollectionFieldRequest, _milvus_proto_milvus_AlterCollectionFieldRequest__Output>
        AlterCollectionFunctionRequest: MessageTypeDefinition<_milvus_proto_milvus_AlterCollectionFunctionRequest, _milvus_proto_milvus_AlterCollectionFunctionRequest__Output>
        AlterCollectionRequest: MessageTypeDefinition<_milvus_proto_milvus_AlterCollectionRequest, _milvus_proto_milvus_AlterCollectionRequest__Output>
        AlterCollectionSchemaRequest: MessageTypeDefinition<_milvus_proto_milvus_AlterCollectionSchemaRequest, _milvus_proto_milvus_AlterCollectionSchemaRequest__Output>
        AlterCollectionSchemaResponse: MessageTypeDefinition<_milvus_proto_milvus_AlterCollectionSchemaResponse, _milvus_proto_milvus_AlterCollectionSchemaResponse__Output>
        AlterDatabaseRequest: MessageTypeDefinition<_milvus_proto_milvus_AlterDatabaseRequest, _milvus_proto_milvus_AlterDatabaseRequest__Output>
        AlterIndexRequest: MessageTypeDefinition<_milvus_proto_milvus_AlterIndexRequest, _milvus_proto_milvus_AlterIndexRequest__Output>
        AlterRoleRequest: MessageTypeDefinition<_milvus_proto_milvus_AlterRoleRequest, _milvus_proto_milvus_AlterRoleRequest__Output>
        AnalyzerResult: MessageTypeDefinition<_milvus_proto_milvus_AnalyzerResult, _milvus_proto_milvus_AnalyzerResult__Output>
        AnalyzerToken: MessageTypeDefinition<_milvus_proto_milvus_AnalyzerToken, _milvus_proto_milvus_AnalyzerToken__Output>
        BackupRBACMetaRequest: MessageTypeDefinition<_milvus_proto_milvus_BackupRBACMetaRequest, _milvus_proto_milvus_BackupRBACMetaRequest__Output>
        BackupRBACMetaResponse: MessageTypeDefinition<_milvus_proto_milvus_BackupRBACMetaResponse, _milvus_proto_milvus_BackupRBACMetaResponse__Output>
        BatchDescribeCollectionRequest: MessageTypeDefinition<_milvus_proto_milvus_BatchDescribeCollectionRequest, _milvus_proto_milvus_BatchDescribeCollectionRequest__Output>
        BatchDescribeCollectionResponse: MessageTypeDefinition<_milvus_proto_milvus_BatchDescribeCollectionResponse, _milvus_proto_milvus_BatchDescribeCollectionResponse__Output>
        BatchUpdateManifestItem: MessageTypeDefinition<_milvus_proto_milvus_BatchUpdateManifestItem, _milvus_proto_milvus_BatchUpdateManifestItem__Output>
        BatchUpdateManifestRequest: MessageTypeDefinition<_milvus_proto_milvus_BatchUpdateManifestRequest, _milvus_proto_milvus_BatchUpdateManifestRequest__Output>
        BoolResponse: MessageTypeDefinition<_milvus_proto_milvus_BoolResponse, _milvus_proto_milvus_BoolResponse__Output>
        CalcDistanceRequest: MessageTypeDefinition<_milvus_proto_milvus_CalcDistanceRequest, _milvus_proto_milvus_CalcDistanceRequest__Output>
        CalcDistanceResults: MessageTypeDefinition<_milvus_proto_milvus_CalcDistanceResults, _milvus_proto_milvus_CalcDistanceResults__Output>
        CheckHealthRequest: MessageTypeDefinition<_milvus_proto_milvus_CheckHealthRequest, _milvus_proto_milvus_CheckHealthRequest__Output>
        CheckHealthResponse: MessageTypeDefinition<_milvus_proto_milvus_CheckHealthResponse, _milvus_proto_milvus_CheckHealthResponse__Output>
        ClusterInfo: MessageTypeDefinition<_milvus_proto_milvus_ClusterInfo, _milvus_proto_milvus_ClusterInfo__Output>
        CompactionMergeInfo: MessageTypeDefinition<_milvus_proto_milvus_CompactionMergeInfo, _milvus_proto_milvus_CompactionMergeInfo__Output>
        ComponentInfo: MessageTypeDefinition<_milvus_proto_milvus_ComponentInfo, _milvus_proto_milvus_ComponentInfo__Output>
        ComponentStates: MessageTypeDefinition<_milvus_proto_milvus_ComponentStates, _milvus_proto_milvus_ComponentStates__Output>
        ComputePhraseMatchSlopRequest: MessageTypeDefinition<_milvus_proto_milvus_ComputePhraseMatchSlopRequest, _milvus_proto_milvus_ComputePhraseMatchSlopRequest__Output>
        ComputePhraseMatchSlopResponse: MessageTypeDefinition<_milvus_proto_milvus_ComputePhraseMatchSlopResponse, _milvus_proto_milvus_ComputePhraseMatchSlopResponse__Output>
        ConnectRequest: MessageTypeDefinition<_milvus_proto_milvus_ConnectRequest, _milvus_proto_milvus_ConnectRequest__Output>
        ConnectResponse: MessageTypeDefinition<_milvus_proto_milvus_ConnectResponse, _milvus_proto_milvus_ConnectResponse__Output>
        CreateAliasRequest: MessageTypeDefinition<_milvus_proto_milvus_CreateAliasRequest, _milvus_proto_milvus_CreateAliasRequest__Output>
        CreateCollectionRequest: MessageTypeDefinition<_milvus_proto_milvus_CreateCollectionRequest, _milvus_proto_milvus_CreateCollectionRequest__Output>
        CreateCredentialRequest: MessageTypeDefinition<_milvus_proto_milvus_CreateCredentialRequest, _milvus_proto_milvus_CreateCredentialRequest__Output>
        CreateDatabaseRequest: MessageTypeDefinition<_milvus_proto_milvus_CreateDatabaseRequest, _milvus_proto_milvus_CreateDatabaseRequest__Output>
        CreateIndexRequest: MessageTypeDefinition<_milvus_proto_milvus_CreateIndexRequest, _milvus_proto_milvus_CreateIndexRequest__Output>
        CreateNamespaceRequest: MessageTypeDefinition<_milvus_proto_milvus_CreateNamespaceRequest, _milvus_proto_milvus_CreateNamespaceRequest__Output>
        CreateNamespaceResponse: MessageTypeDefinition<_milvus_proto_milvus_CreateNamespaceResponse, _milvus_proto_milvus_CreateNamespaceResponse__Output>
        CreatePartitionRequest: MessageTypeDefinition<_milvus_proto_milvus_CreatePartitionRequest, _milvus_proto_milvus_CreatePartitionRequest__Output>
        CreatePrivilegeGroupRequest: MessageTypeDefinition<_milvus_proto_milvus_CreatePrivilegeGroupRequest, _milvus_proto_milvus_CreatePrivilegeGroupRequest__Output>
        CreateResourceGroupRequest: MessageTypeDefinition<_milvus_proto_milvus_CreateResourceGroupRequest, _milvus_proto_milvus_CreateResourceGroupRequest__Output>
        CreateRoleRequest: MessageTypeDefinition<_milvus_proto_milvus_CreateRoleRequest, _milvus_proto_milvus_CreateRoleRequest__Output>
        CreateRowPolicyRequest: MessageTypeDefinition<_milvus_proto_milvus_CreateRowPolicyRequest, _milvus_proto_milvus_CreateRowPolicyRequest__Output>
        CreateSnapshotRequest: MessageTypeDefinition<_milvus_proto_milvus_CreateSnapshotRequest, _milvus_proto_milvus_CreateSnapshotRequest__Output>
        DeleteCredentialRequest: MessageTypeDefinition<_milvus_proto_milvus_DeleteCredentialRequest, _milvus_proto_milvus_DeleteCredentialRequest__Output>
        DeleteRequest: MessageTypeDefinition<_milvus_proto_milvus_DeleteRequest, _milvus_proto_milvus_DeleteRequest__Output>
        DeleteUserTagsRequest: MessageTypeDefinition<_milvus_proto_milvus_DeleteUserTagsRequest, _milvus_proto_milvus_DeleteUserTagsRequest__Output>
        DescribeAliasRequest: MessageTypeDefinition<_milvus_proto_milvus_DescribeAliasRequest, _milvus_proto_milvus_DescribeAliasRequest__Output>
        DescribeAliasResponse: MessageTypeDefinition<_milvus_proto_milvus_DescribeAliasResponse, _milvus_proto_milvus_DescribeAliasResponse__Output>
        DescribeCollectionRequest: MessageTypeDefinition<_milvus_proto_milvus_DescribeCollectionRequest, _milvus_proto_milvus_DescribeCollectionRequest__Output>
        DescribeCollectionResponse: MessageTypeDefinition<_milvus_proto_milvus_DescribeCollectionResponse, _milvus_proto_milvus_DescribeCollectionResponse__Output>
        DescribeDatabaseRequest: MessageTypeDefinition<_milvus_proto_milvus_DescribeDatabaseRequest, _milvus_proto_milvus_DescribeDatabaseRequest__Output>
        DescribeDatabaseResponse: MessageTypeDefinition<_milvus_proto_milvus_DescribeDatabaseResponse, _milvus_proto_milvus_DescribeDatabaseResponse__Output>
        DescribeIndexRequest: MessageTypeDefinition<_milvus_proto_milvus_DescribeIndexRequest, _milvus_proto_milvus_DescribeIndexRequest__Output>
        DescribeIndexResponse: MessageTypeDefinition<_milvus_proto_milvus_DescribeIndexResponse, _milvus_proto_milvus_DescribeIndexResponse__Output>
        DescribeNamespaceRequest: MessageTypeDefinition<_milvus_proto_milvus_DescribeNamespaceRequest, _milvus_proto_milvus_DescribeNamespaceRequest__Output>
        DescribeNamespaceResponse: MessageTypeDefinition<_milvus_proto_milvus_DescribeNamespaceResponse, _milvus_proto_milvus_DescribeNamespaceResponse__Output>
        DescribePrewarmTaskRequest: MessageTypeDefinition<_milvus_proto_milvus_DescribePrewarmTaskRequest, _milvus_proto_milvus_DescribePrewarmTaskRequest__Output>
        DescribePrewarmTaskResponse: MessageTypeDefinition<_milvus_proto_milvus_DescribePrewarmTaskResponse, _milvus_proto_milvus_DescribePrewarmTaskResponse__Output>
        DescribeResourceGroupRequest: MessageTypeDefinition<_milvus_proto_milvus_DescribeResourceGroupRequest, _milvus_proto_milvus_DescribeResourceGroupRequest__Output>
        DescribeResourceGroupResponse: MessageTypeDefinition<_milvus_proto_milvus_DescribeResourceGroupResponse, _milvus_proto_milvus_DescribeResourceGroupResponse__Output>
        DescribeSnapshotRequest: MessageTypeDefinition<_milvus_proto_milvus_DescribeSnapshotRequest, _milvus_proto_milvus_DescribeSnapshotRequest__Output>
        DescribeSnapshotResponse: MessageTypeDefinition<_milvus_proto_milvus_DescribeSnapshotResponse, _milvus_proto_milvus_DescribeSnapshotResponse__Output>
        DropAliasRequest: MessageTypeDefinition<_milvus_proto_milvus_DropAliasRequest, _milvus_proto_milvus_DropAliasRequest__Output>
        DropCollectionFunctionRequest: MessageTypeDefinition<_milvus_proto_milvus_DropCollectionFunctionRequest, _milvus_proto_milvus_DropCollectionFunctionRequest__Output>
        DropCollectionRequest: MessageTypeDefinition<_milvus_proto_milvus_DropCollectionRequest, _milvus_proto_milvus_DropCollectionRequest__Output>
        DropDatabaseRequest: MessageTypeDefinition<_milvus_proto_milvus_DropDatabaseRequest, _milvus_proto_milvus_DropDatabaseRequest__Output>
        DropIndexRequest: MessageTypeDefinition<_milvus_proto_milvus_DropIndexRequest, _milvus_proto_milvus_DropIndexRequest__Output>
        DropNamespaceRequest: MessageTypeDefinition<_milvus_proto_milvus_DropNamespaceRequest, _milvus_proto_milvus_DropNamespaceRequest__Output>
        DropNamespaceResponse: MessageTypeDefinition<_milvus_proto_milvus_DropNamespaceResponse, _milvus_proto_milvus_DropNamespaceResponse__Output>
        DropPartitionRequest: MessageTypeDefinition<_milvus_proto_milvus_DropPartitionRequest, _milvus_proto_milvus_DropPartitionRequest__Output>
        DropPrivilegeGroupRequest: MessageTypeDefinition<_milvus_proto_milvus_DropPrivilegeGroupRequest, _milvus_proto_milvus_DropPrivilegeGroupRequest__Output>
        DropResourceGroupRequest: MessageTypeDefinition<_milvus_proto_milvus_DropResourceGroupRequest, _milvus_proto_milvus_DropResourceGroupRequest__Output>
        DropRoleRequest: MessageTypeDefinition<_milvus_proto_milvus_DropRoleRequest, _milvus_proto_milvus_DropRoleRequest__Output>
        DropRowPolicyRequest: MessageTypeDefinition<_milvus_proto_milvus_DropRowPolicyRequest, _milvus_proto_milvus_DropRowPolicyRequest__Output>
        DropSnapshotRequest: MessageTypeDefinition<_milvus_proto_milvus_DropSnapshotRequest, _milvus_proto_milvus_DropSnapshotRequest__Output>
        DummyRequest: MessageTypeDefinition<_milvus_proto_milvus_DummyRequest, _milvus_proto_milvus_DummyRequest__Output>
        DummyResponse: MessageTypeDefinition<_milvus_proto_milvus_DummyResponse, _milvus_proto_milvus_DummyResponse__Output>
        DumpMessagesRequest: MessageTypeDefinition<_milvus_proto_milvus_DumpMessagesRequest, _milvus_proto_milvus_DumpMessagesRequest__Output>
        DumpMessagesResponse: MessageTypeDefinition<_milvus_proto_milvus_DumpMessagesResponse, _milvus_proto_milvus_DumpMessagesResponse__Output>
        ElementIndices: MessageTypeDefinition<_milvus_proto_milvus_ElementIndices, _milvus_proto_milvus_ElementIndices__Output>
        ExportSnapshotRequest: MessageTypeDefinition<_milvus_proto_milvus_ExportSnapshotRequest, _milvus_proto_milvus_ExportSnapshotRequest__Output>
        ExportSnapshotResponse: MessageTypeDefinition<_milvus_proto_milvus_ExportSnapshotResponse, _milvus_proto_milvus_ExportSnapshotResponse__Output>
        FileResourceInfo: MessageTypeDefinition<_milvus_proto_milvus_FileResourceInfo, _milvus_proto_milvus_FileResourceInfo__Output>
        FlushAllRequest: MessageTypeDefinition<_milvus_proto_milvus_FlushAllRequest, _milvus_proto_milvus_FlushAllRequest__Output>
        FlushAllResponse: MessageTypeDefinition<_milvus_proto_milvus_FlushAllResponse, _milvus_proto_milvus_FlushAllResponse__Output>
        FlushAllResult: MessageTypeDefinition<_milvus_proto_milvus_FlushAllResult, _milvus_proto_milvus_FlushAllResult__Output>
        FlushAllState: MessageTypeDefinition<_milvus_proto_milvus_FlushAllState, _milvus_proto_milvus_FlushAllState__Output>
        FlushAllTarget: MessageTypeDefinition<_milvus_proto_milvus_FlushAllTarget, _milvus_proto_milvus_FlushAllTarget__Output>
        FlushCollectionResult: MessageTypeDefinition<_milvus_proto_milvus_FlushCollectionResult, _milvus_proto_milvus_FlushCollectionResult__Output>
        FlushRequest: MessageTypeDefinition<_milvus_proto_milvus_FlushRequest, _milvus_proto_milvus_FlushRequest__Output>
        FlushResponse: MessageTypeDefinition<_milvus_proto_milvus_FlushResponse, _milvus_proto_milvus_FlushResponse__Output>
        GetCollectionStatisticsRequest: MessageTypeDefinition<_milvus_proto_milvus_GetCollectionStatisticsRequest, _milvus_proto_milvus_GetCollectionStatisticsRequest__Output>
        GetCollectionStatisticsResponse: MessageTypeDefinition<_milvus_proto_milvus_GetCollectionStatisticsResponse, _milvus_proto_milvus_GetCollectionStatisticsResponse__Output>
        GetCompactionPlansRequest: MessageTypeDefinition<_milvus_proto_milvus_GetCompactionPlansRequest, _milvus_proto_milvus_GetCompactionPlansRequest__Output>
        GetCompactionPlansResponse: MessageTypeDefinition<_milvus_proto_milvus_GetCompactionPlansResponse, _milvus_proto_milvus_GetCompactionPlansResponse__Output>
        GetCompactionStateRequest: MessageTypeDefinition<_milvus_proto_milvus_GetCompactionStateRequest, _milvus_proto_milvus_GetCompactionStateRequest__Output>
        GetCompactionStateResponse: MessageTypeDefinition<_milvus_proto_milvus_GetCompactionStateResponse, _milvus_proto_milvus_GetCompactionStateResponse__Output>
        GetComponentStatesRequest: MessageTypeDefinition<_milvus_proto_milvus_GetComponentStatesRequest, _milvus_proto_milvus_GetComponentStatesRequest__Output>
        GetFlushAllStateRequest: MessageTypeDefinition<_milvus_proto_milvus_GetFlushAllStateRequest, _milvus_proto_milvus_GetFlushAllStateRequest__Output>
        GetFlushAllStateResponse: MessageTypeDefinition<_milvus_proto_milvus_GetFlushAllStateResponse, _milvus_proto_milvus_GetFlushAllStateResponse__Output>
        GetFlushStateRequest: MessageTypeDefinition<_milvus_proto_milvus_GetFlushStateRequest, _milvus_proto_milvus_GetFlushStateRequest__Output>
        GetFlushStateResponse: MessageTypeDefinition<_milvus_proto_milvus_GetFlushStateResponse, _milvus_proto_milvus_GetFlushStateResponse__Output>
        GetImportStateRequest: MessageTypeDefinition<_milvus_proto_milvus_GetImportStateRequest, _milvus_proto_milvus_GetImportStateRequest__Output>
        GetImportStateResponse: MessageTypeDefinition<_milvus_proto_milvus_GetImportStateResponse, _milvus_proto_milvus_GetImportStateResponse__Output>
        GetIndexBuildProgressRequest: MessageTypeDefinition<_milvus_proto_milvus_GetIndexBuildProgressRequest, _milvus_proto_milvus_GetIndexBuildProgressRequest__Output>
        GetIndexBuildProgressResponse: MessageTypeDefinition<_milvus_proto_milvus_GetIndexBuildProgressResponse, _milvus_proto_milvus_GetIndexBuildProgressResponse__Output>
        GetIndexStateRequest: MessageTypeDefinition<_milvus_proto_milvus_GetIndexStateRequest, _milvus_proto_milvus_GetIndexStateRequest__Output>
        GetIndexStateResponse: MessageTypeDefinition<_milvus_proto_milvus_GetIndexStateResponse, _milvus_proto_milvus_GetIndexStateResponse__Output>
        GetIndexStatisticsRequest: MessageTypeDefinition<_milvus_proto_milvus_GetIndexStatisticsRequest, _milvus_proto_milvus_GetIndexStatisticsRequest__Output>
        GetIndexStatisticsResponse: MessageTypeDefinition<_milvus_proto_milvus_GetIndexStatisticsResponse, _milvus_proto_milvus_GetIndexStatisticsResponse__Output>
        GetLoadStateRequest: MessageTypeDefinition<_milvus_proto_milvus_GetLoadStateRequest, _milvus_proto_milvus_GetLoadStateRequest__Output>
        GetLoadStateResponse: MessageTypeDefinition<_milvus_proto_milvus_GetLoadStateResponse, _milvus_proto_milvus_GetLoadStateResponse__Output>
        GetLoadingProgressRequest: MessageTypeDefinition<_milvus_proto_milvus_GetLoadingProgressRequest, _milvus_proto_milvus_GetLoadingProgressRequest__Output>
        GetLoadingProgressResponse: MessageTypeDefinition<_milvus_proto_milvus_GetLoadingProgressResponse, _milvus_proto_milvus_GetLoadingProgressResponse__Output>
        GetMetricsRequest: MessageTypeDefinition<_milvus_proto_milvus_GetMetricsRequest, _milvus_proto_milvus_GetMetricsRequest__Output>
        GetMetricsResponse: MessageTypeDefinition<_milvus_proto_milvus_GetMetricsResponse, _milvus_proto_milvus_GetMetricsResponse__Output>
        GetNamespaceStatsRequest: MessageTypeDefinition<_milvus_proto_milvus_GetNamespaceStatsRequest, _milvus_proto_milvus_GetNamespaceStatsRequest__Output>
        GetNamespaceStatsResponse: MessageTypeDefinition<_milvus_proto_milvus_GetNamespaceStatsResponse, _milvus_proto_milvus_GetNamespaceStatsResponse__Output>
        GetPartitionStatisticsRequest: MessageTypeDefinition<_milvus_proto_milvus_GetPartitionStatisticsRequest, _milvus_proto_milvus_GetPartitionStatisticsRequest__Output>
        GetPartitionStatisticsResponse: MessageTypeDefinition<_milvus_proto_milvus_GetPartitionStatisticsResponse, _milvus_proto_milvus_GetPartitionStatisticsResponse__Output>
        GetPersistentSegmentInfoRequest: MessageTypeDefinition<_milvus_proto_milvus_GetPersistentSegmentInfoRequest, _milvus_proto_milvus_GetPersistentSegmentInfoRequest__Output>
        GetPersistentSegmentInfoResponse: MessageTypeDefinition<_milvus_proto_milvus_GetPersistentSegmentInfoResponse, _milvus_proto_milvus_GetPersistentSegmentInfoResponse__Output>
        GetQuerySegmentInfoRequest: MessageTypeDefinition<_milvus_proto_milvus_GetQuerySegmentInfoRequest, _milvus_proto_milvus_GetQuerySegmentInfoRequest__Output>
        GetQuerySegmentInfoResponse: MessageTypeDefinition<_milvus_proto_milvus_GetQuerySegmentInfoResponse, _milvus_proto_milvus_GetQuerySegmentInfoResponse__Output>
        GetRefreshExternalCollectionProgressRequest: MessageTypeDefinition<_milvus_proto_milvus_GetRefreshExternalCollectionProgressRequest, _milvus_proto_milvus_GetRefreshExternalCollectionProgressRequest__Output>
        GetRefreshExternalCollectionProgressResponse: MessageTypeDefinition<_milvus_proto_milvus_GetRefreshExternalCollectionProgressResponse, _milvus_proto_milvus_GetRefreshExternalCollectionProgressResponse__Output>
        GetReplicasRequest: MessageTypeDefinition<_milvus_proto_milvus_GetReplicasRequest, _milvus_proto_milvus_GetReplicasRequest__Output>
        GetReplicasResponse: MessageTypeDefinition<_milvus_proto_milvus_GetReplicasResponse, _milvus_proto_milvus_GetReplicasResponse__Output>
        GetReplicateConfigurationRequest: MessageTypeDefinition<_milvus_proto_milvus_GetReplicateConfigurationRequest, _milvus_proto_milvus_GetReplicateConfigurationRequest__Output>
        GetReplicateConfigurationResponse: MessageTypeDefinition<_milvus_proto_milvus_GetReplicateConfigurationResponse, _milvus_proto_milvus_GetReplicateConfigurationResponse__Output>
        GetReplicateInfoRequest: MessageTypeDefinition<_milvus_proto_milvus_GetReplicateInfoRequest, _milvus_proto_milvus_GetReplicateInfoRequest__Output>
        GetReplicateInfoResponse: MessageTypeDefinition<_milvus_proto_milvus_GetReplicateInfoResponse, _milvus_proto_milvus_GetReplicateInfoResponse__Output>
        GetRestoreSnapshotStateRequest: MessageTypeDefinition<_milvus_proto_milvus_GetRestoreSnapshotStateRequest, _milvus_proto_milvus_GetRestoreSnapshotStateRequest__Output>
        GetRestoreSnapshotStateResponse: MessageTypeDefinition<_milvus_proto_milvus_GetRestoreSnapshotStateResponse, _milvus_proto_milvus_GetRestoreSnapshotStateResponse__Output>
        GetUserTagsRequest: MessageTypeDefinition<_milvus_proto_milvus_GetUserTagsRequest, _milvus_proto_milvus_GetUserTagsRequest__Output>
        GetUserTagsResponse: MessageTypeDefinition<_milvus_proto_milvus_GetUserTagsResponse, _milvus_proto_milvus_GetUserTagsResponse__Output>
        GetVersionRequest: MessageTypeDefinition<_milvus_proto_milvus_GetVersionRequest, _milvus_proto_milvus_GetVersionRequest__Output>
        GetVersionResponse: MessageTypeDefinition<_milvus_proto_milvus_GetVersionResponse, _milvus_proto_milvus_GetVersionResponse__Output>
        GrantEntity: MessageTypeDefinition<_milvus_proto_milvus_GrantEntity, _milvus_proto_milvus_GrantEntity__Output>
        GrantorEntity: MessageTypeDefinition<_milvus_proto_milvus_GrantorEntity, _milvus_proto_milvus_GrantorEntity__Output>
        HasCollectionRequest: MessageTypeDefinition<_milvus_proto_milvus_HasCollectionRequest, _milvus_proto_milvus_HasCollectionRequest__Output>
        HasNamespaceRequest: MessageTypeDefinition<_milvus_proto_milvus_HasNamespaceRequest, _milvus_proto_milvus_HasNamespaceRequest__Output>
        HasNamespaceResponse: MessageTypeDefinition<_milvus_proto_milvus_HasNamespaceResponse, _milvus_proto_milvus_HasNamespaceResponse__Output>
        HasPartitionRequest: MessageTypeDefinition<_milvus_proto_milvus_HasPartitionRequest, _milvus_proto_milvus_HasPartitionRequest__Output>
        HybridSearchRequest: MessageTypeDefinition<_milvus_proto_milvus_HybridSearchRequest, _milvus_proto_milvus_HybridSearchRequest__Output>
        ImportRequest: MessageTypeDefinition<_milvus_proto_milvus_ImportRequest, _milvus_proto_milvus_ImportRequest__Output>
        ImportResponse: MessageTypeDefinition<_milvus_proto_milvus_ImportResponse, _milvus_proto_milvus_ImportResponse__Output>
        IndexDescription: MessageTypeDefinition<_milvus_proto_milvus_IndexDescription, _milvus_proto_milvus_IndexDescription__Output>
        InsertRequest: MessageTypeDefinition<_milvus_proto_milvus_InsertRequest, _milvus_proto_milvus_InsertRequest__Output>
        ListAliasesRequest: MessageTypeDefinition<_milvus_proto_milvus_ListAliasesRequest, _milvus_proto_milvus_ListAliasesRequest__Output>
        ListAliasesResponse: MessageTypeDefinition<_milvus_proto_milvus_ListAliasesResponse, _milvus_proto_milvus_ListAliasesResponse__Output>
        ListCredUsersRequest: MessageTypeDefinition<_milvus_proto_milvus_ListCredUsersRequest, _milvus_proto_milvus_ListCredUsersRequest__Output>
        ListCredUsersResponse: MessageTypeDefinition<_milvus_proto_milvus_ListCredUsersResponse, _milvus_proto_milvus_ListCredUsersResponse__Output>
        ListDatabasesRequest: MessageTypeDefinition<_milvus_proto_milvus_ListDatabasesRequest, _milvus_proto_milvus_ListDatabasesRequest__Output>
        ListDatabasesResponse: MessageTypeDefinition<_milvus_proto_milvus_ListDatabasesResponse, _milvus_proto_milvus_ListDatabasesResponse__Output>
        ListFileResourcesRequest: MessageTypeDefinition<_milvus_proto_milvus_ListFileResourcesRequest, _milvus_proto_milvus_ListFileResourcesRequest__Output>
        ListFileResourcesResponse: MessageTypeDefinition<_milvus_proto_milvus_ListFileResourcesResponse, _milvus_proto_milvus_ListFileResourcesResponse__Output>
        ListImportTasksRequest: MessageTypeDefinition<_milvus_proto_milvus_ListImportTasksRequest, _milvus_proto_milvus_ListImportTasksRequest__Output>
        ListImportTasksResponse: MessageTypeDefinition<_milvus_proto_milvus_ListImportTasksResponse, _milvus_proto_milvus_ListImportTasksResponse__Output>
        ListNamespacesRequest: MessageTypeDefinition<_milvus_proto_milvus_ListNamespacesRequest, _milvus_proto_milvus_ListNamespacesRequest__Output>
        ListNamespacesResponse: MessageTypeDefinition<_milvus_proto_milvus_ListNamespacesResponse, _milvus_proto_milvus_ListNamespacesResponse__Output>
        ListPrivilegeGroupsRequest: MessageTypeDefinition<_milvus_proto_milvus_ListPrivilegeGroupsRequest, _milvus_proto_milvus_ListPrivilegeGroupsRequest__Output>
        ListPrivilegeGroupsResponse: MessageTypeDefinition<_milvus_proto_milvus_ListPrivilegeGroupsResponse, _milvus_proto_milvus_ListPrivilegeGroupsResponse__Output>
        ListRefreshExternalCollectionJobsRequest: MessageTypeDefinition<_milvus_proto_milvus_ListRefreshExternalCollectionJobsRequest, _milvus_proto_milvus_ListRefreshExternalCollectionJobsRequest__Output>
        ListRefreshExternalCollectionJobsResponse: MessageTypeDefinition<_milvus_proto_milvus_ListRefreshExternalCollectionJobsResponse, _milvus_proto_milvus_ListRefreshExternalCollectionJobsResponse__Output>
        ListResourceGroupsRequest: MessageTypeDefinition<_milvus_proto_milvus_ListResourceGroupsRequest, _milvus_proto_milvus_ListResourceGroupsRequest__Output>
        ListResourceGroupsResponse: MessageTypeDefinition<_milvus_proto_milvus_ListResourceGroupsResponse, _milvus_proto_milvus_ListResourceGroupsResponse__Output>
        ListRestoreSnapshotJobsRequest: MessageTypeDefinition<_milvus_proto_milvus_ListRestoreSnapshotJobsRequest, _milvus_proto_milvus_ListRestoreSnapshotJobsRequest__Output>
        ListRestoreSnapshotJobsResponse: MessageTypeDefinition<_milvus_proto_milvus_ListRestoreSnapshotJobsResponse, _milvus_proto_milvus_ListRestoreSnapshotJobsResponse__Output>
        ListRowPoliciesRequest: MessageTypeDefinition<_milvus_proto_milvus_ListRowPoliciesRequest, _milvus_proto_milvus_ListRowPoliciesRequest__Output>
        ListRowPoliciesResponse: MessageTypeDefinition<_milvus_proto_milvus_ListRowPoliciesResponse, _milvus_proto_milvus_ListRowPoliciesResponse__Output>
        ListSnapshotsRequest: MessageTypeDefinition<_milvus_proto_milvus_ListSnapshotsRequest, _milvus_proto_milvus_ListSnapshotsRequest__Output>
        ListSnapshotsResponse: MessageTypeDefinition<_milvus_proto_milvus_ListSnapshotsResponse, _milvus_proto_milvus_ListSnapshotsResponse__Output>
        ListUsersWithTagRequest: MessageTypeDefinition<_milvus_proto_milvus_ListUsersWithTagRequest, _milvus_proto_milvus_ListUsersWithTagRequest__Output>
        ListUsersWithTagResponse: MessageTypeDefinition<_milvus_proto_milvus_ListUsersWithTagResponse, _milvus_proto_milvus_ListUsersWithTagResponse__Output>
        LoadBalanceRequest: MessageTypeDefinition<_milvus_proto_milvus_LoadBalanceRequest, _milvus_proto_milvus_LoadBalanceRequest__Output>
        LoadCollectionRequest: MessageTypeDefinition<_milvus_proto_milvus_LoadCollectionRequest, _milvus_proto_milvus_LoadCollectionRequest__Output>
        LoadPartitionsRequest: MessageTypeDefinition<_milvus_proto_milvus_LoadPartitionsRequest, _milvus_proto_milvus_LoadPartitionsRequest__Output>
        ManualCompactionRequest: MessageTypeDefinition<_milvus_proto_milvus_ManualCompactionRequest, _milvus_proto_milvus_ManualCompactionRequest__Output>
        ManualCompactionResponse: MessageTypeDefinition<_milvus_proto_milvus_ManualCompactionResponse, _milvus_proto_milvus_ManualCompactionResponse__Output>
        MilvusService: SubtypeConstructor<typeof grpc.Client, _milvus_proto_milvus_MilvusServiceClient> & { service: _milvus_proto_milvus_MilvusServiceDefinition }
        MutationResult: MessageTypeDefinition<_milvus_proto_milvus_MutationResult, _milvus_proto_milvus_MutationResult__Output>
        NamespaceInfo: MessageTypeDefinition<_milvus_proto_milvus_NamespaceInfo, _milvus_proto_milvus_NamespaceInfo__Output>
        NamespaceStats: MessageTypeDefinition<_milvus_proto_milvus_NamespaceStats, _milvus_proto_milvus_NamespaceStats__Output>
        ObjectEntity: MessageTypeDefinition<_milvus_proto_milvus_ObjectEntity, _milvus_proto_milvus_ObjectEntity__Output>
        OperatePrivilegeGroupRequest: MessageTypeDefinition<_milvus_proto_milvus_OperatePrivilegeGroupRequest, _milvus_proto_milvus_OperatePrivilegeGroupRequest__Output>
        OperatePrivilegeGroupType: EnumTypeDefinition
        OperatePrivilegeRequest: MessageTypeDefinition<_milvus_proto_milvus_OperatePrivilegeRequest, _milvus_proto_milvus_OperatePrivilegeRequest__Output>
        OperatePrivilegeType: EnumTypeDefinition
        OperatePrivilegeV2Request: MessageTypeDefinition<_milvus_proto_milvus_OperatePrivilegeV2Request, _milvus_proto_milvus_OperatePrivilegeV2Request__Output>
        OperateUserRoleRequest: MessageTypeDefinition<_milvus_proto_milvus_OperateUserRoleRequest, _milvus_proto_milvus_OperateUserRoleRequest__Output>
        OperateUserRoleType: EnumTypeDefinition
        PersistentSegmentInfo: MessageTypeDefinition<_milvus_proto_milvus_PersistentSegmentInfo, _milvus_proto_milvus_PersistentSegmentInfo__Output>
        PinSnapshotDataRequest: MessageTypeDefinition<_milvus_proto_milvus_PinSnapshotDataRequest, _milvus_proto_milvus_PinSnapshotDataRequest__Output>
        PinSnapshotDataResponse: MessageTypeDefinition<_milvus_proto_milvus_PinSnapshotDataResponse, _milvus_proto_milvus_PinSnapshotDataResponse__Output>
        PrewarmRequest: MessageTypeDefinition<_milvus_proto_milvus_PrewarmRequest, _milvus_proto_milvus_PrewarmRequest__Output>
        PrewarmResponse: MessageTypeDefinition<_milvus_proto_milvus_PrewarmResponse, _milvus_proto_milvus_PrewarmResponse__Output>
        PrewarmTaskState: EnumTypeDefinition
        PrivilegeEntity: MessageTypeDefinition<_milvus_proto_milvus_PrivilegeEntity, _milvus_proto_milvus_PrivilegeEntity__Output>
        PrivilegeGroupInfo: MessageTypeDefinition<_milvus_proto_milvus_PrivilegeGroupInfo, _milvus_proto_milvus_PrivilegeGroupInfo__Output>
        QueryRequest: MessageTypeDefinition<_milvus_proto_milvus_QueryRequest, _milvus_proto_milvus_QueryRequest__Output>
        QueryResults: MessageTypeDefinition<_milvus_proto_milvus_QueryResults, _milvus_proto_milvus_QueryResults__Output>
        QuerySegmentInfo: MessageTypeDefinition<_milvus_proto_milvus_QuerySegmentInfo, _milvus_proto_milvus_QuerySegmentInfo__Output>
        QuotaState: EnumTypeDefinition
        RBACMeta: MessageTypeDefinition<_milvus_proto_milvus_RBACMeta, _milvus_proto_milvus_RBACMeta__Output>
        RefreshExternalCollectionJobInfo: MessageTypeDefinition<_milvus_proto_milvus_RefreshExternalCollectionJobInfo, _milvus_proto_milvus_RefreshExternalCollectionJobInfo__Output>
        RefreshExternalCollectionRequest: MessageTypeDefinition<_milvus_proto_milvus_RefreshExternalCollectionRequest, _milvus_proto_milvus_RefreshExternalCollectionRequest__Output>
        RefreshExternalCollectionResponse: MessageTypeDefinition<_milvus_proto_milvus_RefreshExternalCollectionResponse, _milvus_proto_milvus_RefreshExternalCollectionResponse__Output>
        RefreshExternalCollectionState: EnumTypeDefinition
        RegisterLinkRequest: MessageTypeDefinition<_milvus_proto_milvus_RegisterLinkRequest, _milvus_proto_milvus_RegisterLinkRequest__Output>
        RegisterLinkResponse: MessageTypeDefinition<_milvus_proto_milvus_RegisterLinkResponse, _milvus_proto_milvus_RegisterLinkResponse__Output>
        ReleaseCollectionRequest: MessageTypeDefinition<_milvus_proto_milvus_ReleaseCollectionRequest, _milvus_proto_milvus_ReleaseCollectionRequest__Output>
        ReleasePartitionsRequest: MessageTypeDefinition<_milvus_proto_milvus_ReleasePartitionsRequest, _milvus_proto_milvus_ReleasePartitionsRequest__Output>
        RemoveFileResourceRequest: MessageTypeDefinition<_milvus_proto_milvus_RemoveFileResourceRequest, _milvus_proto_milvus_RemoveFileResourceRequest__Output>
        RenameCollectionRequest: MessageTypeDefinition<_milvus_proto_milvus_RenameCollectionRequest, _milvus_proto_milvus_RenameCollectionRequest__Output>
        ReplicaInfo: MessageTypeDefinition<_milvus_proto_milvus_ReplicaInfo, _milvus_proto_milvus_ReplicaInfo__Output>
        ReplicateConfirmedMessageInfo: MessageTypeDefinition<_milvus_proto_milvus_ReplicateConfirmedMessageInfo, _milvus_proto_milvus_ReplicateConfirmedMessageInfo__Output>
        ReplicateMessage: MessageTypeDefinition<_milvus_proto_milvus_ReplicateMessage, _milvus_proto_milvus_ReplicateMessage__Output>
        ReplicateMessageRequest: MessageTypeDefinition<_milvus_proto_milvus_ReplicateMessageRequest, _milvus_proto_milvus_ReplicateMessageRequest__Output>
        ReplicateMessageResponse: MessageTypeDefinition<_milvus_proto_milvus_ReplicateMessageResponse, _milvus_proto_milvus_ReplicateMessageResponse__Output>
        ReplicateRequest: MessageTypeDefinition<_milvus_proto_milvus_ReplicateRequest, _milvus_proto_milvus_ReplicateRequest__Output>
        ReplicateResponse: MessageTypeDefinition<_milvus_proto_milvus_ReplicateResponse, _milvus_proto_milvus_ReplicateResponse__Output>
        ResourceGroup: MessageTypeDefinition<_milvus_proto_milvus_ResourceGroup, _milvus_proto_milvus_ResourceGroup__Output>
        RestoreExternalSnapshotRequest: MessageTypeDefinition<_milvus_proto_milvus_RestoreExternalSnapshotRequest, _milvus_proto_milvus_RestoreExternalSnapshotRequest__Output>
        RestoreExternalSnapshotResponse: MessageTypeDefinition<_milvus_proto_milvus_RestoreExternalSnapshotResponse, _milvus_proto_milvus_RestoreExternalSnapshotResponse__Output>
        RestoreRBACMetaRequest: MessageTypeDefinition<_milvus_proto_milvus_RestoreRBACMetaRequest, _milvus_proto_milvus_RestoreRBACMetaRequest__Output>
        RestoreSnapshotInfo: MessageTypeDefinition<_milvus_proto_milvus_RestoreSnapshotInfo, _milvus_proto_milvus_RestoreSnapshotInfo__Output>
        RestoreSnapshotRequest: MessageTypeDefinition<_milvus_proto_milvus_RestoreSnapshotRequest, _milvus_proto_milvus_RestoreSnapshotRequest__Output>
        RestoreSnapshotResponse: MessageTypeDefinition<_milvus_proto_milvus_RestoreSnapshotResponse, _milvus_proto_milvus_RestoreSnapshotResponse__Output>
        RestoreSnapshotState: EnumTypeDefinition
        RoleEntity: MessageTypeDefinition<_milvus_proto_milvus_RoleEntity, _milvus_proto_milvus_RoleEntity__Output>
        RoleResult: MessageTypeDefinition<_milvus_proto_milvus_RoleResult, _milvus_proto_milvus_RoleResult__Output>
        RowPolicy: MessageTypeDefinition<_milvus_proto_milvus_RowPolicy, _milvus_proto_milvus_RowPolicy__Output>
        RowPolicyAction: EnumTypeDefinition
        RunAnalyzerRequest: MessageTypeDefinition<_milvus_proto_milvus_RunAnalyzerRequest, _milvus_proto_milvus_RunAnalyzerRequest__Output>
        RunAnalyzerResponse: MessageTypeDefinition<_milvus_proto_milvus_RunAnalyzerResponse, _milvus_proto_milvus_RunAnalyzerResponse__Output>
        SearchRequest: MessageTypeDefinition<_milvus_proto_milvus_SearchRequest, _milvus_proto_milvus_SearchRequest__Output>
        SearchResults: MessageTypeDefinition<_milvus_proto_milvus_SearchResults, _milvus_proto_milvus_SearchResults__Output>
        SelectGrantRequest: MessageTypeDefinition<_milvus_proto_milvus_SelectGrantRequest, _milvus_proto_milvus_SelectGrantRequest__Output>
        SelectGrantResponse: MessageTypeDefinition<_milvus_proto_milvus_SelectGrantResponse, _milvus_proto_milvus_SelectGrantResponse__Output>
        SelectRoleRequest: MessageTypeDefinition<_milvus_proto_milvus_SelectRoleRequest, _milvus_proto_milvus_SelectRoleRequest__Output>
        SelectRoleResponse: MessageTypeDefinition<_milvus_proto_milvus_SelectRoleResponse, _milvus_proto_milvus_SelectRoleResponse__Output>
        SelectUserRequest: MessageTypeDefinition<_milvus_proto_milvus_SelectUserRequest, _milvus_proto_milvus_SelectUserRequest__Output>
        SelectUserResponse: MessageTypeDefinition<_milvus_proto_milvus_SelectUserResponse, _milvus_proto_milvus_SelectUserResponse__Output>
        ShardReplica: MessageTypeDefinition<_milvus_proto_milvus_ShardReplica, _milvus_proto_milvus_ShardReplica__Output>
        ShowCollectionsRequest: MessageTypeDefinition<_milvus_proto_milvus_ShowCollectionsRequest, _milvus_proto_milvus_ShowCollectionsRequest__Output>
        ShowCollectionsResponse: MessageTypeDefinition<_milvus_proto_milvus_ShowCollectionsResponse, _milvus_proto_milvus_ShowCollectionsResponse__Output>
        ShowPartitionsRequest: MessageTypeDefinition<_milvus_proto_milvus_ShowPartitionsRequest, _milvus_proto_milvus_ShowPartitionsRequest__Output>
        ShowPartitionsResponse: MessageTypeDefinition<_milvus_proto_milvus_ShowPartitionsResponse, _milvus_proto_milvus_ShowPartitionsResponse__Output>
        ShowType: EnumTypeDefinition
        SubSearchRequest: MessageTypeDefinition<_milvus_proto_milvus_SubSearchRequest, _milvus_proto_milvus_SubSearchRequest__Output>
        TransferNodeRequest: MessageTypeDefinition<_milvus_proto_milvus_TransferNodeRequest, _milvus_proto_milvus_TransferNodeRequest__Output>
        TransferReplicaRequest: MessageTypeDefinition<_milvus_proto_milvus_TransferReplicaRequest, _milvus_proto_milvus_TransferReplicaRequest__Output>
        TruncateCollectionRequest: MessageTypeDefinition<_milvus_proto_milvus_TruncateCollectionRequest, _milvus_proto_milvus_TruncateCollectionRequest__Output>
        TruncateCollectionResponse: MessageTypeDefinition<_milvus_proto_milvus_TruncateCollectionResponse, _milvus_proto_milvus_TruncateCollectionResponse__Output>
        UnpinSnapshotDataRequest: MessageTypeDefinition<_milvus_proto_milvus_UnpinSnapshotDataRequest, _milvus_proto_milvus_UnpinSnapshotDataRequest__Output>
        UpdateCredentialRequest: MessageTypeDefinition<_milvus_proto_milvus_UpdateCredentialRequest, _milvus_proto_milvus_UpdateCredentialRequest__Output>
        UpdateReplicateConfigurationRequest: MessageTypeDefinition<_milvus_proto_milvus_UpdateReplicateConfigurationRequest, _milvus_proto_milvus_UpdateReplicateConfigurationRequest__Output>
        UpdateResourceGroupsRequest: MessageTypeDefinition<_milvus_proto_milvus_UpdateResourceGroupsRequest, _milvus_proto_milvus_UpdateResourceGroupsRequest__Output>
        UpsertRequest: MessageTypeDefinition<_milvus_proto_milvus_UpsertRequest, _milvus_proto_milvus_UpsertRequest__Output>
        UserEntity: MessageTypeDefinition<_milvus_proto_milvus_UserEntity, _milvus_proto_milvus_UserEntity__Output>
        UserInfo: MessageTypeDefinition<_milvus_proto_milvus_UserInfo, _milvus_proto_milvus_UserInfo__Output>
        UserResult: MessageTypeDefinition<_milvus_proto_milvus_UserResult, _milvus_proto_milvus_UserResult__Output>
        VectorIDs: MessageTypeDefinition<_milvus_proto_milvus_VectorIDs, _milvus_proto_milvus_VectorIDs__Output>
        VectorsArray: MessageTypeDefinition<_milvus_proto_milvus_VectorsArray, _milvus_proto_milvus_VectorsArray__Output>
      }
      msg: {
        MsgPosition: MessageTypeDefinition<_milvus_proto_msg_MsgPosition, _milvus_proto_msg_MsgPosition__Output>
      }
      rg: {
        ResourceGroupConfig: MessageTypeDefinition<_milvus_proto_rg_ResourceGroupConfig, _milvus_proto_rg_ResourceGroupConfig__Output>
        ResourceGroupLimit: MessageTypeDefinition<_milvus_proto_rg_ResourceGroupLimit, _milvus_proto_rg_ResourceGroupLimit__Output>
        ResourceGroupNodeFilter: MessageTypeDefinition<_milvus_proto_rg_ResourceGroupNodeFilter, _milvus_proto_rg_ResourceGroupNodeFilter__Output>
        ResourceGroupTransfer: MessageTypeDefinition<_milvus_proto_rg_ResourceGroupTransfer, _milvus_proto_rg_ResourceGroupTransfer__Output>
      }
      schema: {
        AggBucket: MessageTypeDefinition<_milvus_proto_schema_AggBucket, _milvus_proto_schema_AggBucket__Output>
        AggHit: MessageTypeDefinition<_milvus_proto_schema_AggHit, _milvus_proto_schema_AggHit__Output>
        AggHitField: MessageTypeDefinition<_milvus_proto_schema_AggHitField, _milvus_proto_schema_AggHitField__Output>
        ArrayArray: MessageTypeDefinition<_milvus_proto_schema_ArrayArray, _milvus_proto_schema_ArrayArray__Output>
        BoolArray: MessageTypeDefinition<_milvus_proto_schema_BoolArray, _milvus_proto_schema_BoolArray__Output>
        BucketKeyEntry: MessageTypeDefinition<_milvus_proto_schema_BucketKeyEntry, _milvus_proto_schema_BucketKeyEntry__Output>
        BytesArray: MessageTypeDefinition<_milvus_proto_schema_BytesArray, _milvus_proto_schema_BytesArray__Output>
        CollectionSchema: MessageTypeDefinition<_milvus_proto_schema_CollectionSchema, _milvus_proto_schema_CollectionSchema__Output>
        DataType: EnumTypeDefinition
        DateArray: MessageTypeDefinition<_milvus_proto_schema_DateArray, _milvus_proto_schema_DateArray__Output>
        DoubleArray: MessageTypeDefinition<_milvus_proto_schema_DoubleArray, _milvus_proto_schema_DoubleArray__Output>
        FieldData: MessageTypeDefinition<_milvus_proto_schema_FieldData, _milvus_proto_schema_FieldData__Output>
        FieldPartialUpdateOp: MessageTypeDefinition<_milvus_proto_schema_FieldPartialUpdateOp, _milvus_proto_schema_FieldPartialUpdateOp__Output>
        FieldSchema: MessageTypeDefinition<_milvus_proto_schema_FieldSchema, _milvus_proto_schema_FieldSchema__Output>
        FieldState: EnumTypeDefinition
        FloatArray: MessageTypeDefinition<_milvus_proto_schema_FloatArray, _milvus_proto_schema_FloatArray__Output>
        FunctionChain: MessageTypeDefinition<_milvus_proto_schema_FunctionChain, _milvus_proto_schema_FunctionChain__Output>
        FunctionChainColumnArg: MessageTypeDefinition<_milvus_proto_schema_FunctionChainColumnArg, _milvus_proto_schema_FunctionChainColumnArg__Output>
        FunctionChainExpr: MessageTypeDefinition<_milvus_proto_schema_FunctionChainExpr, _milvus_proto_schema_FunctionChainExpr__Output>
        FunctionChainExprArg: MessageTypeDefinition<_milvus_proto_schema_FunctionChainExprArg, _milvus_proto_schema_FunctionChainExprArg__Output>
        FunctionChainOp: MessageTypeDefinition<_milvus_proto_schema_FunctionChainOp, _milvus_proto_schema_FunctionChainOp__Output>
        FunctionChainStage: EnumTypeDefinition
        FunctionParamArray: MessageTypeDefinition<_milvus_proto_schema_FunctionParamArray, _milvus_proto_schema_FunctionParamArray__Output>
        FunctionParamObject: MessageTypeDefinition<_milvus_proto_schema_FunctionParamObject, _milvus_proto_schema_FunctionParamObject__Output>
        FunctionParamValue: MessageTypeDefinition<_milvus_proto_schema_FunctionParamValue, _milvus_proto_schema_FunctionParamValue__Output>
        FunctionSchema: MessageTypeDefinition<_milvus_proto_schema_FunctionSchema, _milvus_proto_schema_FunctionSchema__Output>
        FunctionScore: MessageTypeDefinition<_milvus_proto_schema_FunctionScore, _milvus_proto_schema_FunctionScore__Output>
        FunctionType: EnumTypeDefinition
        GeometryArray: MessageTypeDefinition<_milvus_proto_schema_GeometryArray, _milvus_proto_schema_GeometryArray__Output>
        GeometryWktArray: MessageTypeDefinition<_milvus_proto_schema_GeometryWktArray, _milvus_proto_schema_GeometryWktArray__Output>
        IDs: MessageTypeDefinition<_milvus_proto_schema_IDs, _milvus_proto_schema_IDs__Output>
        IntArray: MessageTypeDefinition<_milvus_proto_schema_IntArray, _milvus_proto_schema_IntArray__Output>
        JSONArray: MessageTypeDefinition<_milvus_proto_schema_JSONArray, _milvus_proto_schema_JSONArray__Output>
        LongArray: MessageTypeDefinition<_milvus_proto_schema_LongArray, _milvus_proto_schema_LongArray__Output>
        MetricValue: MessageTypeDefinition<_milvus_proto_schema_MetricValue, _milvus_proto_schema_MetricValue__Output>
        MolArray: MessageTypeDefinition<_milvus_proto_schema_MolArray, _milvus_proto_schema_MolArray__Output>
        MolSmilesArray: MessageTypeDefinition<_milvus_proto_schema_MolSmilesArray, _milvus_proto_schema_MolSmilesArray__Output>
        ScalarField: MessageTypeDefinition<_milvus_proto_schema_ScalarField, _milvus_proto_schema_ScalarField__Output>
        SearchIteratorV2Results: MessageTypeDefinition<_milvus_proto_schema_SearchIteratorV2Results, _milvus_proto_schema_SearchIteratorV2Results__Output>
        SearchResultData: MessageTypeDefinition<_milvus_proto_schema_SearchResultData, _milvus_proto_schema_SearchResultData__Output>
        SparseFloatArray: MessageTypeDefinition<_milvus_proto_schema_SparseFloatArray, _milvus_proto_schema_SparseFloatArray__Output>
        StringArray: MessageTypeDefinition<_milvus_proto_schema_StringArray, _milvus_proto_schema_StringArray__Output>
        StructArrayField: MessageTypeDefinition<_milvus_proto_schema_StructArrayField, _milvus_proto_schema_StructArrayField__Output>
        StructArrayFieldSchema: MessageTypeDefinition<_milvus_proto_schema_StructArrayFieldSchema, _milvus_proto_schema_StructArrayFieldSchema__Output>
        TemplateArrayValue: MessageTypeDefinition<_milvus_proto_schema_TemplateArrayValue, _milvus_proto_schema_TemplateArrayValue__Output>
        TemplateArrayValueArray: MessageTypeDefinition<_milvus_proto_schema_TemplateArrayValueArray, _milvus_proto_schema_TemplateArrayValueArray__Output>
        TemplateValue: MessageTypeDefinition<_milvus_proto_schema_TemplateValue, _milvus_proto_schema_TemplateValue__Output>
        TimeArray: MessageTypeDefinition<_milvus_proto_schema_TimeArray, _milvus_proto_schema_TimeArray__Output>
        TimestamptzArray: MessageTypeDefinition<_milvus_proto_schema_TimestamptzArray, _milvus_proto_schema_TimestamptzArray__Output>
        ValueField: MessageTypeDefinition<_milvus_proto_schema_ValueField, _milvus_proto_schema_ValueField__Output>
        VectorArray: MessageTypeDefinition<_milvus_proto_schema_VectorArray, _milvus_proto_schema_VectorArray__Output>
        VectorField: MessageTypeDefinition<_milvus_proto_schema_VectorField, _milvus_proto_schema_VectorField__Output>
      }
    }
  }
}


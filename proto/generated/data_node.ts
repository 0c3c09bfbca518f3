import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AliasName as _mishards_data_AliasName, AliasName__Output as _mishards_data_AliasName__Output } from './mishards/data/AliasName.js';
import type { DataNodeClient as _mishards_data_DataNodeClient, DataNodeDefinition as _mishards_data_DataNodeDefinition } from './mishards/data/DataNode.js';
import type { DatabaseName as _mishards_data_DatabaseName, DatabaseName__Output as _mishards_data_DatabaseName__Output } from './mishards/data/DatabaseName.js';
import type { DescribeNodeRequest as _mishards_data_DescribeNodeRequest, DescribeNodeRequest__Output as _mishards_data_DescribeNodeRequest__Output } from './mishards/data/DescribeNodeRequest.js';
import type { DescribeNodeResponse as _mishards_data_DescribeNodeResponse, DescribeNodeResponse__Output as _mishards_data_DescribeNodeResponse__Output } from './mishards/data/DescribeNodeResponse.js';
import type { IteratorPage as _mishards_data_IteratorPage, IteratorPage__Output as _mishards_data_IteratorPage__Output } from './mishards/data/IteratorPage.js';
import type { ListSegmentsRequest as _mishards_data_ListSegmentsRequest, ListSegmentsRequest__Output as _mishards_data_ListSegmentsRequest__Output } from './mishards/data/ListSegmentsRequest.js';
import type { ListSegmentsResponse as _mishards_data_ListSegmentsResponse, ListSegmentsResponse__Output as _mishards_data_ListSegmentsResponse__Output } from './mishards/data/ListSegmentsResponse.js';
import type { LoadSegmentsRequest as _mishards_data_LoadSegmentsRequest, LoadSegmentsRequest__Output as _mishards_data_LoadSegmentsRequest__Output } from './mishards/data/LoadSegmentsRequest.js';
import type { LoadSegmentsResponse as _mishards_data_LoadSegmentsResponse, LoadSegmentsResponse__Output as _mishards_data_LoadSegmentsResponse__Output } from './mishards/data/LoadSegmentsResponse.js';
import type { LoadedSegment as _mishards_data_LoadedSegment, LoadedSegment__Output as _mishards_data_LoadedSegment__Output } from './mishards/data/LoadedSegment.js';
import type { MetadataEvent as _mishards_data_MetadataEvent, MetadataEvent__Output as _mishards_data_MetadataEvent__Output } from './mishards/data/MetadataEvent.js';
import type { MetadataFeedClient as _mishards_data_MetadataFeedClient, MetadataFeedDefinition as _mishards_data_MetadataFeedDefinition } from './mishards/data/MetadataFeed.js';
import type { Names as _mishards_data_Names, Names__Output as _mishards_data_Names__Output } from './mishards/data/Names.js';
import type { NodeStatus as _mishards_data_NodeStatus, NodeStatus__Output as _mishards_data_NodeStatus__Output } from './mishards/data/NodeStatus.js';
import type { PageCursor as _mishards_data_PageCursor, PageCursor__Output as _mishards_data_PageCursor__Output } from './mishards/data/PageCursor.js';
import type { PartialColumn as _mishards_data_PartialColumn, PartialColumn__Output as _mishards_data_PartialColumn__Output } from './mishards/data/PartialColumn.js';
import type { PartialResult as _mishards_data_PartialResult, PartialResult__Output as _mishards_data_PartialResult__Output } from './mishards/data/PartialResult.js';
import type { QuerySegmentsRequest as _mishards_data_QuerySegmentsRequest, QuerySegmentsRequest__Output as _mishards_data_QuerySegmentsRequest__Output } from './mishards/data/QuerySegmentsRequest.js';
import type { QuerySegmentsResponse as _mishards_data_QuerySegmentsResponse, QuerySegmentsResponse__Output as _mishards_data_QuerySegmentsResponse__Output } from './mishards/data/QuerySegmentsResponse.js';
import type { ReadSnapshot as _mishards_data_ReadSnapshot, ReadSnapshot__Output as _mishards_data_ReadSnapshot__Output } from './mishards/data/ReadSnapshot.js';
import type { ReleaseSegmentsRequest as _mishards_data_ReleaseSegmentsRequest, ReleaseSegmentsRequest__Output as _mishards_data_ReleaseSegmentsRequest__Output } from './mishards/data/ReleaseSegmentsRequest.js';
import type { ReleaseSegmentsResponse as _mishards_data_ReleaseSegmentsResponse, ReleaseSegmentsResponse__Output as _mishards_data_ReleaseSegmentsResponse__Output } from './mishards/data/ReleaseSegmentsResponse.js';
import type { ReportPlacementRequest as _mishards_data_ReportPlacementRequest, ReportPlacementRequest__Output as _mishards_data_ReportPlacementRequest__Output } from './mishards/data/ReportPlacementRequest.js';
import type { ReportPlacementResponse as _mishards_data_ReportPlacementResponse, ReportPlacementResponse__Output as _mishards_data_ReportPlacementResponse__Output } from './mishards/data/ReportPlacementResponse.js';
import type { SearchSegmentsRequest as _mishards_data_SearchSegmentsRequest, SearchSegmentsRequest__Output as _mishards_data_SearchSegmentsRequest__Output } from './mishards/data/SearchSegmentsRequest.js';
import type { SearchSegmentsResponse as _mishards_data_SearchSegmentsResponse, SearchSegmentsResponse__Output as _mishards_data_SearchSegmentsResponse__Output } from './mishards/data/SearchSegmentsResponse.js';
import type { SecurityState as _mishards_data_SecurityState, SecurityState__Output as _mishards_data_SecurityState__Output } from './mishards/data/SecurityState.js';
import type { SegmentError as _mishards_data_SegmentError, SegmentError__Output as _mishards_data_SegmentError__Output } from './mishards/data/SegmentError.js';
import type { SegmentPlacement as _mishards_data_SegmentPlacement, SegmentPlacement__Output as _mishards_data_SegmentPlacement__Output } from './mishards/data/SegmentPlacement.js';
import type { TermStatisticsRequest as _mishards_data_TermStatisticsRequest, TermStatisticsRequest__Output as _mishards_data_TermStatisticsRequest__Output } from './mishards/data/TermStatisticsRequest.js';
import type { TermStatisticsResponse as _mishards_data_TermStatisticsResponse, TermStatisticsResponse__Output as _mishards_data_TermStatisticsResponse__Output } from './mishards/data/TermStatisticsResponse.js';
import type { VersionRequest as _mishards_data_VersionRequest, VersionRequest__Output as _mishards_data_VersionRequest__Output } from './mishards/data/VersionRequest.js';
import type { VersionResponse as _mishards_data_VersionResponse, VersionResponse__Output as _mishards_data_VersionResponse__Output } from './mishards/data/VersionResponse.js';
import type { WatchRequest as _mishards_data_WatchRequest, WatchRequest__Output as _mishards_data_WatchRequest__Output } from './mishards/data/WatchRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  mishards: {
    data: {
      AliasName: MessageTypeDefinition<_mishards_data_AliasName, _mishards_data_AliasName__Output>
      DataNode: SubtypeConstructor<typeof grpc.Client, _mishards_data_DataNodeClient> & { service: _mishards_data_DataNodeDefinition }
      DatabaseName: MessageTypeDefinition<_mishards_data_DatabaseName, _mishards_data_DatabaseName__Output>
      DescribeNodeRequest: MessageTypeDefinition<_mishards_data_DescribeNodeRequest, _mishards_data_DescribeNodeRequest__Output>
      DescribeNodeResponse: MessageTypeDefinition<_mishards_data_DescribeNodeResponse, _mishards_data_DescribeNodeResponse__Output>
      IteratorPage: MessageTypeDefinition<_mishards_data_IteratorPage, _mishards_data_IteratorPage__Output>
      ListSegmentsRequest: MessageTypeDefinition<_mishards_data_ListSegmentsRequest, _mishards_data_ListSegmentsRequest__Output>
      ListSegmentsResponse: MessageTypeDefinition<_mishards_data_ListSegmentsResponse, _mishards_data_ListSegmentsResponse__Output>
      LoadSegmentsRequest: MessageTypeDefinition<_mishards_data_LoadSegmentsRequest, _mishards_data_LoadSegmentsRequest__Output>
      LoadSegmentsResponse: MessageTypeDefinition<_mishards_data_LoadSegmentsResponse, _mishards_data_LoadSegmentsResponse__Output>
      LoadedSegment: MessageTypeDefinition<_mishards_data_LoadedSegment, _mishards_data_LoadedSegment__Output>
      MetadataEvent: MessageTypeDefinition<_mishards_data_MetadataEvent, _mishards_data_MetadataEvent__Output>
      /**
       * The writable node's metadata change feed: the only producer of metadata tells coordinators
       * and readers what changed, so they keep caches fresh without querying the metadata store.
       */
      MetadataFeed: SubtypeConstructor<typeof grpc.Client, _mishards_data_MetadataFeedClient> & { service: _mishards_data_MetadataFeedDefinition }
      Names: MessageTypeDefinition<_mishards_data_Names, _mishards_data_Names__Output>
      NodeStatus: MessageTypeDefinition<_mishards_data_NodeStatus, _mishards_data_NodeStatus__Output>
      PageCursor: MessageTypeDefinition<_mishards_data_PageCursor, _mishards_data_PageCursor__Output>
      PartialColumn: MessageTypeDefinition<_mishards_data_PartialColumn, _mishards_data_PartialColumn__Output>
      PartialResult: MessageTypeDefinition<_mishards_data_PartialResult, _mishards_data_PartialResult__Output>
      QuerySegmentsRequest: MessageTypeDefinition<_mishards_data_QuerySegmentsRequest, _mishards_data_QuerySegmentsRequest__Output>
      QuerySegmentsResponse: MessageTypeDefinition<_mishards_data_QuerySegmentsResponse, _mishards_data_QuerySegmentsResponse__Output>
      ReadSnapshot: MessageTypeDefinition<_mishards_data_ReadSnapshot, _mishards_data_ReadSnapshot__Output>
      ReleaseSegmentsRequest: MessageTypeDefinition<_mishards_data_ReleaseSegmentsRequest, _mishards_data_ReleaseSegmentsRequest__Output>
      ReleaseSegmentsResponse: MessageTypeDefinition<_mishards_data_ReleaseSegmentsResponse, _mishards_data_ReleaseSegmentsResponse__Output>
      ReportPlacementRequest: MessageTypeDefinition<_mishards_data_ReportPlacementRequest, _mishards_data_ReportPlacementRequest__Output>
      ReportPlacementResponse: MessageTypeDefinition<_mishards_data_ReportPlacementResponse, _mishards_data_ReportPlacementResponse__Output>
      SearchSegmentsRequest: MessageTypeDefinition<_mishards_data_SearchSegmentsRequest, _mishards_data_SearchSegmentsRequest__Output>
      SearchSegmentsResponse: MessageTypeDefinition<_mishards_data_SearchSegmentsResponse, _mishards_data_SearchSegmentsResponse__Output>
      SecurityState: MessageTypeDefinition<_mishards_data_SecurityState, _mishards_data_SecurityState__Output>
      SegmentError: MessageTypeDefinition<_mishards_data_SegmentError, _mishards_data_SegmentError__Output>
      SegmentPlacement: MessageTypeDefinition<_mishards_data_SegmentPlacement, _mishards_data_SegmentPlacement__Output>
      TermStatisticsRequest: MessageTypeDefinition<_mishards_data_TermStatisticsRequest, _mishards_data_TermStatisticsRequest__Output>
      TermStatisticsResponse: MessageTypeDefinition<_mishards_data_TermStatisticsResponse, _mishards_data_TermStatisticsResponse__Output>
      VersionRequest: MessageTypeDefinition<_mishards_data_VersionRequest, _mishards_data_VersionRequest__Output>
      VersionResponse: MessageTypeDefinition<_mishards_data_VersionResponse, _mishards_data_VersionResponse__Output>
      WatchRequest: MessageTypeDefinition<_mishards_data_WatchRequest, _mishards_data_WatchRequest__Output>
    }
  }
}


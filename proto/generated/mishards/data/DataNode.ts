// Original file: mishards/data_node.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DescribeNodeRequest as _mishards_data_DescribeNodeRequest, DescribeNodeRequest__Output as _mishards_data_DescribeNodeRequest__Output } from '../../mishards/data/DescribeNodeRequest.js';
import type { DescribeNodeResponse as _mishards_data_DescribeNodeResponse, DescribeNodeResponse__Output as _mishards_data_DescribeNodeResponse__Output } from '../../mishards/data/DescribeNodeResponse.js';
import type { ListSegmentsRequest as _mishards_data_ListSegmentsRequest, ListSegmentsRequest__Output as _mishards_data_ListSegmentsRequest__Output } from '../../mishards/data/ListSegmentsRequest.js';
import type { ListSegmentsResponse as _mishards_data_ListSegmentsResponse, ListSegmentsResponse__Output as _mishards_data_ListSegmentsResponse__Output } from '../../mishards/data/ListSegmentsResponse.js';
import type { LoadSegmentsRequest as _mishards_data_LoadSegmentsRequest, LoadSegmentsRequest__Output as _mishards_data_LoadSegmentsRequest__Output } from '../../mishards/data/LoadSegmentsRequest.js';
import type { LoadSegmentsResponse as _mishards_data_LoadSegmentsResponse, LoadSegmentsResponse__Output as _mishards_data_LoadSegmentsResponse__Output } from '../../mishards/data/LoadSegmentsResponse.js';
import type { QuerySegmentsRequest as _mishards_data_QuerySegmentsRequest, QuerySegmentsRequest__Output as _mishards_data_QuerySegmentsRequest__Output } from '../../mishards/data/QuerySegmentsRequest.js';
import type { QuerySegmentsResponse as _mishards_data_QuerySegmentsResponse, QuerySegmentsResponse__Output as _mishards_data_QuerySegmentsResponse__Output } from '../../mishards/data/QuerySegmentsResponse.js';
import type { ReleaseSegmentsRequest as _mishards_data_ReleaseSegmentsRequest, ReleaseSegmentsRequest__Output as _mishards_data_ReleaseSegmentsRequest__Output } from '../../mishards/data/ReleaseSegmentsRequest.js';
import type { ReleaseSegmentsResponse as _mishards_data_ReleaseSegmentsResponse, ReleaseSegmentsResponse__Output as _mishards_data_ReleaseSegmentsResponse__Output } from '../../mishards/data/ReleaseSegmentsResponse.js';
import type { ReportPlacementRequest as _mishards_data_ReportPlacementRequest, ReportPlacementRequest__Output as _mishards_data_ReportPlacementRequest__Output } from '../../mishards/data/ReportPlacementRequest.js';
import type { ReportPlacementResponse as _mishards_data_ReportPlacementResponse, ReportPlacementResponse__Output as _mishards_data_ReportPlacementResponse__Output } from '../../mishards/data/ReportPlacementResponse.js';
import type { SearchSegmentsRequest as _mishards_data_SearchSegmentsRequest, SearchSegmentsRequest__Output as _mishards_data_SearchSegmentsRequest__Output } from '../../mishards/data/SearchSegmentsRequest.js';
import type { SearchSegmentsResponse as _mishards_data_SearchSegmentsResponse, SearchSegmentsResponse__Output as _mishards_data_SearchSegmentsResponse__Output } from '../../mishards/data/SearchSegmentsResponse.js';
import type { TermStatisticsRequest as _mishards_data_TermStatisticsRequest, TermStatisticsRequest__Output as _mishards_data_TermStatisticsRequest__Output } from '../../mishards/data/TermStatisticsRequest.js';
import type { TermStatisticsResponse as _mishards_data_TermStatisticsResponse, TermStatisticsResponse__Output as _mishards_data_TermStatisticsResponse__Output } from '../../mishards/data/TermStatisticsResponse.js';

export interface DataNodeClient extends grpc.Client {
  /**
   * The node's resources and what it serves, for a coordinator's GetMetrics.
   */
  DescribeNode(argument: _mishards_data_DescribeNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_DescribeNodeResponse__Output>): grpc.ClientUnaryCall;
  DescribeNode(argument: _mishards_data_DescribeNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mishards_data_DescribeNodeResponse__Output>): grpc.ClientUnaryCall;
  DescribeNode(argument: _mishards_data_DescribeNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_DescribeNodeResponse__Output>): grpc.ClientUnaryCall;
  DescribeNode(argument: _mishards_data_DescribeNodeRequest, callback: grpc.requestCallback<_mishards_data_DescribeNodeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The node's resources and what it serves, for a coordinator's GetMetrics.
   */
  describeNode(argument: _mishards_data_DescribeNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_DescribeNodeResponse__Output>): grpc.ClientUnaryCall;
  describeNode(argument: _mishards_data_DescribeNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mishards_data_DescribeNodeResponse__Output>): grpc.ClientUnaryCall;
  describeNode(argument: _mishards_data_DescribeNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_DescribeNodeResponse__Output>): grpc.ClientUnaryCall;
  describeNode(argument: _mishards_data_DescribeNodeRequest, callback: grpc.requestCallback<_mishards_data_DescribeNodeResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Reports what is loaded.
   */
  ListSegments(argument: _mishards_data_ListSegmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_ListSegmentsResponse__Output>): grpc.ClientUnaryCall;
  ListSegments(argument: _mishards_data_ListSegmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mishards_data_ListSegmentsResponse__Output>): grpc.ClientUnaryCall;
  ListSegments(argument: _mishards_data_ListSegmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_ListSegmentsResponse__Output>): grpc.ClientUnaryCall;
  ListSegments(argument: _mishards_data_ListSegmentsRequest, callback: grpc.requestCallback<_mishards_data_ListSegmentsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Reports what is loaded.
   */
  listSegments(argument: _mishards_data_ListSegmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_ListSegmentsResponse__Output>): grpc.ClientUnaryCall;
  listSegments(argument: _mishards_data_ListSegmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mishards_data_ListSegmentsResponse__Output>): grpc.ClientUnaryCall;
  listSegments(argument: _mishards_data_ListSegmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_ListSegmentsResponse__Output>): grpc.ClientUnaryCall;
  listSegments(argument: _mishards_data_ListSegmentsRequest, callback: grpc.requestCallback<_mishards_data_ListSegmentsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Loads sealed segments from shared storage (idempotent).
   */
  LoadSegments(argument: _mishards_data_LoadSegmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_LoadSegmentsResponse__Output>): grpc.ClientUnaryCall;
  LoadSegments(argument: _mishards_data_LoadSegmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mishards_data_LoadSegmentsResponse__Output>): grpc.ClientUnaryCall;
  LoadSegments(argument: _mishards_data_LoadSegmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_LoadSegmentsResponse__Output>): grpc.ClientUnaryCall;
  LoadSegments(argument: _mishards_data_LoadSegmentsRequest, callback: grpc.requestCallback<_mishards_data_LoadSegmentsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Loads sealed segments from shared storage (idempotent).
   */
  loadSegments(argument: _mishards_data_LoadSegmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_LoadSegmentsResponse__Output>): grpc.ClientUnaryCall;
  loadSegments(argument: _mishards_data_LoadSegmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mishards_data_LoadSegmentsResponse__Output>): grpc.ClientUnaryCall;
  loadSegments(argument: _mishards_data_LoadSegmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_LoadSegmentsResponse__Output>): grpc.ClientUnaryCall;
  loadSegments(argument: _mishards_data_LoadSegmentsRequest, callback: grpc.requestCallback<_mishards_data_LoadSegmentsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Filtered retrieval over a set of segments.
   */
  QuerySegments(argument: _mishards_data_QuerySegmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_QuerySegmentsResponse__Output>): grpc.ClientUnaryCall;
  QuerySegments(argument: _mishards_data_QuerySegmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mishards_data_QuerySegmentsResponse__Output>): grpc.ClientUnaryCall;
  QuerySegments(argument: _mishards_data_QuerySegmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_QuerySegmentsResponse__Output>): grpc.ClientUnaryCall;
  QuerySegments(argument: _mishards_data_QuerySegmentsRequest, callback: grpc.requestCallback<_mishards_data_QuerySegmentsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Filtered retrieval over a set of segments.
   */
  querySegments(argument: _mishards_data_QuerySegmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_QuerySegmentsResponse__Output>): grpc.ClientUnaryCall;
  querySegments(argument: _mishards_data_QuerySegmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mishards_data_QuerySegmentsResponse__Output>): grpc.ClientUnaryCall;
  querySegments(argument: _mishards_data_QuerySegmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_QuerySegmentsResponse__Output>): grpc.ClientUnaryCall;
  querySegments(argument: _mishards_data_QuerySegmentsRequest, callback: grpc.requestCallback<_mishards_data_QuerySegmentsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Releases loaded segments (idempotent).
   */
  ReleaseSegments(argument: _mishards_data_ReleaseSegmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_ReleaseSegmentsResponse__Output>): grpc.ClientUnaryCall;
  ReleaseSegments(argument: _mishards_data_ReleaseSegmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mishards_data_ReleaseSegmentsResponse__Output>): grpc.ClientUnaryCall;
  ReleaseSegments(argument: _mishards_data_ReleaseSegmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_ReleaseSegmentsResponse__Output>): grpc.ClientUnaryCall;
  ReleaseSegments(argument: _mishards_data_ReleaseSegmentsRequest, callback: grpc.requestCallback<_mishards_data_ReleaseSegmentsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Releases loaded segments (idempotent).
   */
  releaseSegments(argument: _mishards_data_ReleaseSegmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_ReleaseSegmentsResponse__Output>): grpc.ClientUnaryCall;
  releaseSegments(argument: _mishards_data_ReleaseSegmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mishards_data_ReleaseSegmentsResponse__Output>): grpc.ClientUnaryCall;
  releaseSegments(argument: _mishards_data_ReleaseSegmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_ReleaseSegmentsResponse__Output>): grpc.ClientUnaryCall;
  releaseSegments(argument: _mishards_data_ReleaseSegmentsRequest, callback: grpc.requestCallback<_mishards_data_ReleaseSegmentsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Writable node only (a read-only node answers ServiceUnimplemented): a coordinator's report
   * of the placement it computed, recorded as each segment's anchor group, and of the retiring
   * segments no reader holds any more, which the writer may then drop.
   */
  ReportPlacement(argument: _mishards_data_ReportPlacementRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_ReportPlacementResponse__Output>): grpc.ClientUnaryCall;
  ReportPlacement(argument: _mishards_data_ReportPlacementRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mishards_data_ReportPlacementResponse__Output>): grpc.ClientUnaryCall;
  ReportPlacement(argument: _mishards_data_ReportPlacementRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_ReportPlacementResponse__Output>): grpc.ClientUnaryCall;
  ReportPlacement(argument: _mishards_data_ReportPlacementRequest, callback: grpc.requestCallback<_mishards_data_ReportPlacementResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Writable node only (a read-only node answers ServiceUnimplemented): a coordinator's report
   * of the placement it computed, recorded as each segment's anchor group, and of the retiring
   * segments no reader holds any more, which the writer may then drop.
   */
  reportPlacement(argument: _mishards_data_ReportPlacementRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_ReportPlacementResponse__Output>): grpc.ClientUnaryCall;
  reportPlacement(argument: _mishards_data_ReportPlacementRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mishards_data_ReportPlacementResponse__Output>): grpc.ClientUnaryCall;
  reportPlacement(argument: _mishards_data_ReportPlacementRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_ReportPlacementResponse__Output>): grpc.ClientUnaryCall;
  reportPlacement(argument: _mishards_data_ReportPlacementRequest, callback: grpc.requestCallback<_mishards_data_ReportPlacementResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Top-k search over a set of segments.
   */
  SearchSegments(argument: _mishards_data_SearchSegmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_SearchSegmentsResponse__Output>): grpc.ClientUnaryCall;
  SearchSegments(argument: _mishards_data_SearchSegmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mishards_data_SearchSegmentsResponse__Output>): grpc.ClientUnaryCall;
  SearchSegments(argument: _mishards_data_SearchSegmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_SearchSegmentsResponse__Output>): grpc.ClientUnaryCall;
  SearchSegments(argument: _mishards_data_SearchSegmentsRequest, callback: grpc.requestCallback<_mishards_data_SearchSegmentsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Top-k search over a set of segments.
   */
  searchSegments(argument: _mishards_data_SearchSegmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_SearchSegmentsResponse__Output>): grpc.ClientUnaryCall;
  searchSegments(argument: _mishards_data_SearchSegmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mishards_data_SearchSegmentsResponse__Output>): grpc.ClientUnaryCall;
  searchSegments(argument: _mishards_data_SearchSegmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_SearchSegmentsResponse__Output>): grpc.ClientUnaryCall;
  searchSegments(argument: _mishards_data_SearchSegmentsRequest, callback: grpc.requestCallback<_mishards_data_SearchSegmentsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The statistics of a BM25 output field over a set of segments: the first phase of a BM25
   * search, summed by the coordinator over every node (docs/full-text.md).
   */
  TermStatistics(argument: _mishards_data_TermStatisticsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_TermStatisticsResponse__Output>): grpc.ClientUnaryCall;
  TermStatistics(argument: _mishards_data_TermStatisticsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mishards_data_TermStatisticsResponse__Output>): grpc.ClientUnaryCall;
  TermStatistics(argument: _mishards_data_TermStatisticsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_TermStatisticsResponse__Output>): grpc.ClientUnaryCall;
  TermStatistics(argument: _mishards_data_TermStatisticsRequest, callback: grpc.requestCallback<_mishards_data_TermStatisticsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The statistics of a BM25 output field over a set of segments: the first phase of a BM25
   * search, summed by the coordinator over every node (docs/full-text.md).
   */
  termStatistics(argument: _mishards_data_TermStatisticsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_TermStatisticsResponse__Output>): grpc.ClientUnaryCall;
  termStatistics(argument: _mishards_data_TermStatisticsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mishards_data_TermStatisticsResponse__Output>): grpc.ClientUnaryCall;
  termStatistics(argument: _mishards_data_TermStatisticsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_TermStatisticsResponse__Output>): grpc.ClientUnaryCall;
  termStatistics(argument: _mishards_data_TermStatisticsRequest, callback: grpc.requestCallback<_mishards_data_TermStatisticsResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface DataNodeHandlers extends grpc.UntypedServiceImplementation {
  /**
   * The node's resources and what it serves, for a coordinator's GetMetrics.
   */
  DescribeNode: grpc.handleUnaryCall<_mishards_data_DescribeNodeRequest__Output, _mishards_data_DescribeNodeResponse>;
  
  /**
   * Reports what is loaded.
   */
  ListSegments: grpc.handleUnaryCall<_mishards_data_ListSegmentsRequest__Output, _mishards_data_ListSegmentsResponse>;
  
  /**
   * Loads sealed segments from shared storage (idempotent).
   */
  LoadSegments: grpc.handleUnaryCall<_mishards_data_LoadSegmentsRequest__Output, _mishards_data_LoadSegmentsResponse>;
  
  /**
   * Filtered retrieval over a set of segments.
   */
  QuerySegments: grpc.handleUnaryCall<_mishards_data_QuerySegmentsRequest__Output, _mishards_data_QuerySegmentsResponse>;
  
  /**
   * Releases loaded segments (idempotent).
   */
  ReleaseSegments: grpc.handleUnaryCall<_mishards_data_ReleaseSegmentsRequest__Output, _mishards_data_ReleaseSegmentsResponse>;
  
  /**
   * Writable node only (a read-only node answers ServiceUnimplemented): a coordinator's report
   * of the placement it computed, recorded as each segment's anchor group, and of the retiring
   * segments no reader holds any more, which the writer may then drop.
   */
  ReportPlacement: grpc.handleUnaryCall<_mishards_data_ReportPlacementRequest__Output, _mishards_data_ReportPlacementResponse>;
  
  /**
   * Top-k search over a set of segments.
   */
  SearchSegments: grpc.handleUnaryCall<_mishards_data_SearchSegmentsRequest__Output, _mishards_data_SearchSegmentsResponse>;
  
  /**
   * The statistics of a BM25 output field over a set of segments: the first phase of a BM25
   * search, summed by the coordinator over every node (docs/full-text.md).
   */
  TermStatistics: grpc.handleUnaryCall<_mishards_data_TermStatisticsRequest__Output, _mishards_data_TermStatisticsResponse>;
  
}

export interface DataNodeDefinition extends grpc.ServiceDefinition {
  DescribeNode: MethodDefinition<_mishards_data_DescribeNodeRequest, _mishards_data_DescribeNodeResponse, _mishards_data_DescribeNodeRequest__Output, _mishards_data_DescribeNodeResponse__Output>
  ListSegments: MethodDefinition<_mishards_data_ListSegmentsRequest, _mishards_data_ListSegmentsResponse, _mishards_data_ListSegmentsRequest__Output, _mishards_data_ListSegmentsResponse__Output>
  LoadSegments: MethodDefinition<_mishards_data_LoadSegmentsRequest, _mishards_data_LoadSegmentsResponse, _mishards_data_LoadSegmentsRequest__Output, _mishards_data_LoadSegmentsResponse__Output>
  QuerySegments: MethodDefinition<_mishards_data_QuerySegmentsRequest, _mishards_data_QuerySegmentsResponse, _mishards_data_QuerySegmentsRequest__Output, _mishards_data_QuerySegmentsResponse__Output>
  ReleaseSegments: MethodDefinition<_mishards_data_ReleaseSegmentsRequest, _mishards_data_ReleaseSegmentsResponse, _mishards_data_ReleaseSegmentsRequest__Output, _mishards_data_ReleaseSegmentsResponse__Output>
  ReportPlacement: MethodDefinition<_mishards_data_ReportPlacementRequest, _mishards_data_ReportPlacementResponse, _mishards_data_ReportPlacementRequest__Output, _mishards_data_ReportPlacementResponse__Output>
  SearchSegments: MethodDefinition<_mishards_data_SearchSegmentsRequest, _mishards_data_SearchSegmentsResponse, _mishards_data_SearchSegmentsRequest__Output, _mishards_data_SearchSegmentsResponse__Output>
  TermStatistics: MethodDefinition<_mishards_data_TermStatisticsRequest, _mishards_data_TermStatisticsResponse, _mishards_data_TermStatisticsRequest__Output, _mishards_data_TermStatisticsResponse__Output>
}

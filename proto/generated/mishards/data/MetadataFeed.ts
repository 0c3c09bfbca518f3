// Original file: mishards/data_node.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { MetadataEvent as _mishards_data_MetadataEvent, MetadataEvent__Output as _mishards_data_MetadataEvent__Output } from '../../mishards/data/MetadataEvent.js';
import type { VersionRequest as _mishards_data_VersionRequest, VersionRequest__Output as _mishards_data_VersionRequest__Output } from '../../mishards/data/VersionRequest.js';
import type { VersionResponse as _mishards_data_VersionResponse, VersionResponse__Output as _mishards_data_VersionResponse__Output } from '../../mishards/data/VersionResponse.js';
import type { WatchRequest as _mishards_data_WatchRequest, WatchRequest__Output as _mishards_data_WatchRequest__Output } from '../../mishards/data/WatchRequest.js';

/**
 * The writable node's metadata change feed: the only producer of metadata tells coordinators
 * and readers what changed, so they keep caches fresh without querying the metadata store.
 */
export interface MetadataFeedClient extends grpc.Client {
  /**
   * The current version: a watcher that has seen it is up to date with every change made
   * before this call.
   */
  Version(argument: _mishards_data_VersionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_VersionResponse__Output>): grpc.ClientUnaryCall;
  Version(argument: _mishards_data_VersionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mishards_data_VersionResponse__Output>): grpc.ClientUnaryCall;
  Version(argument: _mishards_data_VersionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_VersionResponse__Output>): grpc.ClientUnaryCall;
  Version(argument: _mishards_data_VersionRequest, callback: grpc.requestCallback<_mishards_data_VersionResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The current version: a watcher that has seen it is up to date with every change made
   * before this call.
   */
  version(argument: _mishards_data_VersionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_VersionResponse__Output>): grpc.ClientUnaryCall;
  version(argument: _mishards_data_VersionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mishards_data_VersionResponse__Output>): grpc.ClientUnaryCall;
  version(argument: _mishards_data_VersionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mishards_data_VersionResponse__Output>): grpc.ClientUnaryCall;
  version(argument: _mishards_data_VersionRequest, callback: grpc.requestCallback<_mishards_data_VersionResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every collection (one event each, then one with snapshot_done and the names), then one
   * event per change as it happens. A new Watch after a disconnect starts with a new snapshot.
   */
  Watch(argument: _mishards_data_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_mishards_data_MetadataEvent__Output>;
  Watch(argument: _mishards_data_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_mishards_data_MetadataEvent__Output>;
  /**
   * Every collection (one event each, then one with snapshot_done and the names), then one
   * event per change as it happens. A new Watch after a disconnect starts with a new snapshot.
   */
  watch(argument: _mishards_data_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_mishards_data_MetadataEvent__Output>;
  watch(argument: _mishards_data_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_mishards_data_MetadataEvent__Output>;
  
}

/**
 * The writable node's metadata change feed: the only producer of metadata tells coordinators
 * and readers what changed, so they keep caches fresh without querying the metadata store.
 */
export interface MetadataFeedHandlers extends grpc.UntypedServiceImplementation {
  /**
   * The current version: a watcher that has seen it is up to date with every change made
   * before this call.
   */
  Version: grpc.handleUnaryCall<_mishards_data_VersionRequest__Output, _mishards_data_VersionResponse>;
  
  /**
   * Every collection (one event each, then one with snapshot_done and the names), then one
   * event per change as it happens. A new Watch after a disconnect starts with a new snapshot.
   */
  Watch: grpc.handleServerStreamingCall<_mishards_data_WatchRequest__Output, _mishards_data_MetadataEvent>;
  
}

export interface MetadataFeedDefinition extends grpc.ServiceDefinition {
  Version: MethodDefinition<_mishards_data_VersionRequest, _mishards_data_VersionResponse, _mishards_data_VersionRequest__Output, _mishards_data_VersionResponse__Output>
  Watch: MethodDefinition<_mishards_data_WatchRequest, _mishards_data_MetadataEvent, _mishards_data_WatchRequest__Output, _mishards_data_MetadataEvent__Output>
}

// Original file: mishards/data_node.proto

import type { Long } from '@grpc/proto-loader';

export interface MetadataEvent {
  /**
   * Increases with every change the writer makes; snapshot events carry the current one.
   */
  'version'?: (number | string | Long);
  'collection_name'?: (string);
  /**
   * The collection's state after the change as JSON (see meta/collection-view.ts);
   * empty when the collection was dropped.
   */
  'view_json'?: (string);
  /**
   * Marks the end of the initial snapshot.
   */
  'snapshot_done'?: (boolean);
}

export interface MetadataEvent__Output {
  /**
   * Increases with every change the writer makes; snapshot events carry the current one.
   */
  'version': (string);
  'collection_name': (string);
  /**
   * The collection's state after the change as JSON (see meta/collection-view.ts);
   * empty when the collection was dropped.
   */
  'view_json': (string);
  /**
   * Marks the end of the initial snapshot.
   */
  'snapshot_done': (boolean);
}

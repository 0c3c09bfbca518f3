// Original file: mishards/data_node.proto

import type { AliasTable as _mishards_data_AliasTable, AliasTable__Output as _mishards_data_AliasTable__Output } from '../../mishards/data/AliasTable.js';
import type { SecurityState as _mishards_data_SecurityState, SecurityState__Output as _mishards_data_SecurityState__Output } from '../../mishards/data/SecurityState.js';
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
  /**
   * Set on the snapshot's last event and on every change of the aliases: the whole alias
   * table. A watcher replaces its copy at once, so an alias moved to another collection is
   * never seen on both collections or on neither.
   */
  'aliases'?: (_mishards_data_AliasTable | null);
  /**
   * Set on the snapshot's last event and on every change of users, roles, memberships or
   * grants: the whole RBAC state (password hashes included, never passwords), which a
   * coordinator authenticates and authorizes requests against.
   */
  'security'?: (_mishards_data_SecurityState | null);
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
  /**
   * Set on the snapshot's last event and on every change of the aliases: the whole alias
   * table. A watcher replaces its copy at once, so an alias moved to another collection is
   * never seen on both collections or on neither.
   */
  'aliases': (_mishards_data_AliasTable__Output | null);
  /**
   * Set on the snapshot's last event and on every change of users, roles, memberships or
   * grants: the whole RBAC state (password hashes included, never passwords), which a
   * coordinator authenticates and authorizes requests against.
   */
  'security': (_mishards_data_SecurityState__Output | null);
}

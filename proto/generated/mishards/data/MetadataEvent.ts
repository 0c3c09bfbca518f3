// Original file: mishards/data_node.proto

import type { Names as _mishards_data_Names, Names__Output as _mishards_data_Names__Output } from '../../mishards/data/Names.js';
import type { SecurityState as _mishards_data_SecurityState, SecurityState__Output as _mishards_data_SecurityState__Output } from '../../mishards/data/SecurityState.js';
import type { Long } from '@grpc/proto-loader';

export interface MetadataEvent {
  /**
   * Increases with every change the writer makes; snapshot events carry the current one.
   */
  'version'?: (number | string | Long);
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
   * The collection the event is about (its id, whatever its name or database now).
   */
  'collection_id'?: (number | string | Long);
  /**
   * Set on the snapshot's last event and on every change of the databases or the aliases: all
   * of both. A watcher replaces its copy at once, so an alias moved to another collection is
   * never seen on both collections or on neither.
   */
  'names'?: (_mishards_data_Names | null);
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
   * The collection the event is about (its id, whatever its name or database now).
   */
  'collection_id': (string);
  /**
   * Set on the snapshot's last event and on every change of the databases or the aliases: all
   * of both. A watcher replaces its copy at once, so an alias moved to another collection is
   * never seen on both collections or on neither.
   */
  'names': (_mishards_data_Names__Output | null);
  /**
   * Set on the snapshot's last event and on every change of users, roles, memberships or
   * grants: the whole RBAC state (password hashes included, never passwords), which a
   * coordinator authenticates and authorizes requests against.
   */
  'security': (_mishards_data_SecurityState__Output | null);
}

// Original file: mishards/data_node.proto

import type { DatabaseName as _mishards_data_DatabaseName, DatabaseName__Output as _mishards_data_DatabaseName__Output } from '../../mishards/data/DatabaseName.js';
import type { AliasName as _mishards_data_AliasName, AliasName__Output as _mishards_data_AliasName__Output } from '../../mishards/data/AliasName.js';

/**
 * The names the collection views do not carry: the databases, and the aliases of each.
 */
export interface Names {
  'databases'?: (_mishards_data_DatabaseName)[];
  'aliases'?: (_mishards_data_AliasName)[];
}

/**
 * The names the collection views do not carry: the databases, and the aliases of each.
 */
export interface Names__Output {
  'databases': (_mishards_data_DatabaseName__Output)[];
  'aliases': (_mishards_data_AliasName__Output)[];
}

// Original file: mishards/data_node.proto

import type { NodeStatus as _mishards_data_NodeStatus, NodeStatus__Output as _mishards_data_NodeStatus__Output } from '../../mishards/data/NodeStatus.js';
import type { Long } from '@grpc/proto-loader';

export interface DescribeNodeResponse {
  'status'?: (_mishards_data_NodeStatus | null);
  'cpu_cores'?: (number);
  /**
   * Percent of all cores the process used since the previous DescribeNode (since start, first).
   */
  'cpu_usage'?: (number | string);
  'memory_bytes'?: (number | string | Long);
  /**
   * Resident set size of the process.
   */
  'memory_used_bytes'?: (number | string | Long);
  /**
   * The file system holding the node's data.
   */
  'disk_bytes'?: (number | string | Long);
  'disk_used_bytes'?: (number | string | Long);
  /**
   * When the process started (ISO 8601).
   */
  'started_at'?: (string);
  /**
   * Collections with segments loaded on this node.
   */
  'collection_ids'?: (number | string | Long)[];
}

export interface DescribeNodeResponse__Output {
  'status': (_mishards_data_NodeStatus__Output | null);
  'cpu_cores': (number);
  /**
   * Percent of all cores the process used since the previous DescribeNode (since start, first).
   */
  'cpu_usage': (number);
  'memory_bytes': (string);
  /**
   * Resident set size of the process.
   */
  'memory_used_bytes': (string);
  /**
   * The file system holding the node's data.
   */
  'disk_bytes': (string);
  'disk_used_bytes': (string);
  /**
   * When the process started (ISO 8601).
   */
  'started_at': (string);
  /**
   * Collections with segments loaded on this node.
   */
  'collection_ids': (string)[];
}

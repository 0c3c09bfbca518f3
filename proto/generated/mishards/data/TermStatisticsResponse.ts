// Original file: mishards/data_node.proto

import type { NodeStatus as _mishards_data_NodeStatus, NodeStatus__Output as _mishards_data_NodeStatus__Output } from '../../mishards/data/NodeStatus.js';
import type { Long } from '@grpc/proto-loader';

export interface TermStatisticsResponse {
  'status'?: (_mishards_data_NodeStatus | null);
  /**
   * Visible rows (not deleted, not expired) of the segments.
   */
  'rows'?: (number | string | Long);
  /**
   * The sum of those rows' term frequencies (their lengths).
   */
  'tokens'?: (number | string);
  /**
   * Per term asked, in order: how many of those rows hold it.
   */
  'doc_frequencies'?: (number | string | Long)[];
}

export interface TermStatisticsResponse__Output {
  'status': (_mishards_data_NodeStatus__Output | null);
  /**
   * Visible rows (not deleted, not expired) of the segments.
   */
  'rows': (string);
  /**
   * The sum of those rows' term frequencies (their lengths).
   */
  'tokens': (number);
  /**
   * Per term asked, in order: how many of those rows hold it.
   */
  'doc_frequencies': (string)[];
}

// Original file: mishards/data_node.proto

import type { PageCursor as _mishards_data_PageCursor, PageCursor__Output as _mishards_data_PageCursor__Output } from '../../mishards/data/PageCursor.js';
import type { Long } from '@grpc/proto-loader';

export interface IteratorPage {
  /**
   * Hits the iterator's pages returned before this one: how deep the node looks first.
   */
  'returned'?: (number | string | Long);
  /**
   * Where the previous page ended; absent on the first page.
   */
  'after'?: (_mishards_data_PageCursor | null);
}

export interface IteratorPage__Output {
  /**
   * Hits the iterator's pages returned before this one: how deep the node looks first.
   */
  'returned': (string);
  /**
   * Where the previous page ended; absent on the first page.
   */
  'after': (_mishards_data_PageCursor__Output | null);
}

// Original file: null

import type { Long } from '@grpc/proto-loader';

export interface AnalyzerToken {
  'token'?: (string);
  'start_offset'?: (number | string | Long);
  'end_offset'?: (number | string | Long);
  'position'?: (number | string | Long);
  'position_length'?: (number | string | Long);
  'hash'?: (number);
}

export interface AnalyzerToken__Output {
  'token': (string);
  'start_offset': (string);
  'end_offset': (string);
  'position': (string);
  'position_length': (string);
  'hash': (number);
}

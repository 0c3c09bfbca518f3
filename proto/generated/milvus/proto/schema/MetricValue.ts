// Original file: null

import type { Long } from '@grpc/proto-loader';

export interface MetricValue {
  'int_val'?: (number | string | Long);
  'double_val'?: (number | string);
  'string_val'?: (string);
  'bool_val'?: (boolean);
  'value'?: "int_val"|"double_val"|"string_val"|"bool_val";
}

export interface MetricValue__Output {
  'int_val'?: (string);
  'double_val'?: (number);
  'string_val'?: (string);
  'bool_val'?: (boolean);
  'value'?: "int_val"|"double_val"|"string_val"|"bool_val";
}

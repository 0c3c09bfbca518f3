// Original file: null

import type { Long } from '@grpc/proto-loader';

export interface ValueField {
  'bool_data'?: (boolean);
  'int_data'?: (number);
  'long_data'?: (number | string | Long);
  'float_data'?: (number | string);
  'double_data'?: (number | string);
  'string_data'?: (string);
  'bytes_data'?: (Buffer | Uint8Array | string);
  'timestamptz_data'?: (number | string | Long);
  'date_data'?: (number);
  'time_data'?: (number | string | Long);
  'data'?: "bool_data"|"int_data"|"long_data"|"float_data"|"double_data"|"string_data"|"bytes_data"|"timestamptz_data"|"date_data"|"time_data";
}

export interface ValueField__Output {
  'bool_data'?: (boolean);
  'int_data'?: (number);
  'long_data'?: (string);
  'float_data'?: (number);
  'double_data'?: (number);
  'string_data'?: (string);
  'bytes_data'?: (Buffer);
  'timestamptz_data'?: (string);
  'date_data'?: (number);
  'time_data'?: (string);
  'data'?: "bool_data"|"int_data"|"long_data"|"float_data"|"double_data"|"string_data"|"bytes_data"|"timestamptz_data"|"date_data"|"time_data";
}

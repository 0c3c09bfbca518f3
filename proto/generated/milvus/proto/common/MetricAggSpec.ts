// Original file: null


export interface MetricAggSpec {
  'op'?: (string);
  'field_name'?: (string);
}

export interface MetricAggSpec__Output {
  'op': (string);
  'field_name': (string);
}

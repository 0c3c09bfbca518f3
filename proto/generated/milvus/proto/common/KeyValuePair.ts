// Original file: null


export interface KeyValuePair {
  'key'?: (string);
  'value'?: (string);
}

export interface KeyValuePair__Output {
  'key': (string);
  'value': (string);
}

// Original file: null


export interface OrderSpec {
  'key'?: (string);
  'direction'?: (string);
  'null_first'?: (boolean);
}

export interface OrderSpec__Output {
  'key': (string);
  'direction': (string);
  'null_first': (boolean);
}

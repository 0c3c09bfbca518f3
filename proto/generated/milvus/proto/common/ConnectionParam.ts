// Original file: null


export interface ConnectionParam {
  'uri'?: (string);
  'token'?: (string);
}

export interface ConnectionParam__Output {
  'uri': (string);
  'token': (string);
}

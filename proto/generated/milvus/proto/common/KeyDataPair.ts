// Original file: null


export interface KeyDataPair {
  'key'?: (string);
  'data'?: (Buffer | Uint8Array | string);
}

export interface KeyDataPair__Output {
  'key': (string);
  'data': (Buffer);
}

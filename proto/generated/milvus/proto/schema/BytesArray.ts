// Original file: null


export interface BytesArray {
  'data'?: (Buffer | Uint8Array | string)[];
}

export interface BytesArray__Output {
  'data': (Buffer)[];
}

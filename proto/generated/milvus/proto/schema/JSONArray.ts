// Original file: null


export interface JSONArray {
  'data'?: (Buffer | Uint8Array | string)[];
}

export interface JSONArray__Output {
  'data': (Buffer)[];
}

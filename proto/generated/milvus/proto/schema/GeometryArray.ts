// Original file: null


export interface GeometryArray {
  'data'?: (Buffer | Uint8Array | string)[];
}

export interface GeometryArray__Output {
  'data': (Buffer)[];
}

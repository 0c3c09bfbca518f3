// Original file: null


export interface FloatArray {
  'data'?: (number | string)[];
}

export interface FloatArray__Output {
  'data': (number)[];
}

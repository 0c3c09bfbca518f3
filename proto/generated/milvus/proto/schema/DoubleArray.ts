// Original file: null


export interface DoubleArray {
  'data'?: (number | string)[];
}

export interface DoubleArray__Output {
  'data': (number)[];
}

// Original file: null


export interface IntArray {
  'data'?: (number)[];
}

export interface IntArray__Output {
  'data': (number)[];
}

// Original file: null


export interface BoolArray {
  'data'?: (boolean)[];
}

export interface BoolArray__Output {
  'data': (boolean)[];
}

// Original file: null


export interface StringArray {
  'data'?: (string)[];
}

export interface StringArray__Output {
  'data': (string)[];
}

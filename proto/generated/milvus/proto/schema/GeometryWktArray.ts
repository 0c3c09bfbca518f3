// Original file: null


export interface GeometryWktArray {
  'data'?: (string)[];
}

export interface GeometryWktArray__Output {
  'data': (string)[];
}

// Original file: null


export interface ObjectEntity {
  'name'?: (string);
}

export interface ObjectEntity__Output {
  'name': (string);
}

// Original file: null


export interface MolSmilesArray {
  'data'?: (string)[];
}

export interface MolSmilesArray__Output {
  'data': (string)[];
}

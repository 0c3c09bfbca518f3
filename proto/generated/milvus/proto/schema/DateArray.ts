// Original file: null


export interface DateArray {
  'data'?: (number)[];
}

export interface DateArray__Output {
  'data': (number)[];
}

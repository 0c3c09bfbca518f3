// Original file: null


export interface FunctionChainColumnArg {
  'name'?: (string);
}

export interface FunctionChainColumnArg__Output {
  'name': (string);
}

// Original file: null


export interface ResourceGroupTransfer {
  'resource_group'?: (string);
}

export interface ResourceGroupTransfer__Output {
  'resource_group': (string);
}

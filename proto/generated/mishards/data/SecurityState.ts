// Original file: mishards/data_node.proto


export interface SecurityState {
  /**
   * meta/store.ts SecurityRecords as JSON.
   */
  'records_json'?: (string);
}

export interface SecurityState__Output {
  /**
   * meta/store.ts SecurityRecords as JSON.
   */
  'records_json': (string);
}

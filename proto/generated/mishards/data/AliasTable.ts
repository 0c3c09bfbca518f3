// Original file: mishards/data_node.proto


export interface AliasTable {
  /**
   * Alias -> the name of the collection it names.
   */
  'collections'?: ({[key: string]: string});
}

export interface AliasTable__Output {
  /**
   * Alias -> the name of the collection it names.
   */
  'collections': ({[key: string]: string});
}

// Original file: mishards/data_node.proto


/**
 * Business outcome; code is 0 on success, else a Milvus error-catalogue code.
 */
export interface NodeStatus {
  'code'?: (number);
  'reason'?: (string);
}

/**
 * Business outcome; code is 0 on success, else a Milvus error-catalogue code.
 */
export interface NodeStatus__Output {
  'code': (number);
  'reason': (string);
}

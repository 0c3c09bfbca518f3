// Original file: mishards/data_node.proto


export interface DescribeNodeRequest {
}

export interface DescribeNodeRequest__Output {
}

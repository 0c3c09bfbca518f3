// Original file: mishards/data_node.proto


export interface ListSegmentsRequest {
}

export interface ListSegmentsRequest__Output {
}

// Original file: mishards/data_node.proto


export interface WatchRequest {
}

export interface WatchRequest__Output {
}

// Original file: mishards/data_node.proto


export interface VersionRequest {
}

export interface VersionRequest__Output {
}

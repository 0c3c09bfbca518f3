// Original file: null


export interface GetReplicateConfigurationRequest {
}

export interface GetReplicateConfigurationRequest__Output {
}

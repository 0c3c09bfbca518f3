// Original file: null


export interface GetComponentStatesRequest {
}

export interface GetComponentStatesRequest__Output {
}

// Original file: null


export interface GetVersionRequest {
}

export interface GetVersionRequest__Output {
}

// Original file: null


export interface CheckHealthRequest {
}

export interface CheckHealthRequest__Output {
}

// Original file: null


export interface RegisterLinkRequest {
}

export interface RegisterLinkRequest__Output {
}

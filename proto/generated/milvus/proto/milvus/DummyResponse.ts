// Original file: null


export interface DummyResponse {
  'response'?: (string);
}

export interface DummyResponse__Output {
  'response': (string);
}

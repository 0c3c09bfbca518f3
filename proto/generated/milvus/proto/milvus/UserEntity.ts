// Original file: null


export interface UserEntity {
  'name'?: (string);
}

export interface UserEntity__Output {
  'name': (string);
}

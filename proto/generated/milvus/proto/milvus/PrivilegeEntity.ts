// Original file: null


export interface PrivilegeEntity {
  'name'?: (string);
}

export interface PrivilegeEntity__Output {
  'name': (string);
}

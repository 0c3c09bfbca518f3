// Original file: null


export interface FlushAllTarget {
  'db_name'?: (string);
  'collection_names'?: (string)[];
}

export interface FlushAllTarget__Output {
  'db_name': (string);
  'collection_names': (string)[];
}

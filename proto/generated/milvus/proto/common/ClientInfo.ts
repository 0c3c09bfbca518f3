// Original file: null


export interface ClientInfo {
  'sdk_type'?: (string);
  'sdk_version'?: (string);
  'local_time'?: (string);
  'user'?: (string);
  'host'?: (string);
  'reserved'?: ({[key: string]: string});
}

export interface ClientInfo__Output {
  'sdk_type': (string);
  'sdk_version': (string);
  'local_time': (string);
  'user': (string);
  'host': (string);
  'reserved': ({[key: string]: string});
}

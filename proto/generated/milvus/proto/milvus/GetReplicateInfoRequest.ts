// Original file: null


export interface GetReplicateInfoRequest {
  'source_cluster_id'?: (string);
  'target_pchannel'?: (string);
}

export interface GetReplicateInfoRequest__Output {
  'source_cluster_id': (string);
  'target_pchannel': (string);
}

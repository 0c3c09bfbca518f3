// Original file: null

export const FunctionType = {
  Unknown: 'Unknown',
  BM25: 'BM25',
  TextEmbedding: 'TextEmbedding',
  Rerank: 'Rerank',
  MinHash: 'MinHash',
  MolFingerprint: 'MolFingerprint',
} as const;

export type FunctionType =
  | 'Unknown'
  | 0
  | 'BM25'
  | 1
  | 'TextEmbedding'
  | 2
  | 'Rerank'
  | 3
  | 'MinHash'
  | 4
  | 'MolFingerprint'
  | 5

export type FunctionType__Output = typeof FunctionType[keyof typeof FunctionType]

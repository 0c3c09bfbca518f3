// Original file: null

export const PlaceholderType = {
  None: 'None',
  BinaryVector: 'BinaryVector',
  FloatVector: 'FloatVector',
  Float16Vector: 'Float16Vector',
  BFloat16Vector: 'BFloat16Vector',
  SparseFloatVector: 'SparseFloatVector',
  Int8Vector: 'Int8Vector',
  Int64: 'Int64',
  VarChar: 'VarChar',
  EmbListBinaryVector: 'EmbListBinaryVector',
  EmbListFloatVector: 'EmbListFloatVector',
  EmbListFloat16Vector: 'EmbListFloat16Vector',
  EmbListBFloat16Vector: 'EmbListBFloat16Vector',
  EmbListSparseFloatVector: 'EmbListSparseFloatVector',
  EmbListInt8Vector: 'EmbListInt8Vector',
} as const;

export type PlaceholderType =
  | 'None'
  | 0
  | 'BinaryVector'
  | 100
  | 'FloatVector'
  | 101
  | 'Float16Vector'
  | 102
  | 'BFloat16Vector'
  | 103
  | 'SparseFloatVector'
  | 104
  | 'Int8Vector'
  | 105
  | 'Int64'
  | 5
  | 'VarChar'
  | 21
  | 'EmbListBinaryVector'
  | 300
  | 'EmbListFloatVector'
  | 301
  | 'EmbListFloat16Vector'
  | 302
  | 'EmbListBFloat16Vector'
  | 303
  | 'EmbListSparseFloatVector'
  | 304
  | 'EmbListInt8Vector'
  | 305

export type PlaceholderType__Output = typeof PlaceholderType[keyof typeof PlaceholderType]

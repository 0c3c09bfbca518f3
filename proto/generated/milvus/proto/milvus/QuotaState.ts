// Original file: null

export const QuotaState = {
  Unknown: 'Unknown',
  ReadLimited: 'ReadLimited',
  WriteLimited: 'WriteLimited',
  DenyToRead: 'DenyToRead',
  DenyToWrite: 'DenyToWrite',
  DenyToDDL: 'DenyToDDL',
} as const;

export type QuotaState =
  | 'Unknown'
  | 0
  | 'ReadLimited'
  | 2
  | 'WriteLimited'
  | 3
  | 'DenyToRead'
  | 4
  | 'DenyToWrite'
  | 5
  | 'DenyToDDL'
  | 6

export type QuotaState__Output = typeof QuotaState[keyof typeof QuotaState]

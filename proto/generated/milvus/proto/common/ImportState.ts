// Original file: null

export const ImportState = {
  ImportPending: 'ImportPending',
  ImportFailed: 'ImportFailed',
  ImportStarted: 'ImportStarted',
  ImportPersisted: 'ImportPersisted',
  ImportFlushed: 'ImportFlushed',
  ImportCompleted: 'ImportCompleted',
  ImportFailedAndCleaned: 'ImportFailedAndCleaned',
} as const;

export type ImportState =
  | 'ImportPending'
  | 0
  | 'ImportFailed'
  | 1
  | 'ImportStarted'
  | 2
  | 'ImportPersisted'
  | 5
  | 'ImportFlushed'
  | 8
  | 'ImportCompleted'
  | 6
  | 'ImportFailedAndCleaned'
  | 7

export type ImportState__Output = typeof ImportState[keyof typeof ImportState]

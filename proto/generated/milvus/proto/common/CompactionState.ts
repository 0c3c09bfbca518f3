// Original file: null

export const CompactionState = {
  UndefiedState: 'UndefiedState',
  Executing: 'Executing',
  Completed: 'Completed',
} as const;

export type CompactionState =
  | 'UndefiedState'
  | 0
  | 'Executing'
  | 1
  | 'Completed'
  | 2

export type CompactionState__Output = typeof CompactionState[keyof typeof CompactionState]

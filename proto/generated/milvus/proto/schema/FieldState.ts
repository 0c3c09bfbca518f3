// Original file: null

export const FieldState = {
  FieldCreated: 'FieldCreated',
  FieldCreating: 'FieldCreating',
  FieldDropping: 'FieldDropping',
  FieldDropped: 'FieldDropped',
} as const;

export type FieldState =
  | 'FieldCreated'
  | 0
  | 'FieldCreating'
  | 1
  | 'FieldDropping'
  | 2
  | 'FieldDropped'
  | 3

export type FieldState__Output = typeof FieldState[keyof typeof FieldState]

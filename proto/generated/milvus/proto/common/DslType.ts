// Original file: null

export const DslType = {
  Dsl: 'Dsl',
  BoolExprV1: 'BoolExprV1',
} as const;

export type DslType =
  | 'Dsl'
  | 0
  | 'BoolExprV1'
  | 1

export type DslType__Output = typeof DslType[keyof typeof DslType]

// Original file: null

export const ConsistencyLevel = {
  Strong: 'Strong',
  Session: 'Session',
  Bounded: 'Bounded',
  Eventually: 'Eventually',
  Customized: 'Customized',
} as const;

export type ConsistencyLevel =
  | 'Strong'
  | 0
  | 'Session'
  | 1
  | 'Bounded'
  | 2
  | 'Eventually'
  | 3
  | 'Customized'
  | 4

export type ConsistencyLevel__Output = typeof ConsistencyLevel[keyof typeof ConsistencyLevel]

// Original file: null

export const StateCode = {
  Initializing: 'Initializing',
  Healthy: 'Healthy',
  Abnormal: 'Abnormal',
  StandBy: 'StandBy',
  Stopping: 'Stopping',
} as const;

export type StateCode =
  | 'Initializing'
  | 0
  | 'Healthy'
  | 1
  | 'Abnormal'
  | 2
  | 'StandBy'
  | 3
  | 'Stopping'
  | 4

export type StateCode__Output = typeof StateCode[keyof typeof StateCode]

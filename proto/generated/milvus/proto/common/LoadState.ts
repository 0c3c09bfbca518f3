// Original file: null

export const LoadState = {
  LoadStateNotExist: 'LoadStateNotExist',
  LoadStateNotLoad: 'LoadStateNotLoad',
  LoadStateLoading: 'LoadStateLoading',
  LoadStateLoaded: 'LoadStateLoaded',
} as const;

export type LoadState =
  | 'LoadStateNotExist'
  | 0
  | 'LoadStateNotLoad'
  | 1
  | 'LoadStateLoading'
  | 2
  | 'LoadStateLoaded'
  | 3

export type LoadState__Output = typeof LoadState[keyof typeof LoadState]

// Original file: null

/**
 * @deprecated
 */
export const ShowType = {
  All: 'All',
  InMemory: 'InMemory',
} as const;

/**
 * @deprecated
 */
export type ShowType =
  | 'All'
  | 0
  | 'InMemory'
  | 1

/**
 * @deprecated
 */
export type ShowType__Output = typeof ShowType[keyof typeof ShowType]

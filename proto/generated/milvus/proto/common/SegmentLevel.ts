// Original file: null

export const SegmentLevel = {
  Legacy: 'Legacy',
  L0: 'L0',
  L1: 'L1',
  L2: 'L2',
} as const;

export type SegmentLevel =
  | 'Legacy'
  | 0
  | 'L0'
  | 1
  | 'L1'
  | 2
  | 'L2'
  | 3

export type SegmentLevel__Output = typeof SegmentLevel[keyof typeof SegmentLevel]

// Original file: null

export const HighlightType = {
  Lexical: 'Lexical',
  Semantic: 'Semantic',
} as const;

export type HighlightType =
  | 'Lexical'
  | 0
  | 'Semantic'
  | 1

export type HighlightType__Output = typeof HighlightType[keyof typeof HighlightType]

// Original file: null

export const FunctionChainStage = {
  FunctionChainStageUnspecified: 'FunctionChainStageUnspecified',
  FunctionChainStageIngestion: 'FunctionChainStageIngestion',
  FunctionChainStagePreProcess: 'FunctionChainStagePreProcess',
  FunctionChainStageL0Rerank: 'FunctionChainStageL0Rerank',
  FunctionChainStageL1Rerank: 'FunctionChainStageL1Rerank',
  FunctionChainStageL2Rerank: 'FunctionChainStageL2Rerank',
  FunctionChainStagePostProcess: 'FunctionChainStagePostProcess',
} as const;

export type FunctionChainStage =
  | 'FunctionChainStageUnspecified'
  | 0
  | 'FunctionChainStageIngestion'
  | 1
  | 'FunctionChainStagePreProcess'
  | 2
  | 'FunctionChainStageL0Rerank'
  | 3
  | 'FunctionChainStageL1Rerank'
  | 4
  | 'FunctionChainStageL2Rerank'
  | 5
  | 'FunctionChainStagePostProcess'
  | 6

export type FunctionChainStage__Output = typeof FunctionChainStage[keyof typeof FunctionChainStage]

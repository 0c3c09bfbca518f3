// Original file: null

export const RowPolicyAction = {
  Query: 'Query',
  Search: 'Search',
  Insert: 'Insert',
  Delete: 'Delete',
  Upsert: 'Upsert',
} as const;

export type RowPolicyAction =
  | 'Query'
  | 0
  | 'Search'
  | 1
  | 'Insert'
  | 2
  | 'Delete'
  | 3
  | 'Upsert'
  | 4

export type RowPolicyAction__Output = typeof RowPolicyAction[keyof typeof RowPolicyAction]

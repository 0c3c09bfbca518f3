// Original file: null

export const OperatePrivilegeType = {
  Grant: 'Grant',
  Revoke: 'Revoke',
} as const;

export type OperatePrivilegeType =
  | 'Grant'
  | 0
  | 'Revoke'
  | 1

export type OperatePrivilegeType__Output = typeof OperatePrivilegeType[keyof typeof OperatePrivilegeType]

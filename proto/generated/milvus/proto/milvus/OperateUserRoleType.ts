// Original file: null

export const OperateUserRoleType = {
  AddUserToRole: 'AddUserToRole',
  RemoveUserFromRole: 'RemoveUserFromRole',
} as const;

export type OperateUserRoleType =
  | 'AddUserToRole'
  | 0
  | 'RemoveUserFromRole'
  | 1

export type OperateUserRoleType__Output = typeof OperateUserRoleType[keyof typeof OperateUserRoleType]

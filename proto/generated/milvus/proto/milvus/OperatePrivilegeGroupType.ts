// Original file: null

export const OperatePrivilegeGroupType = {
  AddPrivilegesToGroup: 'AddPrivilegesToGroup',
  RemovePrivilegesFromGroup: 'RemovePrivilegesFromGroup',
} as const;

export type OperatePrivilegeGroupType =
  | 'AddPrivilegesToGroup'
  | 0
  | 'RemovePrivilegesFromGroup'
  | 1

export type OperatePrivilegeGroupType__Output = typeof OperatePrivilegeGroupType[keyof typeof OperatePrivilegeGroupType]

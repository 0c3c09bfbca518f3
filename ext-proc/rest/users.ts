import { z } from 'zod';
import { base, name } from './requests.js';
import { relay, route, type Route } from './route.js';

/**
 * `/v2/vectordb/users/*` and `/v2/vectordb/roles/*`, onto the writable node's credential and
 * RBAC calls (Milvus's PasswordReq, NewPasswordReq, UserReq, UserRoleReq, RoleReq, GrantReq,
 * GrantV2Req). Passwords come in clear over REST and are sent on base64-encoded, as the gRPC
 * API takes them.
 */
const encoded = (password: string) => Buffer.from(password, 'utf8').toString('base64');

const userBody = base.extend({ userName: name });
const userRoleBody = userBody.extend({ roleName: name });
const roleBody = base.extend({ roleName: name });
const grantBody = roleBody.extend({ objectType: name, objectName: name, privilege: name });
const grantV2Body = roleBody.extend({ privilege: name, collectionName: z.string().optional() });

const userRole = (type: 'AddUserToRole' | 'RemoveUserFromRole') =>
  relay(userRoleBody, 'OperateUserRole', (b) => ({ username: b.userName, role_name: b.roleName, type }));

const privilege = (type: 'Grant' | 'Revoke') =>
  relay(grantBody, 'OperatePrivilege', (b) => ({
    entity: {
      role: { name: b.roleName },
      object: { name: b.objectType },
      object_name: b.objectName,
      db_name: b.dbName ?? '',
      grantor: { privilege: { name: b.privilege } },
    },
    type,
  }));

const privilegeV2 = (type: 'Grant' | 'Revoke') =>
  relay(grantV2Body, 'OperatePrivilegeV2', (b) => ({
    role: { name: b.roleName },
    grantor: { privilege: { name: b.privilege } },
    type,
    db_name: b.dbName ?? '',
    collection_name: b.collectionName ?? '',
  }));

export const userRoutes: Record<string, Route> = {
  list: route(base, async (_b, ctx) => ({ data: (await ctx.writer.call('ListCredUsers', {}, ctx.call)).usernames })),
  // The user's roles, by name.
  describe: route(userBody, async (b, ctx) => {
    const res = await ctx.writer.call('SelectUser', { user: { name: b.userName }, include_role_info: true }, ctx.call);
    return { data: res.results.flatMap((r) => r.roles.map((role) => role.name)) };
  }),
  create: relay(userBody.extend({ password: z.string() }), 'CreateCredential', (b) => ({
    username: b.userName,
    password: encoded(b.password),
  })),
  update_password: relay(userBody.extend({ password: z.string(), newPassword: z.string() }), 'UpdateCredential', (b) => ({
    username: b.userName,
    oldPassword: encoded(b.password),
    newPassword: encoded(b.newPassword),
  })),
  drop: relay(userBody, 'DeleteCredential', (b) => ({ username: b.userName })),
  grant_role: userRole('AddUserToRole'),
  revoke_role: userRole('RemoveUserFromRole'),
};

export const roleRoutes: Record<string, Route> = {
  list: route(base, async (_b, ctx) => ({
    data: (await ctx.writer.call('SelectRole', {}, ctx.call)).results.map((r) => r.role!.name),
  })),
  // The role's grants.
  describe: route(roleBody, async (b, ctx) => {
    const res = await ctx.writer.call('SelectGrant', { entity: { role: { name: b.roleName } } }, ctx.call);
    return {
      data: res.entities.map((g) => ({
        objectType: g.object?.name ?? '',
        objectName: g.object_name,
        privilege: g.grantor?.privilege?.name ?? '',
        dbName: g.db_name,
        grantor: g.grantor?.user?.name ?? '',
      })),
    };
  }),
  create: relay(roleBody, 'CreateRole', (b) => ({ entity: { name: b.roleName } })),
  drop: relay(roleBody, 'DropRole', (b) => ({ role_name: b.roleName })),
  grant_privilege: privilege('Grant'),
  revoke_privilege: privilege('Revoke'),
  grant_privilege_v2: privilegeV2('Grant'),
  revoke_privilege_v2: privilegeV2('Revoke'),
};

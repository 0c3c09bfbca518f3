import type { GrantRecord, SecurityRecords } from '../../../meta/store.js';
import type { MilvusRequest } from '../../../milvus/methods.js';
import { validateEntityName, validatePassword, validateUsername } from '../../../milvus/names.js';
import { Code, invalidParameter, MilvusError, rbacFailure, unexpected } from '../../../milvus/status.js';
import { hashPassword, verifyPassword } from '../../../security/passwords.js';
import { BUILTIN_ROLES, ROOT_USER } from '../../../security/policy.js';
import {
  ANY,
  apiName,
  metastoreName,
  OBJECT_TYPES,
  objectTypeOf,
  privilegeLevel,
  RELATED_PRIVILEGES,
  validOn,
  type ObjectType,
} from '../../../security/privileges.js';
import { DEFAULT_DATABASE } from '../../../meta/store.js';
import type { Handlers, WriterApi } from './context.js';

/** Milvus's proxy.maxUserNum and proxy.maxRoleNum. */
const MAX_USERS = 100;
const MAX_ROLES = 10;

const ROLE_NOT_FOUND = "not found the role, maybe the role isn't existed or internal system error";
const USER_NOT_FOUND = "not found the user, maybe the user isn't existed or internal system error";

/**
 * A password as the SDK sends it: base64 of the bytes, decoded strictly (Go's StdEncoding).
 * `what` names it in Milvus's message; the password itself never appears in one.
 */
function decodePassword(encoded: string, what: string): string {
  const bad = [...encoded].findIndex((c, i) => !/[A-Za-z0-9+/=]/.test(c) || (c === '=' && i < encoded.length - 2));
  if (bad >= 0 || encoded.length % 4 !== 0)
    throw unexpected(`${what}: illegal base64 data at input byte ${bad >= 0 ? bad : encoded.length - (encoded.length % 4)}`);
  return Buffer.from(encoded, 'base64').toString('utf8');
}

/**
 * A grant's database: the one named (`*`: every database), the default one when empty, as
 * Milvus's meta table settles it. As in Milvus, it need not exist yet: a grant on a database
 * created later applies to it.
 */
const grantDatabase = (name: string): string => name || DEFAULT_DATABASE;

const hasUser = (r: SecurityRecords, name: string) => r.users.some((u) => u.name === name);
const hasRole = (r: SecurityRecords, name: string) => r.roles.includes(name);

/** A grant as SelectGrant answers it: the privilege in its API spelling. */
const grantEntity = (g: GrantRecord) => ({
  role: { name: g.role },
  object: { name: g.objectType },
  object_name: g.objectName,
  db_name: g.dbName,
  grantor: { user: { name: g.grantor }, privilege: { name: g.privilege === ANY ? ANY : apiName(g.privilege) } },
});

/** Grant or revoke, from the request's `type` (an enum name as grpc-js decodes it, or its number). */
function granting(type: unknown): boolean {
  if (type === 'Grant' || type === 0) return true;
  if (type === 'Revoke' || type === 1) return false;
  throw unexpected(`invalid operate privilege type, current type: ${String(type)}, valid value: [Grant, Revoke]`);
}

/** The grants `privilege` brings with it (granting Load grants GetLoadState and GetLoadingProgress, as in Milvus). */
const withRelated = (grant: GrantRecord): GrantRecord[] => [
  grant,
  ...(RELATED_PRIVILEGES[grant.privilege] ?? []).map((privilege) => ({ ...grant, privilege })),
];

/**
 * Milvus's credential and RBAC API over the writer's SecurityState: the proxy's checks (names,
 * password lengths, root and the built-in roles) and the rootcoord's (what exists, limits),
 * with their codes and messages. Passwords are hashed with scrypt before they go anywhere.
 */
export function securityHandlers(
  api: WriterApi,
): Handlers<
  | 'CreateCredential'
  | 'UpdateCredential'
  | 'DeleteCredential'
  | 'ListCredUsers'
  | 'CreateRole'
  | 'DropRole'
  | 'OperateUserRole'
  | 'SelectRole'
  | 'SelectUser'
  | 'OperatePrivilege'
  | 'OperatePrivilegeV2'
  | 'SelectGrant'
> {
  const security = api.writer.security;

  const operatePrivilege = async (grant: GrantRecord, grant_: boolean) => {
    await security.change(
      (r) => {
        if (!hasRole(r, grant.role)) throw rbacFailure('OperatePrivilegeFailure', ROLE_NOT_FOUND);
      },
      async (meta) => {
        for (const g of withRelated(grant)) await meta.setGrant(g, grant_);
      },
    );
    return {};
  };

  return {
    async CreateCredential(req) {
      validateUsername(req.username);
      const password = decodePassword(req.password, 'decode password fail');
      validatePassword(password);
      const hash = await hashPassword(password);
      await security.change(
        (r) => {
          if (r.users.length >= MAX_USERS)
            throw rbacFailure('CreateCredentialFailure', 'unable to add user because the number of users has reached the limit');
          if (hasUser(r, req.username)) throw rbacFailure('CreateCredentialFailure', `user already exists: ${req.username}`);
        },
        (meta) => meta.createUser({ name: req.username, passwordHash: hash, createdAt: Date.now() }),
      );
      return {};
    },

    async UpdateCredential(req) {
      const old = decodePassword(req.oldPassword, 'decode old password failed');
      const fresh = decodePassword(req.newPassword, 'decode password failed');
      validatePassword(fresh);
      const stored = security.records.users.find((u) => u.name === req.username)?.passwordHash;
      if (stored === undefined || !(await verifyPassword(old, stored)))
        throw new MilvusError(Code.PrivilegeNotAuthenticated, `old password not correct for ${req.username}: not authenticated`);
      const hash = await hashPassword(fresh);
      await security.change(
        (r) => {
          // Changed (or deleted) while the old password was being checked: verify against what is current.
          if (r.users.find((u) => u.name === req.username)?.passwordHash !== stored)
            throw new MilvusError(Code.PrivilegeNotAuthenticated, `old password not correct for ${req.username}: not authenticated`);
        },
        (meta) => meta.setPasswordHash(req.username, hash),
      );
      return {};
    },

    async DeleteCredential(req) {
      if (req.username === ROOT_USER)
        throw new MilvusError(Code.PrivilegeNotPermitted, 'root user cannot be deleted: privilege not permitted');
      // Deleting a user that does not exist succeeds, as in Milvus.
      await security.change(
        () => undefined,
        (meta) => meta.dropUser(req.username),
      );
      return {};
    },

    async ListCredUsers() {
      return { usernames: security.records.users.map((u) => u.name) };
    },

    async CreateRole(req) {
      const name = req.entity?.name ?? '';
      validateEntityName('role name', name);
      await security.change(
        (r) => {
          // Milvus's meta table formats the role entity message itself: `name:"N"`.
          if (hasRole(r, name)) throw rbacFailure('CreateRoleFailure', `role [name:${JSON.stringify(name)}] already exists`);
          if (r.roles.length >= MAX_ROLES)
            throw rbacFailure('CreateRoleFailure', 'unable to create role because the number of roles has reached the limit');
        },
        (meta) => meta.createRole(name, Date.now()),
      );
      return {};
    },

    async DropRole(req) {
      validateEntityName('role name', req.role_name);
      if (BUILTIN_ROLES.includes(req.role_name))
        throw new MilvusError(
          Code.PrivilegeNotPermitted,
          `the role[${req.role_name}] is a default role, which can't be dropped: privilege not permitted`,
        );
      await security.change(
        (r) => {
          if (!hasRole(r, req.role_name)) throw rbacFailure('DropRoleFailure', ROLE_NOT_FOUND);
          if (!req.force_drop && r.grants.some((g) => g.role === req.role_name))
            throw rbacFailure('DropRoleFailure', 'fail to drop the role that it has privileges. Use REVOKE API to revoke privileges');
        },
        (meta) => meta.dropRole(req.role_name),
      );
      return {};
    },

    async OperateUserRole(req) {
      validateUsername(req.username);
      validateEntityName('role name', req.role_name);
      const adding = req.type === 'AddUserToRole' || (req.type as unknown) === 0;
      await security.change(
        (r) => {
          if (!hasRole(r, req.role_name)) throw rbacFailure('OperateUserRoleFailure', ROLE_NOT_FOUND);
          if (adding && !hasUser(r, req.username)) throw rbacFailure('OperateUserRoleFailure', USER_NOT_FOUND);
        },
        (meta) => meta.setMembership(req.username, req.role_name, adding),
      );
      return {};
    },

    async SelectRole(req) {
      const r = security.records;
      if (req.role) validateEntityName('role name', req.role.name);
      const names = req.role ? r.roles.filter((n) => n === req.role!.name) : r.roles;
      return {
        results: names.map((name) => ({
          role: { name, description: '' },
          users: req.include_user_info ? r.memberships.filter((m) => m.role === name).map((m) => ({ name: m.user })) : [],
        })),
      };
    },

    async SelectUser(req) {
      const r = security.records;
      if (req.user) validateUsername(req.user.name);
      const names = r.users.map((u) => u.name).filter((n) => !req.user || n === req.user.name);
      return {
        results: names.map((name) => ({
          user: { name },
          roles: req.include_role_info ? r.memberships.filter((m) => m.user === name).map((m) => ({ name: m.role, description: '' })) : [],
          description: '',
        })),
      };
    },

    async OperatePrivilege(req, call) {
      const grant = privilegeGrant(req, api.self.callerOf(call) ?? '');
      return operatePrivilege(grant, granting(req.type));
    },

    async OperatePrivilegeV2(req, call) {
      const grant = privilegeGrantV2(req, api.self.callerOf(call) ?? '');
      return operatePrivilege(grant, granting(req.type));
    },

    async SelectGrant(req) {
      const e = req.entity;
      if (!e) throw invalidParameter('the grant entity in the request is nil: invalid parameter');
      if (e.object) {
        validateEntityName('ObjectType', e.object.name);
        validateEntityName('object name', e.object_name, true);
      }
      if (!e.role) throw invalidParameter('the role entity in the grant entity is nil: invalid parameter');
      validateEntityName('role name', e.role.name);
      const r = security.records;
      if (!hasRole(r, e.role.name)) throw rbacFailure('SelectGrantFailure', ROLE_NOT_FOUND);
      const db = grantDatabase(e.db_name);
      const entities = r.grants
        .filter((g) => g.role === e.role!.name)
        .filter((g) => g.dbName === db || g.dbName === ANY || db === ANY)
        .filter((g) => !e.object || !e.object_name || (g.objectType === e.object.name && g.objectName === e.object_name))
        .map(grantEntity);
      return { entities };
    },
  };
}

/** OperatePrivilege's grant, checked as Milvus's proxy and rootcoord check it (v1: object type and name given). */
function privilegeGrant(req: MilvusRequest<'OperatePrivilege'>, grantor: string): GrantRecord {
  const e = req.entity;
  if (!e) throw unexpected('the entity in the request is nil');
  if (!e.grantor) throw unexpected('the grantor entity in the grant entity is nil');
  if (!e.grantor.privilege) throw unexpected('the privilege entity in the grantor entity is nil');
  validateEntityName('Privilege', e.grantor.privilege.name, true);
  if (!e.object) throw unexpected('the resource entity in the grant entity is nil');
  validateEntityName('ObjectType', e.object.name);
  validateEntityName('object name', e.object_name, true);
  if (!e.role) throw unexpected('the object entity in the grant entity is nil');
  validateEntityName('role name', e.role.name);
  granting(req.type);
  const objectType = e.object.name as ObjectType;
  if (!OBJECT_TYPES.includes(objectType))
    throw rbacFailure(
      'OperatePrivilegeFailure',
      `not found the object type[name: ${e.object.name}], supported the object types: [${OBJECT_TYPES.join(' ')}]`,
    );
  const name = e.grantor.privilege.name;
  const privilege = name === ANY ? ANY : metastoreName(name);
  if (privilege !== ANY && !validOn(objectType, privilege))
    throw rbacFailure('OperatePrivilegeFailure', `not found the privilege name[${name}] in object[${objectType}]`);
  return { role: e.role.name, objectType, objectName: e.object_name, dbName: grantDatabase(e.db_name), privilege, grantor };
}

/**
 * OperatePrivilegeV2's grant: a privilege or group at a level (cluster, database, collection);
 * its object type follows from the privilege, and a global one is on every object.
 */
function privilegeGrantV2(req: MilvusRequest<'OperatePrivilegeV2'>, grantor: string): GrantRecord {
  if (!req.role) throw unexpected('the role entity in the request is nil');
  validateEntityName('role name', req.role.name);
  const name = req.grantor?.privilege?.name ?? '';
  validateEntityName('Privilege', name);
  const db = grantDatabase(req.db_name);
  const collection = req.collection_name || ANY;
  validateEntityName('collection name', collection, true);
  granting(req.type);
  const privilege = metastoreName(name);
  if (!privilege) throw rbacFailure('OperatePrivilegeFailure', `not found the privilege name[${name}]`);
  const level = privilegeLevel(name);
  if (level === 'Cluster' && (db !== ANY || collection !== ANY))
    throw invalidParameter(`dbName and collectionName should be * for the cluster level privilege: ${name}`);
  if (level === 'Database' && collection !== ANY)
    throw invalidParameter(`collectionName should be * for the database level privilege: ${name}`);
  const objectType = objectTypeOf(privilege);
  return { role: req.role.name, objectType, objectName: objectType === 'Global' ? ANY : collection, dbName: db, privilege, grantor };
}

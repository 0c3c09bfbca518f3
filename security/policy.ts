/**
 * Milvus's authorization model over the RBAC state: root may do anything; every other user
 * acts through its roles and `public`; a member of `admin` may do anything; otherwise a role
 * needs a grant of the privilege (or `All`, `*`, or a group holding it) on the object, in the
 * object's database. Compiled once per change of the state, so a check is a few map lookups.
 */
import type { GrantRecord, SecurityRecords } from '../meta/store.js';
import { ANY, groupMembers, metastoreName, objectTypeOf, type ObjectType } from './privileges.js';

export const ROOT_USER = 'root';
export const ADMIN_ROLE = 'admin';
export const PUBLIC_ROLE = 'public';
/** The roles that always exist and cannot be dropped. */
export const BUILTIN_ROLES: readonly string[] = [ADMIN_ROLE, PUBLIC_ROLE];

const ALL = metastoreName('All');

/** One privilege on one object (or `*`) in one database (or `*`), after groups are expanded. */
interface Entry {
  objectType: ObjectType;
  objectName: string;
  dbName: string;
  privilege: string;
}

export interface User {
  passwordHash: string;
  roles: ReadonlySet<string>;
}

export class Policy {
  readonly users: ReadonlyMap<string, User>;
  private readonly entries = new Map<string, Entry[]>();

  constructor(readonly records: SecurityRecords) {
    const roles = new Map(records.users.map((u) => [u.name, new Set<string>()]));
    for (const m of records.memberships) roles.get(m.user)?.add(m.role);
    this.users = new Map(records.users.map((u) => [u.name, { passwordHash: u.passwordHash, roles: roles.get(u.name)! }]));
    for (const g of records.grants) {
      const list = this.entries.get(g.role) ?? [];
      list.push(...expand(g));
      this.entries.set(g.role, list);
    }
  }

  /** The roles a user acts with: its own and public. */
  rolesOf(user: string): string[] {
    return [...(this.users.get(user)?.roles ?? []), PUBLIC_ROLE];
  }

  /** Whether any of `roles` may exercise `privilege` on the named object of `objectType` in `db`. */
  permits(roles: readonly string[], objectType: ObjectType, objectName: string, db: string, privilege: string): boolean {
    if (roles.includes(ADMIN_ROLE)) return true;
    return roles.some((role) =>
      (this.entries.get(role) ?? []).some(
        (e) =>
          (e.dbName === db || e.dbName === ANY) &&
          (e.privilege === ALL ||
            (e.objectType === objectType &&
              (e.objectName === ANY || e.objectName === objectName) &&
              (e.privilege === privilege || e.privilege === ANY))),
      ),
    );
  }
}

/**
 * A grant as the privileges it holds: a group becomes its members, each on the object its
 * type takes (a Global privilege on `*`, a collection privilege on the grant's collection), as
 * Milvus's rootcoord expands groups into policies.
 */
function expand(g: GrantRecord): Entry[] {
  const members = groupMembers(g.privilege);
  const one = { objectType: g.objectType as ObjectType, objectName: g.objectName, dbName: g.dbName, privilege: g.privilege };
  if (!members) return [one];
  return [...members].map((privilege) => {
    const objectType = objectTypeOf(privilege);
    return { objectType, objectName: objectType === 'Global' ? ANY : g.objectName, dbName: g.dbName, privilege };
  });
}

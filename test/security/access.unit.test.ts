import * as grpc from '@grpc/grpc-js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GrantRecord, SecurityRecords } from '../../meta/store.js';
import { Access, AccessError } from '../../security/access.js';
import { hashPassword } from '../../security/passwords.js';
import { apiName, metastoreName, requiredPrivilege } from '../../security/privileges.js';

/**
 * Milvus's authorization model, request by request: what each method needs is read from the
 * protocol, and the roles' grants (single privileges, `*`, All, built-in groups, v2 levels)
 * decide, as Milvus's privilege interceptor and casbin model do.
 */
let records: SecurityRecords;
let access: Access;

const grant = (role: string, objectType: string, objectName: string, privilege: string, dbName = 'default'): GrantRecord => ({
  role,
  objectType,
  objectName,
  dbName,
  privilege,
  grantor: 'root',
});

beforeAll(async () => {
  const hash = await hashPassword('password1');
  records = {
    users: ['root', 'ann', 'bob', 'cat', 'dan', 'eve', 'fay', 'gil'].map((name) => ({ name, passwordHash: hash, createdAt: 0 })),
    roles: ['admin', 'public', 'searchers', 'everything', 'readonly', 'v2reader', 'anywhere', 'shoppers'],
    memberships: [
      { user: 'ann', role: 'searchers' },
      { user: 'bob', role: 'admin' },
      { user: 'cat', role: 'everything' },
      { user: 'dan', role: 'readonly' },
      { user: 'eve', role: 'v2reader' },
      { user: 'fay', role: 'anywhere' },
      { user: 'gil', role: 'shoppers' },
    ],
    grants: [
      grant('searchers', 'Collection', 'books', 'PrivilegeSearch'),
      grant('searchers', 'Collection', 'books', 'PrivilegeFlush'),
      grant('everything', 'Global', '*', 'PrivilegeAll'),
      grant('readonly', 'Collection', 'books', 'PrivilegeGroupReadOnly'),
      grant('v2reader', 'Global', '*', 'PrivilegeGroupCollectionReadOnly', '*'),
      grant('anywhere', 'Collection', '*', '*'),
      grant('public', 'Global', '*', 'PrivilegeShowCollections'),
      grant('shoppers', 'Collection', '*', 'PrivilegeSearch', 'shop'),
    ],
  };
  access = new Access(
    () => records,
    (database, name) => (database === 'default' && name === 'novels' ? 'books' : undefined),
  );
});

function denial(user: string, method: string, request: Record<string, unknown>, database = 'default'): string | undefined {
  try {
    access.authorize(user, method, request, database);
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(AccessError);
    expect((e as AccessError).grpcCode).toBe(grpc.status.PERMISSION_DENIED);
    return (e as Error).message;
  }
}

const auth = (value: string | undefined) => {
  const md = new grpc.Metadata();
  if (value !== undefined) md.set('authorization', value);
  return access.authenticateMetadata(md);
};
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('what a request needs', () => {
  it('is read from the protocol', () => {
    expect(requiredPrivilege('Search')).toMatchObject({ objectType: 'Collection', privilege: 'PrivilegeSearch' });
    expect(requiredPrivilege('Search')!.objects({ collection_name: 'books' })).toEqual({ one: 'books' });
    expect(requiredPrivilege('CreateCollection')!.objects({ collection_name: 'books' })).toEqual({ one: '*' });
    expect(requiredPrivilege('Flush')!.objects({ collection_names: ['a', 'b'] })).toEqual({ all: ['a', 'b'] });
    expect(requiredPrivilege('SelectUser')!.objects({ user: { name: 'ann' } })).toEqual({ one: 'ann' });
    expect(requiredPrivilege('SelectUser')!.objects({ user: null })).toEqual({ one: '*' });
    expect(requiredPrivilege('HasCollection')).toBeUndefined();
    expect([metastoreName('Search'), metastoreName('ReadOnly'), metastoreName('Nope')]).toEqual([
      'PrivilegeSearch',
      'PrivilegeGroupReadOnly',
      '',
    ]);
    expect([apiName('PrivilegeSearch'), apiName('PrivilegeGroupCollectionAdmin')]).toEqual(['Search', 'CollectionAdmin']);
  });
});

describe('authorization', () => {
  it('root and members of admin may do anything', () => {
    expect(denial('root', 'DropCollection', { collection_name: 'books' })).toBeUndefined();
    expect(denial('bob', 'CreateCredential', { username: 'x' })).toBeUndefined();
  });

  it('a user without the privilege is refused with Milvus’s message', () => {
    expect(denial('ann', 'Insert', { collection_name: 'books' })).toBe('PrivilegeInsert: permission deny to ann in the `default` database');
    expect(denial('ann', 'Search', { collection_name: 'maps' })).toBe('PrivilegeSearch: permission deny to ann in the `default` database');
    expect(denial('ann', 'Search', { collection_name: 'books' })).toBeUndefined();
  });

  it('a grant on a collection covers it through its aliases', () => {
    expect(denial('ann', 'Search', { collection_name: 'novels' })).toBeUndefined();
  });

  it('every collection of a list must be permitted, and an empty list is not', () => {
    expect(denial('ann', 'Flush', { collection_names: ['books'] })).toBeUndefined();
    expect(denial('ann', 'Flush', { collection_names: ['books', 'maps'] })).toBeDefined();
    expect(denial('ann', 'Flush', { collection_names: [] })).toBeDefined();
  });

  it('All covers every privilege; * every privilege of its object type', () => {
    expect(denial('cat', 'DropCollection', { collection_name: 'x' })).toBeUndefined();
    expect(denial('cat', 'Insert', { collection_name: 'x' })).toBeUndefined();
    expect(denial('fay', 'Insert', { collection_name: 'x' })).toBeUndefined();
    expect(denial('fay', 'CreateCollection', { collection_name: 'x' })).toBeDefined();
  });

  it('groups: ReadOnly on a collection reads it (and describes any), writes nothing', () => {
    expect(denial('dan', 'Query', { collection_name: 'books' })).toBeUndefined();
    expect(denial('dan', 'DescribeCollection', { collection_name: 'maps' })).toBeUndefined();
    expect(denial('dan', 'Query', { collection_name: 'maps' })).toBeDefined();
    expect(denial('dan', 'Insert', { collection_name: 'books' })).toBeDefined();
    expect(denial('eve', 'Search', { collection_name: 'anything' })).toBeUndefined();
    expect(denial('eve', 'Delete', { collection_name: 'anything' })).toBeDefined();
  });

  it('public’s grants apply to everyone; users read and change themselves; methods with no privilege are open', () => {
    expect(denial('ann', 'ShowCollections', {})).toBeUndefined();
    expect(denial('ann', 'SelectUser', { user: { name: 'ann' } })).toBeUndefined();
    expect(denial('ann', 'SelectUser', { user: { name: 'bob' } })).toBe(
      'PrivilegeSelectUser: permission deny to ann in the `default` database',
    );
    expect(denial('ann', 'UpdateCredential', { username: 'ann' })).toBeUndefined();
    expect(denial('ann', 'SelectGrant', { entity: { role: { name: 'searchers' } } })).toBeUndefined();
    expect(denial('ann', 'SelectGrant', { entity: { role: { name: 'admin' } } })).toBeDefined();
    expect(denial('ann', 'HasCollection', { collection_name: 'x' })).toBeUndefined();
  });

  it('grants count in their database only, or in every one with *; aliases resolve in the request’s database', () => {
    expect(denial('gil', 'Search', { collection_name: 'books' }, 'shop')).toBeUndefined();
    expect(denial('gil', 'Search', { collection_name: 'books' })).toBe('PrivilegeSearch: permission deny to gil in the `default` database');
    expect(denial('ann', 'Search', { collection_name: 'books' }, 'shop')).toBe(
      'PrivilegeSearch: permission deny to ann in the `shop` database',
    );
    expect(denial('ann', 'Search', { collection_name: 'novels' }, 'shop')).toBeDefined();
    expect(denial('eve', 'Search', { collection_name: 'anything' }, 'shop')).toBeUndefined();
    expect(denial('bob', 'Insert', { collection_name: 'anything' }, 'shop')).toBeUndefined();
  });

  it('a gRPC call is checked in its own db_name, else in its dbname metadata, else in default', async () => {
    const call = (request: Record<string, unknown>, database?: string) => {
      const metadata = new grpc.Metadata();
      metadata.set('authorization', b64('gil:password1'));
      if (database) metadata.set('dbname', database);
      return access.check('Search', { metadata, request }).then(
        () => undefined,
        (e: Error) => e.message,
      );
    };
    expect(await call({ collection_name: 'books' }, 'shop')).toBeUndefined();
    expect(await call({ collection_name: 'books', db_name: 'shop' })).toBeUndefined();
    expect(await call({ collection_name: 'books', db_name: 'default' }, 'shop')).toMatch(/in the `default` database$/);
    expect(await call({ collection_name: 'books' })).toMatch(/in the `default` database$/);
  });

  it('a change of the state applies to the next request', () => {
    const before = records;
    records = { ...records, grants: records.grants.filter((g) => g.role !== 'searchers') };
    try {
      expect(denial('ann', 'Search', { collection_name: 'books' })).toBeDefined();
    } finally {
      records = before;
    }
    expect(denial('ann', 'Search', { collection_name: 'books' })).toBeUndefined();
  });
});

describe('authentication', () => {
  it('takes base64 user:password, with Milvus’s UNAUTHENTICATED messages otherwise', async () => {
    expect(await auth(b64('ann:password1'))).toBe('ann');
    const refused = async (value: string | undefined) => {
      const err = (await auth(value).catch((e) => e)) as AccessError;
      expect(err.grpcCode).toBe(grpc.status.UNAUTHENTICATED);
      return err.message;
    };
    expect(await refused(undefined)).toBe('missing authorization in header');
    expect(await refused('not base64!')).toBe('invalid token format');
    expect(await refused(b64('an-api-key'))).toBe('auth check failure, please check api key is correct');
    expect(await refused(b64('ann:password2'))).toBe('auth check failure, please check username and password are correct');
    expect(await refused(b64('nobody:password1'))).toBe('auth check failure, please check username and password are correct');
  });
});

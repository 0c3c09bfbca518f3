import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { DataType, MilvusClient, RbacObjects } from '@zilliz/milvus2-sdk-node';
import type protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { METHOD_FIELDS } from '../../milvus/field-rules.js';
import { milvusRoot } from '../../milvus/proto.js';
import { requiredPrivilege } from '../../security/privileges.js';
import { onFreePorts, startMishards, type MishardsProcess } from '../harness/mishards-process.js';
import { credentials, RawMilvus } from '../harness/raw-milvus.js';
import { DataNodeClient } from '../harness/data-node-client.js';
import { MetadataFeedService } from '../../proto/data-node.js';
import { waitUntil } from '../harness/wait.js';

/**
 * `mishards up --auth`: every Milvus method, called without credentials, with a wrong
 * password and by a user without the privilege, on the coordinator and on the writer, gets
 * Milvus's gRPC status and message and changes nothing; the SDK signs in with a username and
 * password or a token; REST takes a bearer token; a revoked privilege stops working at once;
 * grants count in their database; the credential and RBAC calls answer with Milvus's statuses;
 * and no password appears in anything the cluster wrote or answered.
 */
const ROOT_PASSWORD = 'Root-pw-5e1b7c';
const ANN_PASSWORD = 'Ann-pw-93d2af';
const WRONG_PASSWORD = 'Wrong-pw-0c4e88';
const BOB_PASSWORD = 'Bob-pw-31aa07';
const BOB_NEW_PASSWORD = 'Bob-new-pw-5d9e';
const DORA_PASSWORD = 'Dora-pw-7f12c3';
const SECRETS = [ROOT_PASSWORD, ANN_PASSWORD, WRONG_PASSWORD, BOB_PASSWORD, BOB_NEW_PASSWORD, DORA_PASSWORD];
const C = 'kept';
const DIM = 4;

let dir: string;
let up: MishardsProcess;
let root: MilvusClient;
let writerAddress: string;
let readerAddress: string;
/** Every reply and error seen, for the password grep. */
const seen: string[] = [];

const service = milvusRoot.lookupService('milvus.proto.milvus.MilvusService');
const unary = service.methodsArray.filter((m) => !m.requestStream && !m.responseStream).map((m) => m.name);
const implemented = Object.keys(METHOD_FIELDS);

/** A request of `method` naming what exists (the collection, root, admin), so that only access decides. */
function request(method: string): Record<string, unknown> {
  const m = service.methods[method]!;
  m.resolve();
  const type = m.resolvedRequestType as protobuf.Type;
  const base = type.toObject(type.create(), { defaults: true, enums: String, longs: String }) as Record<string, unknown>;
  const fill: Record<string, unknown> = {
    collection_name: C,
    collectionName: C,
    collection_names: [C],
    oldName: C,
    newName: 'renamed',
    partition_names: ['_default'],
    alias: 'al',
    username: 'root',
    role_name: 'admin',
    role: { name: 'admin' },
    user: { name: 'root' },
    grantor: { privilege: { name: 'All' } },
    entity:
      method === 'CreateRole'
        ? { name: 'made' }
        : { role: { name: 'admin' }, object: { name: 'Global' }, object_name: '*', grantor: { privilege: { name: 'All' } } },
  };
  for (const field of type.fieldsArray) {
    const value = fill[field.name];
    if (value !== undefined) base[field.name] = field.repeated && !Array.isArray(value) ? [value] : value;
  }
  return base;
}

/** The gRPC error a call fails with, or undefined when it answers. */
async function refusal(client: RawMilvus, method: string): Promise<{ code: number; details: string } | undefined> {
  try {
    seen.push(JSON.stringify(await client.call(method, request(method))));
    return undefined;
  } catch (e) {
    const err = e as grpc.ServiceError;
    seen.push(err.message);
    return { code: err.code, details: err.details };
  }
}

/** What root sees of the cluster: nothing here may change. */
async function state() {
  const roles = await root.listRoles({ includeUserInfo: true });
  return {
    collections: (await root.showCollections()).data.map((c) => c.name).sort(),
    rows: (await root.getCollectionStatistics({ collection_name: C })).data.row_count,
    users: (await root.listUsers()).usernames.sort(),
    roles: roles.results.map((r) => [r.role.name, r.users.map((u) => u.name).sort()]),
    grants: await Promise.all(roles.results.map(async (r) => (await root.listGrants({ roleName: r.role.name })).entities)),
    aliases: (await root.listAliases({ collection_name: C })).aliases,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-auth-'));
  up = await startMishards(
    ['up', '--auth', '--readers', '1', ...onFreePorts(dir), '--http-port', '0', '--log-level', 'debug', '--metrics-host', '0.0.0.0'],
    { MISHARDS_ROOT_PASSWORD: ROOT_PASSWORD, MISHARDS_TRACE: 'console' },
    { transcript: true },
  );
  const members = YAML.parse(readFileSync(join(dir, 'cluster.yaml'), 'utf8')).members as { role: string; address: string }[];
  writerAddress = members.find((m) => m.role === 'writer')!.address;
  readerAddress = members.find((m) => m.role === 'reader')!.address;
  root = new MilvusClient({ address: up.addresses.grpc!, username: 'root', password: ROOT_PASSWORD, logLevel: 'error' });
  await root.connectPromise;
  const created = await root.createCollection({
    collection_name: C,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: DIM },
    ],
  });
  expect(created.error_code).toBe('Success');
  await root.createIndex({ collection_name: C, field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
  await root.loadCollectionSync({ collection_name: C });
  const data = Array.from({ length: 5 }, (_, id) => ({ id, v: [id, 1, 0, 0] }));
  expect((await root.insert({ collection_name: C, data })).status.error_code).toBe('Success');
  expect((await root.createUser({ username: 'ann', password: ANN_PASSWORD })).error_code).toBe('Success');
});

afterAll(async () => {
  await root?.closeConnection();
  if (up) expect(await up.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

describe('every method refuses', () => {
  it('callers without credentials, with a wrong password, or without the privilege, on the coordinator and the writer', async () => {
    const before = await state();
    for (const target of [up.addresses.grpc!, writerAddress]) {
      const anonymous = new RawMilvus(target);
      const wrong = new RawMilvus(target, credentials('root', WRONG_PASSWORD));
      const ann = new RawMilvus(target, credentials('ann', ANN_PASSWORD));
      try {
        for (const method of unary) {
          expect(await refusal(anonymous, method), `${method} on ${target}`).toEqual({
            code: grpc.status.UNAUTHENTICATED,
            details: 'missing authorization in header',
          });
        }
        for (const method of implemented) {
          expect(await refusal(wrong, method), `${method} on ${target}`).toEqual({
            code: grpc.status.UNAUTHENTICATED,
            details: 'auth check failure, please check username and password are correct',
          });
          const required = requiredPrivilege(method);
          const got = await refusal(ann, method);
          if (required) {
            expect(got, `${method} on ${target}`).toEqual({
              code: grpc.status.PERMISSION_DENIED,
              details: `${required.privilege}: permission deny to ann in the \`default\` database`,
            });
          } else {
            // Open to every user, as in Milvus: it answers with a status of its own.
            expect(got, `${method} on ${target}`).toBeUndefined();
          }
        }
      } finally {
        for (const c of [anonymous, wrong, ann]) c.close();
      }
    }
    expect(await state()).toEqual(before);
  });
});

describe('signing in', () => {
  it('with a username and password, and with a token', async () => {
    await root.createRole({ roleName: 'searchers' });
    await root.grantRole({ username: 'ann', roleName: 'searchers' });
    await root.grantPrivilege({ roleName: 'searchers', object: RbacObjects.Collection, objectName: C, privilegeName: 'Query' });
    // The SDK describes a collection before it inserts: the insert itself is what is refused.
    await root.grantPrivilege({ roleName: 'searchers', object: RbacObjects.Global, objectName: '*', privilegeName: 'DescribeCollection' });
    for (const options of [{ username: 'ann', password: ANN_PASSWORD }, { token: `ann:${ANN_PASSWORD}` }]) {
      const ann = new MilvusClient({ address: up.addresses.grpc!, ...options, logLevel: 'error' });
      try {
        await ann.connectPromise;
        const res = await ann.query({ collection_name: C, filter: 'id < 3', output_fields: ['id'] });
        expect(res.status.error_code).toBe('Success');
        expect(res.data.map((r) => Number(r.id)).sort()).toEqual([0, 1, 2]);
        await expect(ann.insert({ collection_name: C, data: [{ id: 9, v: [1, 1, 1, 1] }] })).rejects.toThrow(
          'PrivilegeInsert: permission deny to ann in the `default` database',
        );
      } finally {
        await ann.closeConnection();
      }
    }
  });

  it('a revoked privilege stops working within a second', async () => {
    const ann = new RawMilvus(up.addresses.grpc!, credentials('ann', ANN_PASSWORD));
    try {
      const search = () => refusal(ann, 'Query');
      await root.grantPrivilege({ roleName: 'searchers', object: RbacObjects.Collection, objectName: C, privilegeName: 'Query' });
      expect(await search()).toBeUndefined();
      await root.revokePrivilege({ roleName: 'searchers', object: RbacObjects.Collection, objectName: C, privilegeName: 'Query' });
      await waitUntil('the revocation reaches the coordinator', async () => (await search())?.code === grpc.status.PERMISSION_DENIED, 1000);
    } finally {
      ann.close();
    }
  });
});

describe('REST', () => {
  const post = async (path: string, body: unknown, authorization?: string) => {
    const res = await fetch(`http://${up.addresses.http}/v2/vectordb/${path}`, {
      method: 'POST',
      headers: authorization ? { authorization } : {},
      body: JSON.stringify(body),
    });
    const text = await res.text();
    seen.push(text);
    return { status: res.status, json: JSON.parse(text) };
  };
  const search = { collectionName: C, data: [[1, 1, 0, 0]], limit: 2 };

  it('needs a bearer token, and answers refusals as Milvus does', async () => {
    const unauthenticated = { status: 401, json: { code: 1800, message: "user hasn't authenticated" } };
    expect(await post('collections/list', {})).toEqual(unauthenticated);
    expect(await post('collections/list', {}, `Bearer root:${WRONG_PASSWORD}`)).toEqual(unauthenticated);
    const denied = (privilege: string) => ({
      status: 403,
      json: {
        code: 65535,
        message: `rpc error: code = PermissionDenied desc = ${privilege}: permission deny to ann in the \`default\` database`,
      },
    });
    // Answered by the coordinator, and relayed to the writer with the client's credentials.
    expect(await post('entities/search', search, `Bearer ann:${ANN_PASSWORD}`)).toEqual(denied('PrivilegeSearch'));
    expect(await post('collections/drop', { collectionName: C }, `Bearer ann:${ANN_PASSWORD}`)).toEqual(denied('PrivilegeDropCollection'));
    const found = await post('entities/search', search, `Bearer root:${ROOT_PASSWORD}`);
    expect(found.status).toBe(200);
    expect(found.json.data.map((r: { id: string }) => r.id)).toEqual(['1', '0']);
    expect((await root.hasCollection({ collection_name: C })).value).toBe(true);
  });

  it('manages users, roles and grants, as Milvus’s users/* and roles/* endpoints', async () => {
    const asRoot = `Bearer root:${ROOT_PASSWORD}`;
    const ok = { status: 200, json: { code: 0, data: {} } };
    expect(await post('users/create', { userName: 'bob', password: BOB_PASSWORD }, asRoot)).toEqual(ok);
    expect(await post('roles/create', { roleName: 'rest_role' }, asRoot)).toEqual(ok);
    expect(
      await post('roles/grant_privilege', { roleName: 'rest_role', objectType: 'Collection', objectName: C, privilege: 'Search' }, asRoot),
    ).toEqual(ok);
    expect(await post('roles/grant_privilege_v2', { roleName: 'rest_role', privilege: 'ClusterReadOnly', dbName: '*' }, asRoot)).toEqual(
      ok,
    );
    expect(await post('users/grant_role', { userName: 'bob', roleName: 'rest_role' }, asRoot)).toEqual(ok);
    expect((await post('users/list', {}, asRoot)).json.data).toEqual(expect.arrayContaining(['root', 'ann', 'bob']));
    expect((await post('users/describe', { userName: 'bob' }, asRoot)).json.data).toEqual(['rest_role']);
    expect((await post('roles/describe', { roleName: 'rest_role' }, asRoot)).json.data).toEqual([
      { objectType: 'Collection', objectName: C, privilege: 'Search', dbName: 'default', grantor: 'root' },
      { objectType: 'Global', objectName: '*', privilege: 'ClusterReadOnly', dbName: '*', grantor: 'root' },
    ]);
    expect((await post('entities/search', search, `Bearer bob:${BOB_PASSWORD}`)).json.code).toBe(0);
    // Bob changes his own password: the old one stops working at once.
    expect(
      await post(
        'users/update_password',
        { userName: 'bob', password: BOB_PASSWORD, newPassword: BOB_NEW_PASSWORD },
        `Bearer bob:${BOB_PASSWORD}`,
      ),
    ).toEqual(ok);
    expect((await post('entities/search', search, `Bearer bob:${BOB_PASSWORD}`)).status).toBe(401);
    expect((await post('entities/search', search, `Bearer bob:${BOB_NEW_PASSWORD}`)).json.code).toBe(0);
    expect(await post('users/revoke_role', { userName: 'bob', roleName: 'rest_role' }, asRoot)).toEqual(ok);
    expect((await post('entities/search', search, `Bearer bob:${BOB_NEW_PASSWORD}`)).status).toBe(403);
    expect(await post('users/drop', { userName: 'bob' }, asRoot)).toEqual(ok);
    expect((await post('roles/list', {}, asRoot)).json.data).toEqual(expect.arrayContaining(['admin', 'public', 'rest_role']));
  });
});

describe('privileges per database', () => {
  it('a grant counts in its database (the request’s db_name, else the client’s), one on * in every database', async () => {
    expect((await root.createDatabase({ db_name: 'shop' })).error_code).toBe('Success');
    const fields = [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: DIM },
    ];
    expect((await root.createCollection({ db_name: 'shop', collection_name: 'wares', fields })).error_code).toBe('Success');
    await root.createIndex({ db_name: 'shop', collection_name: 'wares', field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
    await root.loadCollectionSync({ db_name: 'shop', collection_name: 'wares' });
    expect((await root.createUser({ username: 'dora', password: DORA_PASSWORD })).error_code).toBe('Success');
    await root.createRole({ roleName: 'shoppers' });
    await root.grantRole({ username: 'dora', roleName: 'shoppers' });
    const grant = (db_name: string) => root.grantPrivilegeV2({ role: 'shoppers', privilege: 'Query', db_name, collection_name: '*' });
    expect((await grant('shop')).error_code).toBe('Success');

    const query = async (collection_name: string, o: { header?: string; db_name?: string } = {}) => {
      const metadata = credentials('dora', DORA_PASSWORD);
      if (o.header) metadata.set('dbname', o.header);
      const raw = new RawMilvus(up.addresses.grpc!, metadata);
      try {
        const res = await raw.call('Query', { collection_name, expr: 'id >= 0', output_fields: ['id'], db_name: o.db_name ?? '' });
        seen.push(JSON.stringify(res));
        return res.status.error_code as string;
      } catch (e) {
        return (e as grpc.ServiceError).details;
      }
    };
    const rest = async (body: Record<string, unknown>) => {
      const res = await fetch(`http://${up.addresses.http}/v2/vectordb/entities/query`, {
        method: 'POST',
        headers: { authorization: `Bearer dora:${DORA_PASSWORD}` },
        body: JSON.stringify({ filter: 'id >= 0', outputFields: ['id'], ...body }),
      });
      const text = await res.text();
      seen.push(text);
      return { status: res.status, code: JSON.parse(text).code as number };
    };
    const denied = (db: string) => `PrivilegeQuery: permission deny to dora in the \`${db}\` database`;
    expect(await query('wares', { header: 'shop' })).toBe('Success');
    expect(await query('wares', { db_name: 'shop' })).toBe('Success');
    expect(await query(C)).toBe(denied('default'));
    expect(await query(C, { header: 'shop', db_name: 'default' })).toBe(denied('default'));
    expect(await rest({ dbName: 'shop', collectionName: 'wares' })).toEqual({ status: 200, code: 0 });
    expect(await rest({ collectionName: C })).toEqual({ status: 403, code: 65535 });

    expect((await grant('*')).error_code).toBe('Success');
    await waitUntil('the grant on * reaches the coordinator', async () => (await query(C)) === 'Success', 1000);
    expect(await rest({ collectionName: C })).toEqual({ status: 200, code: 0 });
  });
});

describe('the credential and RBAC calls', () => {
  it('answer with Milvus 2.5’s codes and messages (proxy and rootcoord)', async () => {
    const raw = new RawMilvus(up.addresses.grpc!, credentials('root', ROOT_PASSWORD));
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const status = async (method: string, request: object) => {
      const res = await raw.call(method, request);
      seen.push(JSON.stringify(res));
      const s = 'error_code' in res ? res : res.status;
      return { error_code: s.error_code, code: s.code, reason: s.reason };
    };
    const success = { error_code: 'Success', code: 0, reason: '' };
    const failure = (error_code: string, reason: string) => ({ error_code, code: 65535, reason });
    const ROLE_NOT_FOUND = "not found the role, maybe the role isn't existed or internal system error";
    const grantSearch = (role: string) => ({
      entity: { role: { name: role }, object: { name: 'Collection' }, object_name: C, grantor: { privilege: { name: 'Search' } } },
      type: 'Grant',
    });
    try {
      expect(await status('CreateCredential', { username: 'ann', password: b64(ANN_PASSWORD) })).toEqual(
        failure('CreateCredentialFailure', 'user already exists: ann'),
      );
      expect(await status('CreateRole', { entity: { name: 'searchers' } })).toEqual(
        failure('CreateRoleFailure', 'role [name:"searchers"] already exists'),
      );
      expect(await status('DropRole', { role_name: 'nope' })).toEqual(failure('DropRoleFailure', ROLE_NOT_FOUND));
      expect(await status('DropRole', { role_name: 'admin' })).toMatchObject({
        code: 1401,
        reason: "the role[admin] is a default role, which can't be dropped: privilege not permitted",
      });
      // A role with grants: refused, unless force_drop, which drops its grants with it.
      expect(await status('CreateRole', { entity: { name: 'doomed' } })).toEqual(success);
      expect(await status('OperatePrivilege', grantSearch('doomed'))).toEqual(success);
      expect(await status('DropRole', { role_name: 'doomed' })).toEqual(
        failure('DropRoleFailure', 'fail to drop the role that it has privileges. Use REVOKE API to revoke privileges'),
      );
      expect(await status('DropRole', { role_name: 'doomed', force_drop: true })).toEqual(success);
      expect(await status('SelectGrant', { entity: { role: { name: 'doomed' } } })).toEqual(failure('SelectGrantFailure', ROLE_NOT_FOUND));
      // A role with members only: dropped, the members lose it.
      expect(await status('CreateRole', { entity: { name: 'crew' } })).toEqual(success);
      expect(await status('OperateUserRole', { username: 'ann', role_name: 'crew', type: 'AddUserToRole' })).toEqual(success);
      expect(await status('DropRole', { role_name: 'crew' })).toEqual(success);
      const ann = await raw.call('SelectUser', { user: { name: 'ann' }, include_role_info: true });
      expect(ann.results[0].roles.map((r: { name: string }) => r.name)).not.toContain('crew');
      expect(await status('OperateUserRole', { username: 'ann', role_name: 'nope', type: 'AddUserToRole' })).toEqual(
        failure('OperateUserRoleFailure', ROLE_NOT_FOUND),
      );
      expect(await status('OperateUserRole', { username: 'nobody', role_name: 'searchers', type: 'AddUserToRole' })).toEqual(
        failure('OperateUserRoleFailure', "not found the user, maybe the user isn't existed or internal system error"),
      );
      expect(await status('OperateUserRole', { username: 'nobody', role_name: 'searchers', type: 'RemoveUserFromRole' })).toEqual(success);
      expect(await status('DeleteCredential', { username: 'root' })).toMatchObject({
        code: 1401,
        reason: 'root user cannot be deleted: privilege not permitted',
      });
      expect(
        await status('UpdateCredential', { username: 'ann', oldPassword: b64(WRONG_PASSWORD), newPassword: b64(BOB_PASSWORD) }),
      ).toMatchObject({
        code: 1400,
        reason: 'old password not correct for ann: not authenticated',
      });
    } finally {
      raw.close();
    }
  });
});

describe('around the Milvus API', () => {
  const rootBasic = `Basic ${Buffer.from(`root:${ROOT_PASSWORD}`).toString('base64')}`;
  const admin = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`http://${up.addresses.metrics}${path}`, init);
    const text = await res.text();
    seen.push(text);
    return { status: res.status, text };
  };

  it('the internal API refuses every call without the cluster token, credentials or not', async () => {
    for (const metadata of [new grpc.Metadata(), credentials('root', ROOT_PASSWORD)]) {
      for (const [address, method, request] of [
        [readerAddress, 'SearchSegments', { collection_name: C }],
        [readerAddress, 'ReleaseSegments', { collection_name: C, segment_ids: ['1'] }],
        [writerAddress, 'ReportPlacement', {}],
        [writerAddress, 'ListSegments', {}],
      ] as const) {
        const client = new DataNodeClient(address, metadata);
        try {
          await expect(client.call(method, request), `${method} on ${address}`).rejects.toMatchObject({
            code: grpc.status.UNAUTHENTICATED,
            details: 'an internal API of the Mishards cluster: calls need the cluster token',
          });
        } finally {
          client.close();
        }
      }
      // The metadata feed, which carries password hashes, likewise.
      const feed = new MetadataFeedService(writerAddress, grpc.credentials.createInsecure()) as any;
      try {
        const stream = feed.Watch({}, metadata);
        stream.on('data', (m: unknown) => seen.push(JSON.stringify(m)));
        const err: grpc.ServiceError = await new Promise((resolve) => stream.on('error', resolve));
        expect([err.code, err.details]).toEqual([
          grpc.status.UNAUTHENTICATED,
          'an internal API of the Mishards cluster: calls need the cluster token',
        ]);
      } finally {
        feed.close();
      }
    }
    expect((await root.getCollectionStatistics({ collection_name: C })).data.row_count).toBe('5');
  });

  it('metrics and status pages exposed beyond loopback want a user; health does not; none changes anything', async () => {
    expect(up.addresses.metrics).toMatch(/^0\.0\.0\.0:/);
    for (const path of ['/metrics', '/status', '/status.json']) {
      expect((await admin(path)).status, path).toBe(401);
      expect(
        (await admin(path, { headers: { authorization: `Basic ${Buffer.from(`root:${WRONG_PASSWORD}`).toString('base64')}` } })).status,
      ).toBe(401);
      expect((await admin(path, { headers: { authorization: rootBasic } })).status, path).toBe(200);
      expect((await admin(path, { headers: { authorization: `Bearer ann:${ANN_PASSWORD}` } })).status, path).toBe(200);
    }
    expect(await admin('/healthz')).toEqual({ status: 200, text: '{"status":"ok"}' });
    expect((await admin('/metrics', { method: 'POST', headers: { authorization: rootBasic } })).status).toBe(405);
  });
});

describe('starting with --auth', () => {
  it('a coordinator or reader needs the cluster token; a standalone writer closes its internal API without one', async () => {
    await expect(startMishards(['coordinator', '--auth', '--writer', writerAddress, ...onFreePorts()])).rejects.toThrow(
      /coordinator --auth: the cluster's internal API needs a shared secret: set MISHARDS_CLUSTER_TOKEN/,
    );
    const wdir = mkdtempSync(join(tmpdir(), 'mishards-auth-w-'));
    const writer = await startMishards(['writer', '--auth', ...onFreePorts(wdir)], { MISHARDS_ROOT_PASSWORD: ROOT_PASSWORD });
    try {
      const raw = new RawMilvus(writer.addresses.grpc!, credentials('root', ROOT_PASSWORD));
      expect((await raw.call('ListCredUsers', {})).usernames).toEqual(['root']);
      raw.close();
      const internal = new DataNodeClient(writer.addresses.grpc!);
      await expect(internal.call('ListSegments', {})).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
      internal.close();
    } finally {
      expect(await writer.stop()).toBe(0);
      rmSync(wdir, { recursive: true, force: true });
    }
  });
});

describe('passwords', () => {
  it('appear nowhere: not in logs, traces, metrics, status pages or any answer', async () => {
    const metrics = up.addresses.metrics!;
    const headers = { authorization: `Basic ${Buffer.from(`root:${ROOT_PASSWORD}`).toString('base64')}` };
    seen.push(await (await fetch(`http://${metrics}/metrics`, { headers })).text());
    seen.push(await (await fetch(`http://${metrics}/status.json`, { headers })).text());
    // Traces are exported (in batches): the grep covers them too.
    await waitUntil('spans are exported', async () => /traceId/.test(up.transcript()), 20_000);
    const everything = [up.transcript(), ...seen].join('\n');
    for (const secret of SECRETS) {
      for (const form of [secret, Buffer.from(secret).toString('base64'), Buffer.from(`root:${secret}`).toString('base64')]) {
        expect(everything.includes(form), `${form} appears`).toBe(false);
      }
    }
  });
});

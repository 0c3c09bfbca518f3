import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_FIELDS } from '../../milvus/field-rules.js';
import { milvusRoot } from '../../milvus/proto.js';
import { replyShape, statusOfReply } from '../../milvus/reply-shape.js';
import { onFreePorts, startMishards, type MishardsProcess } from '../harness/mishards-process.js';
import { RawMilvus, schemaBytes } from '../harness/raw-milvus.js';
import { waitUntil } from '../harness/wait.js';

/**
 * Names that try to climb out of the data directory or into SQL text, sent through every
 * field of every implemented method that names something: each call gets a Milvus status,
 * the ones that would create something are refused as Milvus refuses them, and afterwards
 * the writer's files, its metadata tables and what its API reports are exactly as before.
 */
const MARKER = `escape${process.pid}`;
const HOSTILE = [
  `../../../${MARKER}`,
  `..`,
  `a/b`,
  `${MARKER}\\..\\x`,
  `x'; DROP TABLE meta_collections; --`,
  `kept' OR '1'='1`,
  `x"); DELETE FROM meta_partitions; --`,
  `\u0000${MARKER}`,
  `%2e%2e%2f${MARKER}`,
];

/** Request fields that carry names of collections, aliases, partitions, indexes or fields. */
const NAME_FIELDS = new Set([
  'collection_name',
  'collectionName',
  'collection_names',
  'oldName',
  'newName',
  'alias',
  'partition_name',
  'partition_names',
  'index_name',
  'field_name',
  'output_fields',
  'db_name',
  'dbName',
  'resource_group',
  'username',
  'role_name',
]);

/**
 * Request fields that are messages naming a user or a role (and, in OperatePrivilege and
 * SelectGrant, the object of a grant): the hostile name goes in every name they hold.
 */
const NAME_MESSAGES: Record<string, (method: string, name: string) => unknown> = {
  role: (_method, name) => ({ name }),
  user: (_method, name) => ({ name }),
  entity: (method, name) =>
    method === 'CreateRole'
      ? { name }
      : { role: { name }, object: { name: 'Collection' }, object_name: name, grantor: { privilege: { name: 'Search' } } },
};

/** Methods whose success would create or rename something under the hostile name. */
const CREATING = new Set([
  'CreateCollection',
  'CreatePartition',
  'CreateAlias',
  'AlterAlias',
  'RenameCollection',
  'CreateIndex',
  'CreateCredential',
  'CreateRole',
  'OperateUserRole',
  'OperatePrivilege',
  'OperatePrivilegeV2',
]);

let dir: string;
let writer: MishardsProcess;
let raw: RawMilvus;

/** Every path under the data directory, relative to it. */
function tree(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((p) => relative(root, join(root, p)))
    .sort();
}

function metadataTables(): Record<string, number> {
  const db = new Database(join(dir, 'meta.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    return Object.fromEntries(names.map(({ name }) => [name, (db.prepare(`SELECT COUNT(*) AS n FROM ${name}`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
}

async function reported() {
  const users = await raw.call('ListCredUsers', {});
  const roles = await raw.call('SelectRole', { include_user_info: true });
  const collections = await raw.call('ShowCollections', {});
  const partitions = await raw.call('ShowPartitions', { collection_name: 'kept' });
  const aliases = await raw.call('ListAliases', {});
  const indexes = await raw.call('DescribeIndex', { collection_name: 'kept' });
  const rows = await raw.call('GetCollectionStatistics', { collection_name: 'kept' });
  return {
    collections: collections.collection_names,
    partitions: partitions.partition_names,
    aliases: aliases.aliases,
    indexes: indexes.index_descriptions.map((d: { index_name: string; field_name: string }) => [d.index_name, d.field_name]),
    rows: rows.stats,
    users: users.usernames,
    roles: roles.results,
  };
}

const statusOf = (method: string, reply: Record<string, unknown>) => statusOfReply(replyShape(method), reply)!;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-hostile-'));
  writer = await startMishards(['writer', ...onFreePorts(dir)]);
  raw = new RawMilvus(writer.addresses.grpc!);
  const created = await raw.call('CreateCollection', {
    collection_name: 'kept',
    schema: schemaBytes({
      name: 'kept',
      fields: [
        { name: 'id', data_type: 5, is_primary_key: true },
        { name: 'v', data_type: 101, type_params: [{ key: 'dim', value: '2' }] },
      ],
    }),
  });
  expect(created.code).toBe(0);
  expect((await raw.call('CreatePartition', { collection_name: 'kept', partition_name: 'p' })).code).toBe(0);
  const index = await raw.call('CreateIndex', {
    collection_name: 'kept',
    field_name: 'v',
    extra_params: [
      { key: 'index_type', value: 'FLAT' },
      { key: 'metric_type', value: 'L2' },
    ],
  });
  expect(index.code).toBe(0);
  const inserted = await raw.call('Insert', {
    collection_name: 'kept',
    num_rows: 2,
    fields_data: [
      { type: 'Int64', field_name: 'id', scalars: { long_data: { data: [1, 2] } } },
      { type: 'FloatVector', field_name: 'v', vectors: { dim: 2, float_vector: { data: [1, 0, 0, 1] } } },
    ],
  });
  expect(inserted.status.code).toBe(0);
  expect((await raw.call('Flush', { collection_names: ['kept'] })).status.code).toBe(0);
  // The sealed segment's index is built in the background: the files compared later are the
  // ones it leaves (index/), not the ones it writes on the way (index.tmp/).
  await waitUntil(
    'the sealed segment is indexed',
    async () => (await raw.call('GetIndexState', { collection_name: 'kept' })).state === 'Finished',
    30_000,
  );
});

afterAll(async () => {
  raw?.close();
  await writer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Every (method, field) pair that takes a name, with the request that carries a hostile one there. */
function hostileRequests(): { method: string; field: string; request: Record<string, unknown> }[] {
  const service = milvusRoot.lookupService('milvus.proto.milvus.MilvusService');
  const out: { method: string; field: string; request: Record<string, unknown> }[] = [];
  for (const method of Object.keys(METHOD_FIELDS)) {
    const m = service.methods[method]!;
    m.resolve();
    const type = m.resolvedRequestType as protobuf.Type;
    const named = type.fieldsArray.filter((f) => NAME_FIELDS.has(f.name) && f.type === 'string');
    const messages = type.fieldsArray.filter((f) => f.name in NAME_MESSAGES);
    // A new user's password, valid, so that the name is what is checked.
    const password = type.fields.password ? { password: Buffer.from('password1').toString('base64') } : {};
    for (const field of messages) {
      for (const name of HOSTILE)
        out.push({ method, field: field.name, request: { ...password, [field.name]: NAME_MESSAGES[field.name]!(method, name) } });
    }
    for (const field of named) {
      for (const name of HOSTILE) {
        // The other names point at what exists, so that the hostile one is the one looked at.
        const request: Record<string, unknown> = {};
        for (const other of named) {
          const value =
            other.name === 'partition_name' ? 'p' : other.name.startsWith('collection') || other.name === 'oldName' ? 'kept' : '';
          if (value) request[other.name] = other.repeated ? [value] : value;
        }
        request[field.name] = field.repeated ? [name] : name;
        out.push({ method, field: field.name, request: { ...password, ...request } });
      }
    }
  }
  return out;
}

describe('hostile names', () => {
  it('every name-taking call answers with a Milvus status and changes nothing', async () => {
    const before = { files: tree(dir), tables: metadataTables(), api: await reported() };
    const calls = hostileRequests();
    // Every kind of name field of the API is exercised.
    expect(new Set(calls.map((c) => c.field))).toEqual(new Set([...NAME_FIELDS, ...Object.keys(NAME_MESSAGES)]));
    for (const { method, field, request } of calls) {
      const reply = await raw.call(method, request);
      const status = statusOf(method, reply);
      expect(typeof status.code, `${method}.${field}`).toBe('number');
      if (CREATING.has(method)) expect(status.code, `${method}.${field} = ${JSON.stringify(request[field])}`).not.toBe(0);
    }
    expect(await reported()).toEqual(before.api);
    expect(metadataTables()).toEqual(before.tables);
    expect(tree(dir)).toEqual(before.files);
    for (const base of [dir, join(dir, 'storage'), join(dir, 'wal')]) {
      for (const name of HOSTILE.filter((n) => n.includes(MARKER)))
        expect(existsSync(resolve(base, name)), resolve(base, name)).toBe(false);
    }
  });

  it('names are refused as Milvus refuses them', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [
        'HasCollection',
        { collection_name: 'a/b' },
        'Invalid collection name: a/b. collection name can only contain numbers, letters and underscores.',
      ],
      [
        'DropCollection',
        { collection_name: '..' },
        'Invalid collection name: ... the first character of a collection name must be an underscore or letter.',
      ],
      [
        'CreatePartition',
        { collection_name: 'kept', partition_name: "p'--" },
        "Invalid partition name: p'--. partition name can only contain numbers, letters and underscores.",
      ],
      [
        'CreateIndex',
        { collection_name: 'kept', field_name: 'v', index_name: '../i' },
        'Invalid index name: ../i. The first character of a index name must be an underscore or letter.',
      ],
    ];
    for (const [method, request, reason] of cases)
      expect(statusOf(method, await raw.call(method, request))).toMatchObject({ code: 1100, reason });
  });
});

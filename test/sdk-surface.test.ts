import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECT_STATUS, DataType, FunctionType, MilvusClient, RbacObjects } from '@zilliz/milvus2-sdk-node';
import { MilvusService } from '../milvus/proto.js';
import { TestCluster } from './harness/cluster.js';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from './harness/mishards-process.js';
import { RawMilvus } from './harness/raw-milvus.js';

/**
 * Every MilvusService call the official SDK's MilvusClient can make, through the coordinator
 * of `mishards up`: none may throw inside the SDK (a reply missing a field the SDK reads), and
 * each either works or answers a status naming the RPC as unsupported. The client's methods
 * are enumerated from its prototype chain, so a method added to the SDK fails this test until
 * it is listed below, with a request or a reason not to call it.
 */
const DIM = 4;
const C = 'surface';
/** For calls that change data, so that C stays as the reads below expect it. */
const S = 'scratch';
const ROWS = 10;
const vec = (i: number) => Array.from({ length: DIM }, (_, j) => Math.sin(i * 0.7 + j * 1.3));
const rows = (ids: number[]) => ids.map((id) => ({ id, v: vec(id) }));

/** What a call must produce. */
type Expect =
  /** A success status. */
  | 'ok'
  /** A status naming this RPC as unsupported. */
  | { unsupported: string }
  /** Not a status: checked by hand. */
  | { check: (result: any) => void };

/** A refusal of part of a call Mishards implements: its code and reason. */
const refused = (code: number, reason: string): Expect => ({
  check: (result) => expect(statusOf(result)).toMatchObject({ code, reason }),
});
/** AlterCollectionSchema does only what AddCollectionField does: add one field, no function. */
const functionsRefused = refused(1100, 'AlterCollectionSchema: func_schema is not supported: Mishards has no functions');
const dropFieldRefused = refused(1100, 'AlterCollectionSchema: Mishards supports only an add_request (adding one field)');

interface Case {
  call: (c: MilvusClient) => Promise<unknown>;
  expect: Expect;
}

const unsupported = (rpc: string): Expect => ({ unsupported: rpc });

/** A collection of its own for a call that releases or drops something (quick create: indexed and loaded). */
async function own(c: MilvusClient, name: string): Promise<void> {
  const res = await c.createCollection({ collection_name: name, dimension: DIM });
  expect(res.error_code).toBe('Success');
}

const bm25 = { name: 'bm25', type: FunctionType.BM25, input_field_names: ['text'], output_field_names: ['sparse'], params: {} };
const sparseField = { name: 'sparse', data_type: DataType.SparseFloatVector, nullable: true };
const role = { roleName: 'reader_role' };
const PASSWORD = 'password1';

/** The user and the role a call works on, created first (each case stands alone). */
async function userAndRole(c: MilvusClient, username?: string, roleName?: string): Promise<void> {
  if (username) expect((await c.createUser({ username, password: PASSWORD })).error_code).toBe('Success');
  if (roleName) expect((await c.createRole({ roleName })).error_code).toBe('Success');
}
const snapshot = { collection_name: C, snapshot_name: 'snap' };

const CASES: Record<string, Case> = {
  // Sent as AlterCollectionSchema's add request.
  addCollectionField: {
    call: (c) => c.addCollectionField({ collection_name: S, field: { name: 'extra', data_type: DataType.Int64, nullable: true } }),
    expect: 'ok',
  },
  addCollectionFields: {
    call: (c) => c.addCollectionFields({ collection_name: S, fields: [{ name: 'extra2', data_type: DataType.Int64, nullable: true }] }),
    expect: 'ok',
  },
  addCollectionFunction: {
    call: (c) => c.addCollectionFunction({ collection_name: C, function: bm25 }),
    expect: unsupported('AddCollectionFunction'),
  },
  addFileResource: { call: (c) => c.addFileResource({ name: 'dict', path: 'dict.txt' }), expect: unsupported('AddFileResource') },
  addFunctionField: {
    call: (c) =>
      c.addFunctionField({
        collection_name: C,
        field: sparseField,
        function: bm25,
        extra_params: { index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25' },
      }),
    expect: functionsRefused,
  },
  addPrivilegesToGroup: {
    call: (c) => c.addPrivilegesToGroup({ group_name: 'pg', privileges: ['Query'] }),
    expect: unsupported('OperatePrivilegeGroup'),
  },
  addUserToRole: {
    call: async (c) => {
      await userAndRole(c, 'u_add', 'r_add');
      return c.addUserToRole({ username: 'u_add', roleName: 'r_add' });
    },
    expect: 'ok',
  },
  // Before createAlias: there is no such alias yet.
  alterAlias: {
    call: (c) => c.alterAlias({ collection_name: C, alias: 'al' }),
    expect: refused(1600, 'alias not found[database=default][alias=al]'),
  },
  alterCollectionFieldProperties: {
    call: (c) => c.alterCollectionFieldProperties({ collection_name: C, field_name: 'v', properties: { 'mmap.enabled': true } }),
    expect: unsupported('AlterCollectionField'),
  },
  alterCollectionFunction: {
    call: (c) => c.alterCollectionFunction({ collection_name: C, function_name: 'bm25', function: bm25 }),
    expect: unsupported('AlterCollectionFunction'),
  },
  alterCollectionProperties: {
    call: (c) => c.alterCollectionProperties({ collection_name: S, properties: { 'collection.ttl.seconds': 86400 } }),
    expect: 'ok',
  },
  alterCollectionSchema: {
    call: (c) => c.alterCollectionSchema({ collection_name: C, field: sparseField, function: bm25 }),
    expect: functionsRefused,
  },
  alterDatabase: {
    call: (c) => c.alterDatabase({ db_name: 'default', properties: { 'database.max.collections': 10 } }),
    expect: 'ok',
  },
  alterIndexProperties: {
    call: (c) => c.alterIndexProperties({ collection_name: C, index_name: 'v', params: { 'mmap.enabled': true } }),
    expect: unsupported('AlterIndex'),
  },
  alterRole: { call: (c) => c.alterRole({ ...role, description: 'reads' }), expect: unsupported('AlterRole') },
  backupRBAC: { call: (c) => c.backupRBAC(), expect: unsupported('BackupRBAC') },
  batchDescribeCollections: {
    call: (c) => c.batchDescribeCollections({ collection_names: [C] }),
    expect: { check: (r) => expect([r.status.error_code, r.responses.map((d: any) => d.collection_name)]).toEqual(['Success', [C]]) },
  },
  bulkInsert: { call: (c) => c.bulkInsert({ collection_name: C, files: ['rows.json'] }), expect: unsupported('Import') },
  checkHealth: { call: (c) => c.checkHealth(), expect: 'ok' },
  // One small segment with nothing deleted: nothing to merge, so no compaction (id -1, as Milvus).
  compact: {
    call: (c) => c.compact({ collection_name: C }),
    expect: { check: (r) => expect([r.status.error_code, r.compactionID, r.compactionPlanCount]).toEqual(['Success', '-1', 0]) },
  },
  count: {
    call: (c) => c.count({ collection_name: C }),
    expect: { check: (r) => expect([r.status.error_code, r.data]).toEqual(['Success', ROWS]) },
  },
  createAlias: { call: (c) => c.createAlias({ collection_name: C, alias: 'al' }), expect: 'ok' },
  createCollection: { call: (c) => c.createCollection({ collection_name: 'quick', dimension: DIM }), expect: 'ok' },
  createDatabase: { call: (c) => c.createDatabase({ db_name: 'other' }), expect: 'ok' },
  // The index C already has: answered as a success, as in Milvus.
  createIndex: { call: (c) => c.createIndex({ collection_name: C, field_name: 'v', index_type: 'FLAT', metric_type: 'L2' }), expect: 'ok' },
  createPartition: { call: (c) => c.createPartition({ collection_name: S, partition_name: 'made' }), expect: 'ok' },
  createPrivilegeGroup: { call: (c) => c.createPrivilegeGroup({ group_name: 'pg' }), expect: unsupported('CreatePrivilegeGroup') },
  createResourceGroup: { call: (c) => c.createResourceGroup({ resource_group: 'rg' }), expect: unsupported('CreateResourceGroup') },
  createRole: { call: (c) => c.createRole(role), expect: 'ok' },
  createSnapshot: { call: (c) => c.createSnapshot(snapshot), expect: unsupported('CreateSnapshot') },
  createUser: { call: (c) => c.createUser({ username: 'ann', password: PASSWORD }), expect: 'ok' },
  delete: { call: (c) => c.delete({ collection_name: S, ids: [1] }), expect: 'ok' },
  deleteEntities: { call: (c) => c.deleteEntities({ collection_name: S, filter: 'id in [2]' }), expect: 'ok' },
  deleteUser: {
    call: async (c) => {
      await userAndRole(c, 'u_delete');
      return c.deleteUser({ username: 'u_delete' });
    },
    expect: 'ok',
  },
  describeAlias: {
    call: (c) => c.describeAlias({ collection_name: C, alias: 'al' }),
    expect: { check: (r) => expect([r.status.error_code, r.db_name, r.alias, r.collection]).toEqual(['Success', 'default', 'al', C]) },
  },
  describeCollection: { call: (c) => c.describeCollection({ collection_name: C }), expect: 'ok' },
  describeDatabase: { call: (c) => c.describeDatabase({ db_name: 'default' }), expect: 'ok' },
  describeIndex: { call: (c) => c.describeIndex({ collection_name: C }), expect: 'ok' },
  describeResourceGroup: { call: (c) => c.describeResourceGroup({ resource_group: '__default_resource_group' }), expect: 'ok' },
  describeRole: {
    call: async (c) => {
      await userAndRole(c, 'u_describe_role', 'r_describe');
      await c.addUserToRole({ username: 'u_describe_role', roleName: 'r_describe' });
      return c.describeRole({ roleName: 'r_describe' });
    },
    expect: {
      check: (r) => expect(r.results).toEqual([{ role: { name: 'r_describe', description: '' }, users: [{ name: 'u_describe_role' }] }]),
    },
  },
  describeSnapshot: { call: (c) => c.describeSnapshot(snapshot), expect: unsupported('DescribeSnapshot') },
  describeUser: {
    call: async (c) => {
      await userAndRole(c, 'u_describe', 'r_of_describe');
      await c.addUserToRole({ username: 'u_describe', roleName: 'r_of_describe' });
      return c.describeUser({ username: 'u_describe' });
    },
    expect: {
      check: (r) =>
        expect(r.results).toEqual([{ user: { name: 'u_describe' }, roles: [{ name: 'r_of_describe', description: '' }], description: '' }]),
    },
  },
  dropAlias: { call: (c) => c.dropAlias({ alias: 'al' }), expect: 'ok' },
  // Lists the groups (only the default one, which it never drops).
  dropAllResourceGroups: { call: (c) => c.dropAllResourceGroups(), expect: { check: (r) => expect(r).toEqual([]) } },
  // Lists the roles, revokes each one's grants and drops it: all but the built-in admin and public.
  dropAllRoles: {
    call: async (c) => {
      await userAndRole(c, undefined, 'r_drop_all');
      await c.grantPrivilege({ roleName: 'r_drop_all', object: RbacObjects.Collection, objectName: C, privilegeName: 'Query' });
      const dropped = await c.dropAllRoles();
      return { dropped, left: (await c.listRoles()).results.map((r) => r.role.name) };
    },
    expect: {
      check: ({ dropped, left }) => {
        expect(left).toEqual(['admin', 'public']);
        expect(dropped.filter((s: any) => s.code !== 0).map((s: any) => s.reason)).toEqual([
          "the role[admin] is a default role, which can't be dropped: privilege not permitted",
          "the role[public] is a default role, which can't be dropped: privilege not permitted",
        ]);
      },
    },
  },
  dropCollection: {
    call: async (c) => {
      await own(c, 'dropped');
      return c.dropCollection({ collection_name: 'dropped' });
    },
    expect: 'ok',
  },
  dropCollectionField: {
    call: (c) => c.dropCollectionField({ collection_name: C, field_name: 'extra' }),
    expect: dropFieldRefused,
  },
  dropCollectionFunction: {
    call: (c) => c.dropCollectionFunction({ collection_name: C, function_name: 'bm25' }),
    expect: unsupported('DropCollectionFunction'),
  },
  dropCollectionProperties: {
    call: (c) => c.dropCollectionProperties({ collection_name: S, properties: ['collection.ttl.seconds'] }),
    expect: 'ok',
  },
  dropDatabase: { call: (c) => c.dropDatabase({ db_name: 'other' }), expect: 'ok' },
  dropDatabaseProperties: {
    call: (c) => c.dropDatabaseProperties({ db_name: 'default', properties: ['database.max.collections'] }),
    expect: 'ok',
  },
  dropFunctionField: {
    call: (c) => c.dropFunctionField({ collection_name: C, function_name: 'bm25' }),
    expect: dropFieldRefused,
  },
  dropIndex: {
    call: async (c) => {
      await own(c, 'unindexed');
      expect((await c.releaseCollection({ collection_name: 'unindexed' })).error_code).toBe('Success');
      return c.dropIndex({ collection_name: 'unindexed' });
    },
    expect: 'ok',
  },
  dropIndexProperties: {
    call: (c) => c.dropIndexProperties({ collection_name: C, index_name: 'v', properties: ['mmap.enabled'] }),
    expect: unsupported('AlterIndex'),
  },
  dropPartition: {
    call: async (c) => {
      await own(c, 'partitioned');
      expect((await c.createPartition({ collection_name: 'partitioned', partition_name: 'gone' })).error_code).toBe('Success');
      // Created in a loaded collection, it starts loaded; Milvus drops only released partitions.
      expect((await c.releasePartitions({ collection_name: 'partitioned', partition_names: ['gone'] })).error_code).toBe('Success');
      return c.dropPartition({ collection_name: 'partitioned', partition_name: 'gone' });
    },
    expect: 'ok',
  },
  dropPrivilegeGroup: { call: (c) => c.dropPrivilegeGroup({ group_name: 'pg' }), expect: unsupported('DropPrivilegeGroup') },
  dropResourceGroup: { call: (c) => c.dropResourceGroup({ resource_group: 'rg' }), expect: unsupported('DropResourceGroup') },
  dropRole: {
    call: async (c) => {
      await userAndRole(c, undefined, 'r_drop');
      return c.dropRole({ roleName: 'r_drop' });
    },
    expect: 'ok',
  },
  dropSnapshot: { call: (c) => c.dropSnapshot(snapshot), expect: unsupported('DropSnapshot') },
  flush: { call: (c) => c.flush({ collection_names: [S] }), expect: 'ok' },
  flushAll: { call: (c) => c.flushAll(), expect: 'ok' },
  // Polls GetFlushAllState until flushed.
  flushAllSync: {
    call: (c) => c.flushAllSync(),
    expect: { check: (r) => expect([r.status.error_code, r.flushed]).toEqual(['Success', true]) },
  },
  // Polls GetFlushState until flushed.
  flushSync: {
    call: (c) => c.flushSync({ collection_names: [S] }),
    expect: { check: (r) => expect([r.status.error_code, r.flushed]).toEqual(['Success', true]) },
  },
  get: {
    call: (c) => c.get({ collection_name: C, ids: [3], output_fields: ['id'] }),
    expect: { check: (r) => expect(r.data.map((x: any) => Number(x.id))).toEqual([3]) },
  },
  getCollectionStatistics: {
    call: (c) => c.getCollectionStatistics({ collection_name: C }),
    expect: { check: (r) => expect(Number(r.data.row_count)).toBe(ROWS) },
  },
  // An id nobody handed out reads as Completed with no plan, as in Milvus.
  getCompactionState: {
    call: (c) => c.getCompactionState({ compactionID: 987654 }),
    expect: {
      check: (r) =>
        expect([r.status.error_code, r.state, r.executingPlanNo, r.completedPlanNo]).toEqual(['Success', 'Completed', '0', '0']),
    },
  },
  getCompactionStateWithPlans: {
    call: (c) => c.getCompactionStateWithPlans({ compactionID: 987654 }),
    expect: { check: (r) => expect([r.status.error_code, r.state, r.mergeInfos]).toEqual(['Success', 'Completed', []]) },
  },
  getFlushAllState: {
    call: async (c) => c.getFlushAllState({ flush_all_ts: (await c.flushAll()).flush_all_ts }),
    expect: { check: (r) => expect([r.status.error_code, r.flushed]).toEqual(['Success', true]) },
  },
  getFlushState: { call: (c) => c.getFlushState({ segmentIDs: [] }), expect: 'ok' },
  getImportState: { call: (c) => c.getImportState({ task: 1 }), expect: unsupported('GetImportState') },
  getIndexBuildProgress: { call: (c) => c.getIndexBuildProgress({ collection_name: C, index_name: 'v' }), expect: 'ok' },
  getIndexState: { call: (c) => c.getIndexState({ collection_name: C }), expect: 'ok' },
  getIndexStatistics: {
    call: (c) => c.getIndexStatistics({ collection_name: C }),
    expect: { check: (r) => expect(r.index_descriptions.map((d: any) => d.field_name)).toEqual(['v']) },
  },
  getLoadState: { call: (c) => c.getLoadState({ collection_name: C }), expect: 'ok' },
  getLoadingProgress: { call: (c) => c.getLoadingProgress({ collection_name: C }), expect: 'ok' },
  getMetric: { call: (c) => c.getMetric({ request: { metric_type: 'system_info' } }), expect: 'ok' },
  getPartitionStatistics: { call: (c) => c.getPartitionStatistics({ collection_name: C, partition_name: '_default' }), expect: 'ok' },
  getPersistentSegmentInfo: {
    call: (c) => c.getPersistentSegmentInfo({ collectionName: C }),
    expect: {
      check: (r) =>
        expect([r.status.error_code, r.infos.map((i: any) => [i.num_rows, i.state])]).toEqual(['Success', [[String(ROWS), 'Flushed']]]),
    },
  },
  getPkField: { call: (c) => c.getPkField({ collection_name: C }), expect: { check: (r) => expect(r.name).toBe('id') } },
  getPkFieldName: { call: (c) => c.getPkFieldName({ collection_name: C }), expect: { check: (r) => expect(r).toBe('id') } },
  getPkFieldType: { call: (c) => c.getPkFieldType({ collection_name: C }), expect: { check: (r) => expect(r).toBe('Int64') } },
  getQuerySegmentInfo: {
    call: (c) => c.getQuerySegmentInfo({ collectionName: C }),
    expect: {
      check: (r) =>
        expect([r.status.error_code, r.infos.map((i: any) => [i.num_rows, i.state])]).toEqual(['Success', [[String(ROWS), 'Sealed']]]),
    },
  },
  getRefreshExternalCollectionProgress: {
    call: (c) => c.getRefreshExternalCollectionProgress({ job_id: 1 }),
    expect: unsupported('GetRefreshExternalCollectionProgress'),
  },
  // One replica over the writer (2, leading the shard) and the two readers.
  getReplicas: {
    call: async (c) => {
      const id = (await c.describeCollection({ collection_name: C })).collectionID;
      return { id, res: await c.getReplicas({ collectionID: id }) };
    },
    expect: {
      check: ({ id, res }) => {
        expect(res.status.error_code).toBe('Success');
        expect(res.replicas.map((r: any) => [r.collectionID, r.node_ids, r.resource_group_name, r.shard_replicas[0].leaderID])).toEqual([
          [id, ['2', '3', '4'], '__default_resource_group', '2'],
        ]);
      },
    },
  },
  getReplicateConfiguration: { call: (c) => c.getReplicateConfiguration(), expect: unsupported('GetReplicateConfiguration') },
  getRestoreSnapshotState: { call: (c) => c.getRestoreSnapshotState({ job_id: 1 }), expect: unsupported('GetRestoreSnapshotState') },
  getVersion: { call: (c) => c.getVersion(), expect: 'ok' },
  grantPrivilege: {
    call: async (c) => {
      await userAndRole(c, undefined, 'r_grant');
      return c.grantPrivilege({ roleName: 'r_grant', object: RbacObjects.Collection, objectName: C, privilegeName: 'Search' });
    },
    expect: 'ok',
  },
  grantPrivilegeV2: {
    call: async (c) => {
      await userAndRole(c, undefined, 'r_grant_v2');
      return c.grantPrivilegeV2({ role: 'r_grant_v2', privilege: 'Search', db_name: 'default', collection_name: C });
    },
    expect: 'ok',
  },
  hasCollection: {
    call: (c) => c.hasCollection({ collection_name: C }),
    expect: { check: (r) => expect([r.status.error_code, r.value]).toEqual(['Success', true]) },
  },
  hasPartition: { call: (c) => c.hasPartition({ collection_name: C, partition_name: '_default' }), expect: 'ok' },
  // Lists the roles.
  hasRole: {
    call: async (c) => ({ builtin: await c.hasRole({ roleName: 'public' }), missing: await c.hasRole({ roleName: 'r_never' }) }),
    expect: { check: (r) => expect([r.builtin.hasRole, r.missing.hasRole]).toEqual([true, false]) },
  },
  insert: { call: (c) => c.insert({ collection_name: S, data: rows([100]) }), expect: 'ok' },
  listAliases: {
    call: (c) => c.listAliases({ collection_name: C }),
    expect: { check: (r) => expect([r.status.error_code, r.aliases]).toEqual(['Success', []]) },
  },
  listDatabases: {
    call: (c) => c.listDatabases(),
    expect: { check: (r) => expect([r.status.error_code, r.db_names]).toEqual(['Success', ['default']]) },
  },
  listFileResources: { call: (c) => c.listFileResources(), expect: unsupported('ListFileResources') },
  listGrants: {
    call: async (c) => {
      await userAndRole(c, undefined, 'r_list_grants');
      await c.grantPrivilege({ roleName: 'r_list_grants', object: RbacObjects.Collection, objectName: C, privilegeName: 'Load' });
      return c.listGrants({ roleName: 'r_list_grants' });
    },
    // Granting Load grants what Milvus relates to it.
    expect: {
      check: (r) =>
        expect(r.entities.map((e: any) => [e.object.name, e.object_name, e.db_name, e.grantor.privilege.name]).sort()).toEqual([
          ['Collection', C, 'default', 'GetLoadState'],
          ['Collection', C, 'default', 'GetLoadingProgress'],
          ['Collection', C, 'default', 'Load'],
        ]),
    },
  },
  listImportTasks: { call: (c) => c.listImportTasks({ collection_name: C }), expect: unsupported('ListImportTasks') },
  listIndexes: {
    call: (c) => c.listIndexes({ collection_name: C }),
    expect: { check: (r) => expect([r.status.error_code, r.indexes]).toEqual(['Success', ['v']]) },
  },
  listPartitions: { call: (c) => c.listPartitions({ collection_name: C }), expect: 'ok' },
  listPrivilegeGroups: { call: (c) => c.listPrivilegeGroups(), expect: unsupported('ListPrivilegeGroups') },
  listRefreshExternalCollectionJobs: {
    call: (c) => c.listRefreshExternalCollectionJobs(),
    expect: unsupported('ListRefreshExternalCollectionJobs'),
  },
  listResourceGroups: {
    call: (c) => c.listResourceGroups(),
    expect: { check: (r) => expect([r.status.error_code, r.resource_groups]).toEqual(['Success', ['__default_resource_group']]) },
  },
  listRestoreSnapshotJobs: { call: (c) => c.listRestoreSnapshotJobs(), expect: unsupported('ListRestoreSnapshotJobs') },
  listRoles: { call: (c) => c.listRoles(), expect: 'ok' },
  listSnapshots: { call: (c) => c.listSnapshots({ collection_name: C }), expect: unsupported('ListSnapshots') },
  listUsers: { call: (c) => c.listUsers(), expect: 'ok' },
  loadBalance: { call: (c) => c.loadBalance({ src_nodeID: 3 }), expect: unsupported('LoadBalance') },
  // Polls GetLoadingProgress until 100.
  loadCollection: { call: (c) => c.loadCollection({ collection_name: C }), expect: 'ok' },
  loadCollectionAsync: { call: (c) => c.loadCollectionAsync({ collection_name: C }), expect: 'ok' },
  loadPartitions: { call: (c) => c.loadPartitions({ collection_name: C, partition_names: ['_default'] }), expect: 'ok' },
  // Polls GetLoadingProgress until 100.
  loadPartitionsSync: { call: (c) => c.loadPartitionsSync({ collection_name: C, partition_names: ['_default'] }), expect: 'ok' },
  pinSnapshotData: { call: (c) => c.pinSnapshotData(snapshot), expect: unsupported('PinSnapshotData') },
  query: {
    call: (c) => c.query({ collection_name: C, filter: 'id < 3', output_fields: ['id'] }),
    expect: { check: (r) => expect(r.data.map((x: any) => Number(x.id))).toEqual([0, 1, 2]) },
  },
  // Counts, then pages through Query by primary key.
  queryIterator: {
    call: async (c) => {
      const ids: number[] = [];
      for await (const batch of await c.queryIterator({ collection_name: C, batchSize: 4, output_fields: ['id'] }))
        ids.push(...batch.map((x: any) => Number(x.id)));
      return ids;
    },
    expect: { check: (ids) => expect(ids.sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: ROWS }, (_, i) => i)) },
  },
  refreshExternalCollection: {
    call: (c) => c.refreshExternalCollection({ collection_name: C }),
    expect: unsupported('RefreshExternalCollection'),
  },
  // LoadCollection with refresh.
  refreshLoad: { call: (c) => c.refreshLoad({ collection_name: C }), expect: 'ok' },
  releaseCollection: {
    call: async (c) => {
      await own(c, 'released');
      return c.releaseCollection({ collection_name: 'released' });
    },
    expect: 'ok',
  },
  releasePartitions: {
    call: async (c) => {
      await own(c, 'partly');
      return c.releasePartitions({ collection_name: 'partly', partition_names: ['_default'] });
    },
    expect: 'ok',
  },
  removeFileResource: { call: (c) => c.removeFileResource({ name: 'dict' }), expect: unsupported('RemoveFileResource') },
  removePrivilegesFromGroup: {
    call: (c) => c.removePrivilegesFromGroup({ group_name: 'pg', privileges: ['Query'] }),
    expect: unsupported('OperatePrivilegeGroup'),
  },
  removeUserFromRole: {
    call: async (c) => {
      await userAndRole(c, 'u_remove', 'r_remove');
      await c.addUserToRole({ username: 'u_remove', roleName: 'r_remove' });
      return c.removeUserFromRole({ username: 'u_remove', roleName: 'r_remove' });
    },
    expect: 'ok',
  },
  renameCollection: {
    call: async (c) => {
      await own(c, 'torename');
      return c.renameCollection({ collection_name: 'torename', new_collection_name: 'renamed' });
    },
    expect: 'ok',
  },
  restoreRBAC: { call: (c) => c.restoreRBAC({ meta: {} } as any), expect: unsupported('RestoreRBAC') },
  restoreSnapshot: {
    call: (c) => c.restoreSnapshot({ snapshot_name: 'snap', source_collection_name: C, target_collection_name: 'restored' }),
    expect: unsupported('RestoreSnapshot'),
  },
  revokePrivilege: {
    call: async (c) => {
      await userAndRole(c, undefined, 'r_revoke');
      return c.revokePrivilege({ roleName: 'r_revoke', object: RbacObjects.Collection, objectName: C, privilegeName: 'Search' });
    },
    expect: 'ok',
  },
  revokePrivilegeV2: {
    call: async (c) => {
      await userAndRole(c, undefined, 'r_revoke_v2');
      return c.revokePrivilegeV2({ role: 'r_revoke_v2', privilege: 'Search', db_name: 'default', collection_name: C });
    },
    expect: 'ok',
  },
  runAnalyzer: {
    call: (c) => c.runAnalyzer({ text: 'Hello world', analyzer_params: { tokenizer: 'standard' } }),
    expect: {
      check: (r) =>
        expect([r.status.error_code, r.results[0].tokens.map((t: { token: string }) => t.token)]).toEqual(['Success', ['Hello', 'world']]),
    },
  },
  search: {
    call: (c) => c.search({ collection_name: C, data: vec(4), limit: 3 }),
    expect: { check: (r) => expect([r.status.error_code, r.results[0].id]).toEqual(['Success', '4']) },
  },
  // Counts, then pages through Search with iterator v2 tokens and last bounds.
  searchIterator: {
    call: async (c) => {
      const ids: number[] = [];
      for await (const batch of await c.searchIterator({ collection_name: C, data: vec(4), batchSize: 3 }))
        ids.push(...batch.map((x: any) => Number(x.id)));
      return ids;
    },
    expect: {
      check: (ids) => {
        expect(ids[0]).toBe(4);
        expect([...ids].sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: ROWS }, (_, i) => i));
      },
    },
  },
  selectGrant: {
    call: async (c) => {
      await userAndRole(c, undefined, 'r_select_grant');
      await c.grantPrivilege({ roleName: 'r_select_grant', object: RbacObjects.Collection, objectName: C, privilegeName: 'Query' });
      return c.selectGrant({ roleName: 'r_select_grant', object: RbacObjects.Collection, objectName: C });
    },
    expect: { check: (r) => expect(r.entities.map((e: any) => e.grantor.privilege.name)).toEqual(['Query']) },
  },
  showCollections: { call: (c) => c.showCollections(), expect: { check: (r) => expect(r.data.map((x: any) => x.name)).toContain(C) } },
  transferNode: {
    call: (c) => c.transferNode({ source_resource_group: '__default_resource_group', target_resource_group: 'rg', num_node: 1 }),
    expect: unsupported('TransferNode'),
  },
  transferReplica: {
    call: (c) =>
      c.transferReplica({
        source_resource_group: '__default_resource_group',
        target_resource_group: 'rg',
        collection_name: C,
        num_replica: 1,
      }),
    expect: unsupported('TransferReplica'),
  },
  truncateCollection: { call: (c) => c.truncateCollection({ collection_name: S }), expect: 'ok' },
  unpinSnapshotData: { call: (c) => c.unpinSnapshotData({ pin_id: 1 }), expect: unsupported('UnpinSnapshotData') },
  updateReplicateConfiguration: {
    call: (c) => c.updateReplicateConfiguration({ clusters: [] }),
    expect: unsupported('UpdateReplicateConfiguration'),
  },
  updateResourceGroups: { call: (c) => c.updateResourceGroups({ resource_groups: {} }), expect: unsupported('UpdateResourceGroups') },
  updateUser: {
    call: async (c) => {
      await userAndRole(c, 'u_update');
      return c.updateUser({ username: 'u_update', oldPassword: PASSWORD, newPassword: 'password2' });
    },
    expect: 'ok',
  },
  upsert: { call: (c) => c.upsert({ collection_name: S, data: rows([3]) }), expect: 'ok' },
};

/** Client methods not called above, and why. */
const NOT_CALLED: Record<string, string> = {
  // Connection lifecycle and plumbing: no request of their own.
  connect: 'run by the constructor (Connect): checked in "connects" below',
  closeConnection: 'ends the client (afterAll)',
  _getServerInfo: 'the Connect step of connect',
  applyServerInfo: 'applies the Connect reply locally',
  checkCompatibility: 'local check of the Connect outcome',
  createChannelPool: 'channel plumbing',
  createTelemetryClient: 'channel plumbing',
  replaceTelemetryClient: 'channel plumbing',
  disposeChannelPool: 'channel plumbing',
  metadataListener: 'adds headers to outgoing calls',
  isLifecycleCurrent: 'local bookkeeping',
  getCollectionInfoCacheKey: 'local cache of DescribeCollection',
  invalidateCollectionInfo: 'local cache of DescribeCollection',
  normalizeFieldOps: 'local validation of upsert arguments',
  use: 'switches the database locally (a header on later calls)',
  session: "a view of the client pinned to a Zilliz cluster id; its calls are the client's",
  getTelemetry: "the client's telemetry manager",
  sendTelemetryHeartbeat: 'ClientTelemetryService, not MilvusService (the SDK backs off when it is unimplemented)',
  // Zilliz Cloud global clusters only (a topology endpoint over HTTP).
  _initGlobalConnection: 'global-cluster mode only',
  _attachFailoverHandler: 'global-cluster mode only',
  reconnectToPrimary: 'global-cluster mode only',
  // Internal steps of public methods, exercised through them.
  _createCollection: 'step of createCollection',
  _createIndex: 'step of createIndex',
  _insert: 'step of insert and upsert',
  _delete: 'step of delete',
  _deleteEntities: 'step of deleteEntities',
  _query: 'step of query',
  _search: 'step of search',
  callAlterCollectionSchema: 'step of alterCollectionSchema and the field methods',
};

/** Every method of MilvusClient, from its prototype chain. */
function clientMethods(): string[] {
  const names = new Set<string>();
  for (let p = MilvusClient.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(p, name)!.value === 'function') names.add(name);
    }
  }
  return [...names].sort();
}

/** Where a result keeps its status: `status`, `alter_status`, or the result itself. */
function statusOf(result: any): any {
  return result?.status ?? result?.alter_status ?? (result && 'error_code' in result ? result : undefined);
}

/** Rejects if `promise` is not settled within `ms` (polling helpers must not hang the suite). */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms)),
  );
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

let dir: string;
let cluster: MishardsProcess;
let client: MilvusClient;
let raw: RawMilvus;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-surface-'));
  cluster = await startMishards(['up', '--readers', '2', ...onFreePorts(dir), '--meta', `sqlite:${join(dir, 'meta.sqlite')}`]);
  client = await connectSdk(cluster.addresses.grpc!, 15_000);
  raw = new RawMilvus(cluster.addresses.grpc!);
  for (const name of [C, S]) {
    const created = await client.createCollection({
      collection_name: name,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
      consistency_level: 'Strong',
    });
    expect(created.error_code).toBe('Success');
    expect((await client.createIndex({ collection_name: name, field_name: 'v', index_type: 'FLAT', metric_type: 'L2' })).error_code).toBe(
      'Success',
    );
    await client.loadCollectionSync({ collection_name: name });
    expect((await client.insert({ collection_name: name, data: rows(Array.from({ length: ROWS }, (_, i) => i)) })).status.error_code).toBe(
      'Success',
    );
    await client.flushSync({ collection_names: [name] });
  }
});

afterAll(async () => {
  raw?.close();
  await client?.closeConnection();
  if (cluster) expect(await cluster.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

describe('every MilvusClient method through the coordinator', () => {
  it('lists each client method either with a request or with a reason not to call it', () => {
    const methods = clientMethods();
    const listed = [...Object.keys(CASES), ...Object.keys(NOT_CALLED)].sort();
    expect(listed).toEqual(methods);
  });

  it('connects (Connect answers with an identifier)', () => {
    expect((client as any).connectStatus).toBe(CONNECT_STATUS.CONNECTED);
  });

  for (const [name, { call, expect: wanted }] of Object.entries(CASES)) {
    it(`${name}: ${wanted === 'ok' ? 'works' : 'unsupported' in wanted ? `${wanted.unsupported} unsupported` : 'works'}`, async () => {
      const result = await within(30_000, name, call(client));
      if (typeof wanted === 'object' && 'check' in wanted) return wanted.check(result);
      const status = statusOf(result);
      if (wanted === 'ok') {
        expect(status, JSON.stringify(result)).toMatchObject({ error_code: 'Success', code: 0 });
      } else {
        expect(status).toMatchObject({
          error_code: 'UnexpectedError',
          code: 10,
          reason: `${wanted.unsupported} is not supported by Mishards`,
        });
      }
    });
  }
});

describe('GetMetrics and resource groups through the coordinator', () => {
  it('describes the cluster as Milvus system_info: coordinator, writer and readers with their groups', async () => {
    const m: any = await client.getMetric({ request: { metric_type: 'system_info' } });
    expect(m.status.error_code).toBe('Success');
    expect(m.component_name).toBe('proxy1');
    const nodes: any[] = m.response.nodes_info;
    expect(nodes.map((n) => [n.identifier, n.infos.type, n.infos.name, n.infos.mishards.kind, n.infos.mishards.group])).toEqual([
      [1, 'proxy', 'proxy1', 'coordinator', undefined],
      [2, 'datanode', 'datanode2', 'writer', undefined],
      [3, 'querynode', 'querynode3', 'reader', 'g1'],
      [4, 'querynode', 'querynode4', 'reader', 'g2'],
    ]);
    expect(nodes[0].connected).toEqual([
      { connected_identifier: 2, type: 'forward', target_type: 'datanode' },
      { connected_identifier: 3, type: 'manage', target_type: 'querynode' },
      { connected_identifier: 4, type: 'manage', target_type: 'querynode' },
    ]);
    for (const { infos } of nodes) {
      expect(infos).toMatchObject({
        has_error: false,
        error_reason: '',
        id: expect.any(Number),
        system_info: { deploy_mode: 'DISTRIBUTED' },
      });
      expect(infos.hardware_infos.ip).toMatch(/:\d+$/);
      expect(infos.hardware_infos.cpu_core_count).toBeGreaterThan(0);
      expect(infos.hardware_infos.memory).toBeGreaterThan(0);
      expect(infos.hardware_infos.memory_usage).toBeGreaterThan(0);
      expect(infos.quota_metrics.Hms).toEqual(infos.hardware_infos);
      expect(new Date(infos.created_time).getTime()).toBeLessThanOrEqual(Date.now());
    }
    // The data nodes report their disk and the collections they hold; the writer holds them all.
    expect(nodes[1].infos.hardware_infos.disk).toBeGreaterThan(0);
    const ids = await Promise.all(
      [C, S].map(async (name) => Number((await client.describeCollection({ collection_name: name })).collectionID)),
    );
    expect(nodes[1].infos.quota_metrics.Effect.CollectionIDs).toEqual(expect.arrayContaining(ids));
  });

  it("answers an unknown metric type and a request that is not JSON with Milvus's errors", async () => {
    const unknown: any = await client.getMetric({ request: { metric_type: 'system_statistics' } });
    expect(unknown.status).toMatchObject({ code: 1200, reason: 'metric not found[metric=system_statistics]' });
    expect(unknown.response).toEqual({});
    const garbled = await raw.call('GetMetrics', { request: 'not json' });
    expect(garbled.status.code).toBe(1100);
    expect(garbled.status.reason).toMatch(/^failed to decode the request/);
    const missing = await raw.call('GetMetrics', { request: '{}' });
    expect(missing.status.reason).toBe('metric_type not found in request');
  });

  it('lists the default resource group and describes the readers in it', async () => {
    const group: any = await client.describeResourceGroup({ resource_group: '__default_resource_group' });
    expect(group.status.error_code).toBe('Success');
    expect(group.resource_group.num_available_node).toBe(2);
    expect(group.resource_group.nodes.map((n: any) => n.node_id)).toEqual(['3', '4']);
    expect(group.resource_group.num_loaded_replica).toMatchObject({ [C]: 1, [S]: 1 });
    const other: any = await client.describeResourceGroup({ resource_group: 'rg' });
    expect(other.status).toMatchObject({ code: 300, reason: 'resource group not found[rg=rg]' });
  });
});

describe('FlushAll', () => {
  it('reports rows written before a timestamp as flushed only once they are persisted', async () => {
    expect((await client.insert({ collection_name: S, data: rows([200]) })).status.error_code).toBe('Success');
    // A hybrid timestamp (ms << 18) a moment after the insert; uint64 travels as a decimal string
    // (the SDK's type says number).
    const afterInsert = String(BigInt(Date.now() + 1) << 18n) as unknown as number;
    expect((await client.getFlushAllState({ flush_all_ts: afterInsert })).flushed).toBe(false);
    const before = Date.now();
    const flushed = await client.flushAll();
    // Its timestamp is the time it started.
    expect(Number(BigInt(flushed.flush_all_ts) >> 18n)).toBeGreaterThanOrEqual(before);
    expect(Number(BigInt(flushed.flush_all_ts) >> 18n)).toBeLessThanOrEqual(Date.now());
    expect((await client.getFlushAllState({ flush_all_ts: flushed.flush_all_ts })).flushed).toBe(true);
    expect((await client.getFlushAllState({ flush_all_ts: afterInsert })).flushed).toBe(true);
  });
});

describe('failures keep the fields the SDK reads anyway', () => {
  it('get and delete by ids on a missing collection end with its status, not inside the SDK', async () => {
    const got = await client.get({ collection_name: 'missing', ids: [1] });
    expect(got.status).toMatchObject({ code: 100, reason: 'collection not found[collection=missing]' });
    const deleted = await client.delete({ collection_name: 'missing', ids: [1] });
    expect(deleted.status).toMatchObject({ code: 100, reason: 'collection not found[collection=missing]' });
  });
});

describe('replies the SDK never asks for', () => {
  it('ends streaming methods with UNIMPLEMENTED naming them, on the coordinator and the writer alike', async () => {
    const client = new MilvusService(cluster.addresses.grpc!, grpc.credentials.createInsecure()) as any;
    try {
      const stream = client.DumpMessages({}, { deadline: Date.now() + 10_000 });
      stream.on('data', () => undefined);
      const err: any = await new Promise((resolve) => stream.on('error', resolve));
      expect([err.code, err.details]).toEqual([grpc.status.UNIMPLEMENTED, 'DumpMessages is not supported by Mishards']);
    } finally {
      client.close();
    }
  });

  it('fails unary methods whose response has no status field with UNIMPLEMENTED', async () => {
    await expect(raw.call('Dummy', { request_type: 'x' })).rejects.toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
      details: 'Dummy is not supported by Mishards',
    });
  });
});

describe('GetMetrics on a standalone writer', () => {
  let wdir: string;
  let writer: MishardsProcess;
  let wclient: MilvusClient;

  beforeAll(async () => {
    wdir = mkdtempSync(join(tmpdir(), 'mishards-surface-w-'));
    writer = await startMishards(['writer', ...onFreePorts(wdir)]);
    wclient = await connectSdk(writer.addresses.grpc!, 15_000);
  });

  afterAll(async () => {
    await wclient?.closeConnection();
    if (writer) expect(await writer.stop()).toBe(0);
    rmSync(wdir, { recursive: true, force: true });
  });

  it('describes itself as the whole deployment', async () => {
    const m: any = await wclient.getMetric({ request: { metric_type: 'system_info' } });
    expect(m.component_name).toBe('standalone1');
    const nodes: any[] = m.response.nodes_info;
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({
      identifier: 1,
      connected: [],
      infos: {
        type: 'standalone',
        name: 'standalone1',
        has_error: false,
        hardware_infos: { ip: writer.addresses.grpc },
        system_info: { deploy_mode: 'STANDALONE' },
        mishards: { kind: 'writer' },
      },
    });
    const group: any = await wclient.describeResourceGroup({ resource_group: '__default_resource_group' });
    expect(group.resource_group.nodes).toEqual([{ node_id: '1', address: writer.addresses.grpc, hostname: '127.0.0.1' }]);
  });
});

describe('GetMetrics with a reader down', () => {
  const cluster = new TestCluster();

  beforeAll(() =>
    cluster.start(
      [
        { name: 'ra', group: 'ga' },
        { name: 'rb', group: 'gb' },
      ],
      100,
    ),
  );
  afterAll(() => cluster.stop());

  it('lists the reader that does not answer with the error, and drops it from the resource group', async () => {
    await cluster.readers.get('rb')!.process.kill();
    const m: any = await cluster.client.getMetric({ request: { metric_type: 'system_info' } });
    const readers = m.response.nodes_info.filter((n: any) => n.infos.type === 'querynode').map((n: any) => n.infos);
    expect(readers.map((r: any) => [r.mishards.name, r.has_error])).toEqual([
      ['ra', false],
      ['rb', true],
    ]);
    expect(readers[1].error_reason).toMatch(/^unreachable: /);
    expect(readers[1].hardware_infos).toMatchObject({ ip: cluster.readers.get('rb')!.process.addresses.grpc, cpu_core_count: 0 });
    // Placement notices on its next pass.
    await cluster.until('the group lists only the live reader', async () => {
      const group: any = await cluster.client.describeResourceGroup({ resource_group: '__default_resource_group' });
      return group.resource_group.num_available_node === 1;
    });
    const group: any = await cluster.client.describeResourceGroup({ resource_group: '__default_resource_group' });
    expect(group.resource_group.nodes.map((n: any) => n.address)).toEqual([cluster.readers.get('ra')!.process.addresses.grpc]);
  });
});

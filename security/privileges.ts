/**
 * Milvus's privilege catalogue: the object types, the privileges valid on each, the built-in
 * privilege groups, and what each request needs. Privileges have two spellings, as in Milvus:
 * the API's (`Search`, `ReadOnly`) and the metastore's (`PrivilegeSearch`,
 * `PrivilegeGroupReadOnly`); grants are kept and checked in the metastore's.
 *
 * What a request needs is read from the protocol itself: every request message of
 * MilvusService carries a `common.privilege_ext_obj` option naming its object type, privilege
 * and the field holding the object's name, which is what Milvus's privilege interceptor reads.
 */
import protobuf from 'protobufjs';
import { milvusRoot } from '../milvus/proto.js';

export type ObjectType = 'Collection' | 'Global' | 'User';
export const OBJECT_TYPES: readonly ObjectType[] = ['Collection', 'Global', 'User'];

/** `*`: any object name, or any privilege. */
export const ANY = '*';

const PRIVILEGE = 'Privilege';
const GROUP = 'PrivilegeGroup';
const DEFINED = new Set(Object.keys(milvusRoot.lookupEnum('milvus.proto.common.ObjectPrivilege').values));

/** The metastore name of an API privilege or group name (`Search` -> `PrivilegeSearch`), or '' if undefined. */
export function metastoreName(apiName: string): string {
  if (DEFINED.has(PRIVILEGE + apiName)) return PRIVILEGE + apiName;
  if (DEFINED.has(GROUP + apiName)) return GROUP + apiName;
  return '';
}

/** The API name of a metastore privilege name (`PrivilegeGroupReadOnly` -> `ReadOnly`). */
export function apiName(name: string): string {
  if (name.startsWith(GROUP)) return name.slice(GROUP.length);
  if (name.startsWith(PRIVILEGE)) return name.slice(PRIVILEGE.length);
  return name;
}

const named = (names: string) => names.split(' ').map((n) => metastoreName(n));

/** The privileges (and groups) each object type takes in OperatePrivilege (Milvus's util.ObjectPrivileges). */
const OBJECT_PRIVILEGES: Record<ObjectType, ReadonlySet<string>> = {
  Collection: new Set(
    named(
      'Load Release Compaction Insert Delete Upsert GetStatistics CreateIndex IndexDetail DropIndex Search Flush Query ' +
        'LoadBalance Import GetLoadingProgress GetLoadState CreatePartition DropPartition ShowPartitions HasPartition ' +
        'GetFlushState ReadOnly ReadWrite',
    ),
  ),
  Global: new Set(
    named(
      'All CreateCollection DropCollection DescribeCollection ShowCollections RenameCollection CreateOwnership ' +
        'DropOwnership SelectOwnership ManageOwnership BackupRBAC RestoreRBAC CreateResourceGroup UpdateResourceGroups ' +
        'DropResourceGroup DescribeResourceGroup ListResourceGroups TransferReplica TransferNode FlushAll CreateDatabase ' +
        'DropDatabase ListDatabases AlterDatabase DescribeDatabase CreateAlias DropAlias DescribeAlias ListAliases Admin ' +
        'CreatePrivilegeGroup DropPrivilegeGroup ListPrivilegeGroups OperatePrivilegeGroup ClusterReadOnly ' +
        'ClusterReadWrite ClusterAdmin DatabaseReadOnly DatabaseReadWrite DatabaseAdmin CollectionReadOnly ' +
        'CollectionReadWrite CollectionAdmin',
    ),
  ),
  User: new Set(named('UpdateUser SelectUser')),
};

/** Whether `privilege` (metastore name) may be granted on objects of `type`. */
export const validOn = (type: ObjectType, privilege: string) => OBJECT_PRIVILEGES[type].has(privilege);

/** The object type a privilege belongs to (Milvus's util.GetObjectType): Global unless listed elsewhere. */
export function objectTypeOf(privilege: string): ObjectType {
  return OBJECT_TYPES.find((t) => t !== 'Global' && OBJECT_PRIVILEGES[t].has(privilege)) ?? 'Global';
}

const READ_ONLY = 'Query Search IndexDetail GetFlushState GetLoadState GetLoadingProgress HasPartition ShowPartitions';
const COLLECTION_READ_ONLY = `${READ_ONLY} DescribeCollection DescribeAlias GetStatistics ListAliases`;
const COLLECTION_READ_WRITE = `${COLLECTION_READ_ONLY} Load Release Insert Delete Upsert Import Flush Compaction LoadBalance CreateIndex DropIndex CreatePartition DropPartition`;
const DATABASE_READ_ONLY = 'ShowCollections DescribeDatabase';
const CLUSTER_READ_ONLY = 'ListDatabases SelectOwnership SelectUser DescribeResourceGroup ListResourceGroups ListPrivilegeGroups';
const CLUSTER_READ_WRITE = `${CLUSTER_READ_ONLY} FlushAll TransferNode TransferReplica UpdateResourceGroups`;

/**
 * The built-in privilege groups and what each holds: Milvus's ReadOnly, ReadWrite and Admin
 * (common.security.*Privileges defaults) and the RBAC v2 levels.
 */
const GROUPS: Record<string, ReadonlySet<string>> = Object.fromEntries(
  Object.entries({
    ReadOnly: `${READ_ONLY} ShowCollections ListAliases ListDatabases DescribeCollection DescribeDatabase DescribeAlias GetStatistics`,
    ReadWrite:
      `${READ_ONLY} ShowCollections ListAliases ListDatabases DescribeCollection DescribeDatabase DescribeAlias GetStatistics ` +
      'CreateIndex DropIndex CreatePartition DropPartition Load Release Insert Delete Upsert Import Flush Compaction ' +
      'LoadBalance RenameCollection CreateAlias DropAlias',
    Admin:
      'CreateCollection DropCollection Query Search IndexDetail GetFlushState GetLoadState GetLoadingProgress HasPartition ' +
      'ShowPartitions ShowCollections ListAliases ListDatabases DescribeCollection DescribeDatabase DescribeAlias ' +
      'GetStatistics CreateIndex DropIndex CreatePartition DropPartition Load Release Insert Delete Upsert Import Flush ' +
      'Compaction LoadBalance RenameCollection CreateAlias DropAlias CreateOwnership DropOwnership SelectOwnership ' +
      'ManageOwnership SelectUser UpdateUser BackupRBAC RestoreRBAC CreateResourceGroup UpdateResourceGroups ' +
      'DropResourceGroup DescribeResourceGroup ListResourceGroups TransferReplica TransferNode CreateDatabase ' +
      'DropDatabase AlterDatabase',
    CollectionReadOnly: COLLECTION_READ_ONLY,
    CollectionReadWrite: COLLECTION_READ_WRITE,
    CollectionAdmin: `${COLLECTION_READ_WRITE} CreateAlias DropAlias`,
    DatabaseReadOnly: DATABASE_READ_ONLY,
    DatabaseReadWrite: `${DATABASE_READ_ONLY} AlterDatabase`,
    DatabaseAdmin: `${DATABASE_READ_ONLY} AlterDatabase CreateCollection DropCollection`,
    ClusterReadOnly: CLUSTER_READ_ONLY,
    ClusterReadWrite: CLUSTER_READ_WRITE,
    ClusterAdmin:
      `${CLUSTER_READ_WRITE} BackupRBAC RestoreRBAC CreateDatabase DropDatabase CreateOwnership DropOwnership ` +
      'ManageOwnership CreateResourceGroup DropResourceGroup UpdateUser RenameCollection CreatePrivilegeGroup ' +
      'DropPrivilegeGroup OperatePrivilegeGroup',
  }).map(([group, members]) => [metastoreName(group), new Set(named(members))]),
);

/** The privileges of a built-in group (metastore names), or undefined for a single privilege. */
export const groupMembers = (privilege: string): ReadonlySet<string> | undefined => GROUPS[privilege];

/** Granting one of these grants the others too (Milvus's util.RelatedPrivileges). */
export const RELATED_PRIVILEGES: Readonly<Record<string, readonly string[]>> = {
  [metastoreName('Load')]: named('GetLoadState GetLoadingProgress'),
  [metastoreName('Flush')]: named('GetFlushState'),
};

/** The RBAC v2 level of an API privilege name, which decides the scope OperatePrivilegeV2 accepts. */
export function privilegeLevel(api: string): 'Cluster' | 'Database' | 'Collection' | undefined {
  const name = metastoreName(api);
  const inGroup = (group: string) => GROUPS[metastoreName(group)]!.has(name) || metastoreName(group) === name;
  if (['ClusterReadOnly', 'ClusterReadWrite', 'ClusterAdmin'].some(inGroup)) return 'Cluster';
  if (['DatabaseReadOnly', 'DatabaseReadWrite', 'DatabaseAdmin'].some(inGroup)) return 'Database';
  if (['CollectionReadOnly', 'CollectionReadWrite', 'CollectionAdmin'].some(inGroup)) return 'Collection';
  return undefined;
}

/** What a request needs: a privilege on objects of a type, named by the request (or `*`). */
export interface RequiredPrivilege {
  objectType: ObjectType;
  /** Metastore name, e.g. PrivilegeSearch. */
  privilege: string;
  /** The objects' names in a decoded request: one, or (object_name_indexs) a list that must all be permitted. */
  objects(request: Record<string, unknown>): { one: string } | { all: string[] };
}

const EXT = '(common.privilege_ext_obj).';

/** The privilege each MilvusService method requires; methods without the option require none. */
const REQUIRED = new Map<string, RequiredPrivilege>();
for (const method of milvusRoot.lookupService('milvus.proto.milvus.MilvusService').methodsArray) {
  method.resolve();
  const type = method.resolvedRequestType!;
  const options = type.options ?? {};
  const objectType = options[`${EXT}object_type`] as ObjectType | undefined;
  if (!objectType) continue;
  const index = Number(options[`${EXT}object_name_index`] ?? 0);
  const indexes = Number(options[`${EXT}object_name_indexs`] ?? 0);
  REQUIRED.set(method.name, {
    objectType,
    privilege: String(options[`${EXT}object_privilege`]),
    objects: indexes > 0 ? namesAt(type, indexes) : nameAt(type, index),
  });
}

/** GetObjectName: the string at a field number, or a message's first field; `*` when absent or empty. */
function nameAt(type: protobuf.Type, index: number): RequiredPrivilege['objects'] {
  const field = index > 0 ? type.fieldsById[index] : undefined;
  if (!field) return () => ({ one: ANY });
  field.resolve();
  const inner = field.resolvedType instanceof protobuf.Type ? field.resolvedType.fieldsById[1]?.name : undefined;
  return (request) => {
    const value = request[field.name];
    const name = inner ? (value as Record<string, unknown> | null)?.[inner] : value;
    return { one: typeof name === 'string' && name !== '' ? name : ANY };
  };
}

/** GetObjectNames: the strings of a repeated field. */
function namesAt(type: protobuf.Type, index: number): RequiredPrivilege['objects'] {
  const field = type.fieldsById[index]!;
  return (request) => ({ all: ((request[field.name] as unknown[] | undefined) ?? []).map(String) });
}

export const requiredPrivilege = (method: string): RequiredPrivilege | undefined => REQUIRED.get(method);

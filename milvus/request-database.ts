import type * as grpc from '@grpc/grpc-js';
import { DEFAULT_DATABASE } from '../meta/store.js';
import { milvusRoot } from './proto.js';

/**
 * The database a request works in, settled once where it enters (the Milvus service's
 * dispatch) as Milvus's proxy settles it (its DatabaseInterceptor): the request's own
 * `db_name` when set, else the database the client names in its `dbname` metadata header
 * (the SDK's `useDatabase` and its `database` option set it), else the default database.
 * Handlers then read `db_name` alone.
 */

/** The metadata header clients name their current database in. */
export const DATABASE_HEADER = 'dbname';

/**
 * Methods whose requests say their database otherwise: the database methods name the one they
 * act on; FlushAll and GetFlushAllState without one cover every database. Milvus's interceptor
 * leaves them alone too.
 */
const OWN_DATABASE = new Set([
  'CreateDatabase',
  'DropDatabase',
  'DescribeDatabase',
  'AlterDatabase',
  'ListDatabases',
  'FlushAll',
  'GetFlushAllState',
]);

/** The field naming the database in each other method's request (`dbName` in the segment-info calls). */
const DATABASE_FIELD = new Map<string, string>();
const service = milvusRoot.lookupService('milvus.proto.milvus.MilvusService');
for (const method of service.methodsArray) {
  if (OWN_DATABASE.has(method.name)) continue;
  method.resolve();
  const fields = method.resolvedRequestType!.fields;
  const field = ['db_name', 'dbName'].find((f) => fields[f]);
  if (field) DATABASE_FIELD.set(method.name, field);
}

/** The database the client's metadata names, or the default one. */
export function headerDatabase(metadata: grpc.Metadata): string {
  const [value] = metadata.get(DATABASE_HEADER);
  return (typeof value === 'string' && value) || DEFAULT_DATABASE;
}

/**
 * The database a request of `method` works in: its own database field when set, else the
 * client's metadata's. The database methods, FlushAll and GetFlushAllState (whose field names
 * what they act on, or nothing) work in the metadata's, as Milvus's privilege check reads it.
 */
export function requestDatabase(method: string, request: object, metadata: grpc.Metadata): string {
  const field = DATABASE_FIELD.get(method);
  const own = field ? (request as Record<string, unknown>)[field] : undefined;
  return (typeof own === 'string' && own) || headerDatabase(metadata);
}

/** Sets a decoded request's database field, unless the request set it, from the client's metadata. */
export function fillDatabase(method: string, request: object, metadata: grpc.Metadata): void {
  const field = DATABASE_FIELD.get(method);
  if (field) (request as Record<string, unknown>)[field] = requestDatabase(method, request, metadata);
}

import { GO_INTEGER } from './collection-properties.js';
import { brokenNameRule, MAX_NAME_LENGTH } from './names.js';
import { Code, MilvusError, unexpected } from './status.js';

/**
 * Milvus's rules for databases: their names, how many there may be, and the database
 * properties Mishards acts on. Every other property is stored and reported as given, as
 * Milvus does (docs/databases.md says which Milvus reads and why Mishards does not).
 */

/** Milvus's rootCoord.maxDatabaseNum (its default): the databases a deployment holds, the default one included. */
export const MAX_DATABASES = 64;

/** The most collections a database may hold (Milvus's DatabaseMaxCollectionsKey). */
export const MAX_COLLECTIONS_PROPERTY = 'database.max.collections';

const NAME_PROBLEMS = {
  empty: "database name couldn't be empty",
  length: `the length of a database name must be less than ${MAX_NAME_LENGTH} characters`,
  start: 'the first character of a database name must be an underscore or letter',
  rest: 'database name can only contain numbers, letters and underscores',
} as const;

/** Checks a database name as Milvus's proxy does (ValidateDatabaseName): code 802 and its words. */
export function validateDatabaseName(name: string): void {
  const broken = brokenNameRule(name);
  if (broken) throw new MilvusError(Code.DatabaseInvalidName, `${NAME_PROBLEMS[broken]}: invalid database name[database=${name}]`);
}

/** CreateDatabase beyond MAX_DATABASES (merr.WrapErrDatabaseNumLimitExceeded). */
export const databaseNumLimitExceeded = () =>
  new MilvusError(Code.DatabaseNumLimitExceeded, `exceeded the limit number of database[limit=${MAX_DATABASES}]`);

/**
 * The most collections a database with these properties may hold, or undefined for no limit of
 * its own. A value Go's strconv.Atoi refuses fails the collection's creation, as in Milvus's
 * rootcoord (which reads the property only then).
 */
export function maxCollections(properties: Record<string, string>): number | undefined {
  const raw = properties[MAX_COLLECTIONS_PROPERTY];
  if (raw === undefined || raw === '') return undefined;
  if (!GO_INTEGER.test(raw)) throw unexpected(`parse value of property fail, key:${MAX_COLLECTIONS_PROPERTY}, value:${raw}`);
  return Number(raw);
}

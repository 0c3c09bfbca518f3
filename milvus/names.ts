/**
 * Names as Milvus's proxy checks them, with its messages: collections, aliases, partitions and
 * fields (util.go's validateCollectionNameOrAlias and kin; databases follow the same rules with
 * their own messages, milvus/databases.ts), users and roles (ValidateUsername, ValidateRoleName). Nothing but these characters reaches Mishards's storage: segment files are
 * named by ids, and every SQL statement takes names as parameters.
 */
import { Code, invalidParameter, MilvusError } from './status.js';

/** Milvus's proxy.maxNameLength and proxy.maxUsernameLength. */
export const MAX_NAME_LENGTH = 255;
export const MAX_USERNAME_LENGTH = 32;
/** Milvus's proxy.minPasswordLength and proxy.maxPasswordLength. */
export const MIN_PASSWORD_LENGTH = 6;
export const MAX_PASSWORD_LENGTH = 256;

const LETTER = /^[A-Za-z]$/;
const NAME_START = /^[A-Za-z_]/;
const NAME_REST = /^[A-Za-z0-9_]*$/;

/** Which of Milvus's rules for names (of collections, aliases, partitions, fields, databases) a name breaks, if any. */
export function brokenNameRule(name: string): 'empty' | 'length' | 'start' | 'rest' | undefined {
  if (!name) return 'empty';
  if (name.length > MAX_NAME_LENGTH) return 'length';
  if (!NAME_START.test(name)) return 'start';
  return NAME_REST.test(name.slice(1)) ? undefined : 'rest';
}

/**
 * A collection, alias, partition or field name; `kind` is what the name is, e.g. `collection
 * name`, `collection alias`, `partition name` or `field name`.
 */
export function validateName(kind: string, name: string): void {
  const broken = brokenNameRule(name);
  if (!broken) return;
  if (broken === 'empty') throw invalidParameter(`${kind} should not be empty`);
  const invalid = `Invalid ${kind}: ${name}.`;
  if (broken === 'length') throw invalidParameter(`${invalid} the length of a ${kind} must be less than ${MAX_NAME_LENGTH} characters`);
  if (broken === 'start') throw invalidParameter(`${invalid} the first character of a ${kind} must be an underscore or letter.`);
  throw invalidParameter(`${invalid} ${kind} can only contain numbers, letters and underscores.`);
}

/** An index name as CreateIndex checks it (Milvus's validateIndexName); an empty one is the field's name. */
export function validateIndexName(name: string): void {
  if (!name) return;
  const invalid = `Invalid index name: ${name}. `;
  if (name.length > MAX_NAME_LENGTH)
    throw invalidParameter(`${invalid}The length of a index name must be less than ${MAX_NAME_LENGTH} characters.`);
  if (!NAME_START.test(name)) throw invalidParameter(`${invalid}The first character of a index name must be an underscore or letter.`);
  if (!NAME_REST.test(name.slice(1))) throw invalidParameter(`${invalid}Index name cannot only contain numbers, letters, and underscores.`);
}

/** merr.WrapErrParameterInvalidMsg: the message, then the catalogue's "invalid parameter". */
const parameterInvalid = (message: string) => new MilvusError(Code.ParameterInvalid, `${message}: invalid parameter`);

/** ValidateUsername: a letter, then letters, digits and underscores, at most 32 of them. */
export function validateUsername(raw: string): void {
  const name = raw.trim();
  if (!name) throw parameterInvalid('username must be not empty');
  if (name.length > MAX_USERNAME_LENGTH)
    throw parameterInvalid(
      `invalid username ${name} with length ${name.length}, the length of username must be less than ${MAX_USERNAME_LENGTH}`,
    );
  if (!LETTER.test(name[0]!)) throw parameterInvalid(`invalid user name ${name}, the first character must be a letter, but got ${name[0]}`);
  const bad = [...name.slice(1)].find((c) => !NAME_REST.test(c));
  if (bad !== undefined)
    throw parameterInvalid(
      `invalid user name ${name}, username must contain only numbers, letters and underscores, but got ${bad.charCodeAt(0)}`,
    );
}

/** ValidatePassword: 6 to 256 bytes. The password itself never appears in the message. */
export function validatePassword(password: string): void {
  const length = Buffer.byteLength(password);
  if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH)
    throw new MilvusError(
      Code.ParameterInvalid,
      `invalid password length: invalid parameter[${length} out of range ${MIN_PASSWORD_LENGTH} <= value <= ${MAX_PASSWORD_LENGTH}]`,
    );
}

/**
 * Milvus's validateName for the names of RBAC entities (`role name`, `object name`,
 * `ObjectType`, `Privilege`): an underscore or letter, then letters, digits, underscores and
 * dollars. `*` (any) is accepted where `anyAllowed`.
 */
export function validateEntityName(kind: string, raw: string, anyAllowed = false): void {
  const name = raw.trim();
  if (anyAllowed && name === '*') return;
  if (!name) throw new MilvusError(Code.ParameterInvalid, `${kind} should be not empty: invalid parameter[expected=not empty][actual=]`);
  if (name.length > MAX_NAME_LENGTH)
    throw new MilvusError(
      Code.ParameterInvalid,
      `the length of ${kind} must be not greater than limit: invalid parameter[${name.length} out of range 0 <= value <= ${MAX_NAME_LENGTH}]`,
    );
  if (!NAME_START.test(name))
    throw new MilvusError(
      Code.ParameterInvalid,
      `the first character of ${kind} must be an underscore or letter: invalid parameter[expected=95][actual=${name.charCodeAt(0)}]`,
    );
  const at = [...name].findIndex((c, i) => i > 0 && !/^[A-Za-z0-9_$]$/.test(c));
  if (at > 0) throw parameterInvalid(`${kind} can only contain numbers, letters, dollars and underscores, found ${name[at]} at ${at}`);
}

/**
 * The request fields that name a collection (or an alias of one), by method: checked before
 * any work, as Milvus's tasks check them first. A field listed as optional may be empty (the
 * request names its collection by id, or means every collection).
 */
export const COLLECTION_NAME_FIELDS: Readonly<Record<string, readonly { field: string; optional?: boolean }[]>> = (() => {
  const required = (field = 'collection_name') => [{ field }];
  const optional = (field = 'collection_name') => [{ field, optional: true }];
  return {
    CreateCollection: required(),
    DropCollection: required(),
    HasCollection: required(),
    LoadCollection: required(),
    ReleaseCollection: required(),
    DescribeCollection: required(),
    GetCollectionStatistics: required(),
    AlterCollection: required(),
    AddCollectionField: required(),
    AlterCollectionSchema: required(),
    TruncateCollection: required(),
    // Empty names get the rename's own messages (nodes/writer/api/collections.ts).
    RenameCollection: [
      { field: 'oldName', optional: true },
      { field: 'newName', optional: true },
    ],
    CreatePartition: required(),
    DropPartition: required(),
    HasPartition: required(),
    LoadPartitions: required(),
    ReleasePartitions: required(),
    GetPartitionStatistics: required(),
    ShowPartitions: required(),
    GetLoadingProgress: required(),
    GetLoadState: required(),
    CreateIndex: required(),
    DescribeIndex: required(),
    GetIndexStatistics: required(),
    GetIndexState: required(),
    GetIndexBuildProgress: required(),
    DropIndex: required(),
    Insert: required(),
    Upsert: required(),
    Delete: required(),
    Search: required(),
    HybridSearch: required(),
    Query: required(),
    CreateAlias: required(),
    AlterAlias: required(),
    ListAliases: optional(),
    GetPersistentSegmentInfo: required('collectionName'),
    GetQuerySegmentInfo: required('collectionName'),
    ManualCompaction: optional(),
    GetReplicas: optional(),
  };
})();

/** Checks the collection names a request of `method` carries (see COLLECTION_NAME_FIELDS). */
export function checkCollectionNames(method: string, request: unknown): void {
  const fields = COLLECTION_NAME_FIELDS[method];
  if (!fields) return;
  const values = request as Record<string, unknown>;
  for (const { field, optional } of fields) {
    const name = typeof values[field] === 'string' ? (values[field] as string) : '';
    if (optional && name === '') continue;
    validateName('collection name', name);
  }
}

/**
 * Milvus statuses. The SDK decides success from `error_code` alone, newer clients read
 * `code`, so every status carries both: the numeric code of Milvus's error catalogue (merr)
 * and the legacy ErrorCode name. As in Milvus, the name is derived from the code (merr's
 * `oldCode`), so each condition has exactly one pairing whichever node raised it.
 */

export type LegacyErrorCode =
  | 'Success'
  | 'UnexpectedError'
  | 'NotReadyServe'
  | 'CollectionNotExists'
  | 'IllegalArgument'
  | 'MetaFailed'
  | 'RateLimit'
  | 'ForceDeny'
  | 'IndexNotExist'
  | 'SegmentNotFound'
  | RbacFailure;

/**
 * The legacy codes Milvus's rootcoord sets on RBAC failures (merr.StatusWithErrorCode), with
 * the numeric code of the error it wraps (65535 for a plain error).
 */
export type RbacFailure =
  | 'CreateCredentialFailure'
  | 'UpdateCredentialFailure'
  | 'DeleteCredentialFailure'
  | 'CreateRoleFailure'
  | 'DropRoleFailure'
  | 'OperateUserRoleFailure'
  | 'SelectRoleFailure'
  | 'SelectUserFailure'
  | 'OperatePrivilegeFailure'
  | 'SelectGrantFailure';

/** Numeric codes of Milvus's error catalogue that Mishards produces. */
export const Code = {
  Success: 0,
  ServiceNotReady: 1,
  ServiceUnavailable: 2,
  ServiceInternal: 5,
  ServiceRateLimit: 8,
  ServiceQuotaExceeded: 9,
  ServiceUnimplemented: 10,
  CollectionNotFound: 100,
  CollectionNotLoaded: 101,
  CollectionNumLimitExceeded: 102,
  CollectionLoaded: 104,
  PartitionNotFound: 200,
  PartitionNotLoaded: 201,
  ResourceGroupNotFound: 300,
  ReplicaNotFound: 400,
  SegmentNotFound: 600,
  SegmentNotLoaded: 601,
  IndexNotFound: 700,
  IndexNotSupported: 701,
  IndexDuplicate: 702,
  DatabaseNotFound: 800,
  DatabaseNumLimitExceeded: 801,
  DatabaseInvalidName: 802,
  /** merr.ErrPrivilegeNotAuthenticated: e.g. a wrong old password. */
  PrivilegeNotAuthenticated: 1400,
  /** merr.ErrPrivilegeNotPermitted: e.g. deleting root. */
  PrivilegeNotPermitted: 1401,
  ParameterInvalid: 1100,
  ParameterMissing: 1101,
  ParameterTooLarge: 1102,
  MetricNotFound: 1200,
  AliasNotFound: 1600,
  AliasCollectionNameConflict: 1601,
  AliasAlreadyExist: 1602,
  FieldNotFound: 1700,
  FieldInvalidName: 1701,
  /** merr.ErrNeedAuthenticate: the REST API's answer to a request without valid credentials. */
  NeedAuthenticate: 1800,
  /** What Milvus answers for a failure without a code of its own (a plain Go error). */
  Unexpected: 65535,
} as const;

/**
 * The legacy name of each code that has one other than UnexpectedError, as Milvus 2.4 and
 * 2.5 set it (pkg/util/merr/utils.go, `oldCode`); every other failure code is UnexpectedError.
 */
const LEGACY_NAMES = new Map<number, LegacyErrorCode>([
  [Code.ServiceNotReady, 'NotReadyServe'],
  [Code.ServiceRateLimit, 'RateLimit'],
  [Code.ServiceQuotaExceeded, 'ForceDeny'],
  [Code.CollectionNotFound, 'CollectionNotExists'],
  [Code.PartitionNotFound, 'MetaFailed'],
  [Code.ReplicaNotFound, 'MetaFailed'],
  [Code.SegmentNotFound, 'SegmentNotFound'],
  [Code.IndexNotFound, 'IndexNotExist'],
  [Code.ParameterInvalid, 'IllegalArgument'],
]);

export const legacyErrorCode = (code: number): LegacyErrorCode =>
  code === Code.Success ? 'Success' : (LEGACY_NAMES.get(code) ?? 'UnexpectedError');

/** Codes merr marks retriable: the client may try again unchanged. */
const RETRIABLE = new Set<number>([Code.ServiceNotReady, Code.ServiceUnavailable, Code.ServiceRateLimit]);

export interface Status {
  error_code: LegacyErrorCode;
  reason: string;
  code: number;
  retriable: boolean;
  detail: string;
}

/** A business error that travels to the client inside `status`. */
export class MilvusError extends Error {
  readonly errorCode: LegacyErrorCode;

  /** `legacy` overrides the legacy code derived from `code`, as Milvus's StatusWithErrorCode does. */
  constructor(
    readonly code: number,
    message: string,
    readonly retriable = RETRIABLE.has(code),
    legacy?: LegacyErrorCode,
  ) {
    super(message);
    this.name = 'MilvusError';
    this.errorCode = legacy ?? legacyErrorCode(code);
  }
}

/** An RBAC request the rootcoord refuses with a plain error and its legacy failure code. */
export const rbacFailure = (failure: RbacFailure, message: string) => new MilvusError(Code.Unexpected, message, false, failure);

export const successStatus = (): Status => ({ error_code: 'Success', reason: '', code: 0, retriable: false, detail: '' });

export function errorStatus(err: unknown): Status {
  if (err instanceof MilvusError) {
    return { error_code: err.errorCode, reason: err.message, code: err.code, retriable: err.retriable, detail: err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    error_code: legacyErrorCode(Code.ServiceInternal),
    reason: message,
    code: Code.ServiceInternal,
    retriable: false,
    detail: message,
  };
}

export const invalidParameter = (message: string) => new MilvusError(Code.ParameterInvalid, message);

/** Also the answer when the collection is dropped while a search or query of it runs. */
export const collectionNotFound = (name: string) => new MilvusError(Code.CollectionNotFound, `collection not found[collection=${name}]`);

/** CreateAlias's "you cannot alias to a non-existent collection" (merr.WrapErrCollectionNotFoundWithDB). */
export const collectionNotFoundIn = (db: string, name: string) =>
  new MilvusError(Code.CollectionNotFound, `collection not found[database=${db}][collection=${name}]`);

export const databaseNotFound = (name: string) => new MilvusError(Code.DatabaseNotFound, `database not found[database=${name}]`);

/** A collection beyond its database's `database.max.collections` (merr.WrapErrCollectionNumLimitExceeded). */
export const collectionNumLimitExceeded = (db: string, limit: number) =>
  new MilvusError(Code.CollectionNumLimitExceeded, `exceeded the limit number of collections[dbName=${db}][limit=${limit}]`);

export const aliasNotFound = (db: string, alias: string) =>
  new MilvusError(Code.AliasNotFound, `alias not found[database=${db}][alias=${alias}]`);

/** An alias that is a collection's name, or a collection name that is an alias. */
export const aliasNameConflict = (db: string, alias: string) =>
  new MilvusError(Code.AliasCollectionNameConflict, `alias and collection name conflict[database=${db}][alias=${alias}]`);

export const aliasAlreadyExists = (db: string, alias: string, collection: string) =>
  new MilvusError(
    Code.AliasAlreadyExist,
    `${alias} is alias to another collection: ${collection}: alias already exist[database=${db}][alias=${alias}]`,
  );

/** A refusal Milvus words as a plain error, without a code of its own. */
export const unexpected = (message: string) => new MilvusError(Code.Unexpected, message);

/** A change Milvus refuses while the collection is loaded (merr.WrapErrCollectionLoaded). */
export const collectionLoaded = (name: string, why: string) =>
  new MilvusError(Code.CollectionLoaded, `${why}: collection already loaded[collection=${name}]`);

export const partitionNotFound = (name: string) => new MilvusError(Code.PartitionNotFound, `partition not found[partition=${name}]`);

export const collectionNotLoaded = (name: string) => new MilvusError(Code.CollectionNotLoaded, `collection not loaded[collection=${name}]`);

export const partitionNotLoaded = (name: string) => new MilvusError(Code.PartitionNotLoaded, `partition not loaded[partition=${name}]`);

export const fieldNotFound = (name: string, collection: string) =>
  new MilvusError(Code.FieldNotFound, `field not found[field=${name}] in collection ${collection}`);

export const indexNotFound = (collection: string) => new MilvusError(Code.IndexNotFound, `index not found[collection=${collection}]`);

export const metricNotSupported = (metric: string) =>
  new MilvusError(Code.MetricNotFound, `metric type ${metric} is not supported: use L2, IP, COSINE, HAMMING or JACCARD`);

/** What every method Mishards does not implement answers (merr's "service unimplemented"). */
export const unsupportedMethod = (method: string) => new MilvusError(Code.ServiceUnimplemented, `${method} is not supported by Mishards`);

/**
 * What a process that is stopping (or not serving yet) answers new work, as a Milvus proxy
 * that is not healthy does: `what` names the process (`writer=HOST:PORT`), `state` its state.
 */
export const serviceNotReady = (what: string, state: string) =>
  new MilvusError(Code.ServiceNotReady, `service not ready[${what}]: ${state}`);

/**
 * A request refused by a rate or admission limit, which the client should retry later
 * (Milvus's rate limiter: "<why>, please retry later: rate exceeded[...]").
 */
export const rateLimited = (why: string) => new MilvusError(Code.ServiceRateLimit, `${why}, please retry later: rate exceeded`);

/**
 * A request refused by a configured rate (quotaAndLimits), as Milvus's rate limiter words it:
 * "<why>, please retry later: rate limit exceeded[rate=<rate>]" (merr.WrapErrServiceRateLimit).
 */
export const rateLimitExceeded = (rate: number, why: string) =>
  new MilvusError(Code.ServiceRateLimit, `${why}, please retry later: rate limit exceeded[rate=${rate}]`);

/**
 * A write refused while a node is short of a resource, as Milvus's quota center refuses it:
 * "<detail>: quota exceeded[reason=<reason>]" (merr.WrapErrServiceQuotaExceeded, 9, ForceDeny,
 * not retriable: the condition outlasts any retry a client would make by itself).
 */
export const quotaExceeded = (reason: string, detail: string) =>
  new MilvusError(Code.ServiceQuotaExceeded, `${detail}: quota exceeded[reason=${reason}]`);

/**
 * Milvus statuses. The SDK decides success from `error_code` alone, newer clients read
 * `code`, so every status carries both: the legacy ErrorCode name and the numeric code of
 * Milvus's error catalogue (merr) for the same condition.
 */

export type LegacyErrorCode =
  | 'Success'
  | 'UnexpectedError'
  | 'CollectionNotExists'
  | 'IllegalArgument'
  | 'IllegalDimension'
  | 'IllegalIndexType'
  | 'IllegalCollectionName'
  | 'IllegalTOPK'
  | 'IllegalMetricType'
  | 'IndexNotExist'
  | 'SegmentNotFound'
  | 'NotReadyServe'
  | 'RateLimit'
  | 'InsufficientMemoryToLoad';

/** Numeric codes of Milvus's error catalogue that Mishards produces. */
export const Code = {
  Success: 0,
  ServiceUnavailable: 2,
  ServiceMemoryLimitExceeded: 3,
  ServiceInternal: 5,
  ServiceRateLimit: 8,
  ServiceUnimplemented: 10,
  CollectionNotFound: 100,
  CollectionNotLoaded: 101,
  PartitionNotFound: 200,
  PartitionNotLoaded: 201,
  ResourceGroupNotFound: 300,
  SegmentNotFound: 600,
  SegmentNotLoaded: 601,
  IndexNotFound: 700,
  IndexNotSupported: 701,
  IndexDuplicate: 702,
  DatabaseNotFound: 800,
  ParameterInvalid: 1100,
  ParameterMissing: 1101,
  ParameterTooLarge: 1102,
  MetricNotFound: 1200,
  FieldNotFound: 1700,
  FieldInvalidName: 1701,
} as const;

export interface Status {
  error_code: LegacyErrorCode;
  reason: string;
  code: number;
  retriable: boolean;
  detail: string;
}

/** A business error that travels to the client inside `status`. */
export class MilvusError extends Error {
  constructor(
    readonly errorCode: LegacyErrorCode,
    readonly code: number,
    message: string,
    readonly retriable = false,
  ) {
    super(message);
    this.name = 'MilvusError';
  }
}

export const successStatus = (): Status => ({ error_code: 'Success', reason: '', code: 0, retriable: false, detail: '' });

export function errorStatus(err: unknown): Status {
  if (err instanceof MilvusError) {
    return { error_code: err.errorCode, reason: err.message, code: err.code, retriable: err.retriable, detail: err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { error_code: 'UnexpectedError', reason: message, code: Code.ServiceInternal, retriable: false, detail: message };
}

export const invalidParameter = (message: string) => new MilvusError('IllegalArgument', Code.ParameterInvalid, message);

export const collectionNotFound = (name: string) =>
  new MilvusError('CollectionNotExists', Code.CollectionNotFound, `collection not found[collection=${name}]`);

export const partitionNotFound = (name: string) =>
  new MilvusError('IllegalArgument', Code.PartitionNotFound, `partition not found[partition=${name}]`);

export const collectionNotLoaded = (name: string) =>
  new MilvusError('UnexpectedError', Code.CollectionNotLoaded, `collection not loaded[collection=${name}]`);

export const partitionNotLoaded = (name: string) =>
  new MilvusError('UnexpectedError', Code.PartitionNotLoaded, `partition not loaded[partition=${name}]`);

export const fieldNotFound = (name: string, collection: string) =>
  new MilvusError('IllegalArgument', Code.FieldNotFound, `field not found[field=${name}] in collection ${collection}`);

export const indexNotFound = (collection: string) =>
  new MilvusError('IndexNotExist', Code.IndexNotFound, `index not found[collection=${collection}]`);

export const metricNotSupported = (metric: string) =>
  new MilvusError('IllegalMetricType', Code.MetricNotFound, `metric type ${metric} is not supported: use L2, IP or COSINE`);

/** What every method Mishards does not implement answers (merr's "service unimplemented"). */
export const unsupportedMethod = (method: string) =>
  new MilvusError('UnexpectedError', Code.ServiceUnimplemented, `${method} is not supported by Mishards`);

/** The node is too busy to take the request now (merr's "rate limit exceeded"): retriable. */
export const rateLimited = (message: string) => new MilvusError('RateLimit', Code.ServiceRateLimit, message, true);

/**
 * The request needs more memory than the node will ever grant one request (merr's "memory
 * limit exceeded", whose legacy code Milvus maps to InsufficientMemoryToLoad): not retriable.
 */
export const memoryLimitExceeded = (message: string) =>
  new MilvusError('InsufficientMemoryToLoad', Code.ServiceMemoryLimitExceeded, message);

/**
 * Errors the metadata store throws for requests it refuses, so that callers can map them to
 * Milvus status codes instead of parsing driver messages (which differ between SQLite and
 * MySQL).
 */

/** The name (or explicit id) is already taken: a collection, partition, index or segment. */
export class MetaConflictError extends Error {
  override name = 'MetaConflictError';
}

/** The record refers to a collection or partition that does not exist. */
export class MetaNotFoundError extends Error {
  override name = 'MetaNotFoundError';
}

/**
 * A write by a writer whose fencing epoch is no longer the one in force: a newer leader took
 * over, and nothing this writer publishes may become visible (docs/writer-ha.md).
 */
export class MetaFencedError extends Error {
  override name = 'MetaFencedError';
}

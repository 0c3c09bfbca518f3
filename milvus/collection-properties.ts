import { invalidParameter } from './status.js';

/**
 * The collection properties Mishards acts on, as Milvus names them. Every other property is
 * stored and reported as given (AlterCollection, DescribeCollection), as Milvus does.
 */

/** Rows inserted longer ago than this many seconds are invisible to searches and queries. */
export const TTL_PROPERTY = 'collection.ttl.seconds';
/** Memory-mapped loading: accepted and reported; Mishards's segments are in memory either way. */
export const MMAP_PROPERTY = 'mmap.enabled';

/** Milvus's bound on a collection TTL (common.MaxTTLSeconds: 100 years). */
const MAX_TTL_SECONDS = 3_155_760_000;

/** What Go's strconv.Atoi accepts, which is how Milvus parses integer properties (the TTL, a database's limits). */
export const GO_INTEGER = /^[+-]?\d+$/;

/** Refuses properties Milvus refuses (its proxy's validateCollectionTTL), with its messages. */
export function validateProperties(properties: Record<string, string>): void {
  const ttl = properties[TTL_PROPERTY];
  if (ttl === undefined) return;
  if (!GO_INTEGER.test(ttl)) throw invalidParameter('collection TTL is not a valid positive integer');
  const seconds = Number(ttl);
  if (seconds < -1 || seconds > MAX_TTL_SECONDS) {
    throw invalidParameter(`collection TTL is out of range, expect [-1, ${MAX_TTL_SECONDS}], got ${seconds}`);
  }
}

/**
 * The expiry time of a read made at `now` (unix ms): rows inserted before it have outlived the
 * collection's TTL. 0 when nothing expires: no TTL, or one of 0 or less, which Milvus's proxy
 * reads as none.
 */
export function expireBefore(properties: Record<string, string>, now: number): number {
  const ttl = properties[TTL_PROPERTY];
  const seconds = ttl !== undefined && GO_INTEGER.test(ttl) ? Number(ttl) : 0;
  return seconds > 0 ? now - seconds * 1000 : 0;
}

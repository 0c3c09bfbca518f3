import { checkTimezone, DEFAULT_TIMEZONE, TIMEZONE_KEY } from '../core/timestamptz.js';
import { invalidParameter } from './status.js';
import { timestamptzParameter } from './timestamptz.js';

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

/**
 * The time zone of a collection's Timestamptz values: a string without an offset is read in
 * it, and queries and searches answer in it unless they name another (core/timestamptz.ts).
 */
export const TIMEZONE_PROPERTY = TIMEZONE_KEY;

/** The collection's time zone (its `timezone` property, which creation always sets). */
export const collectionTimezone = (properties: Record<string, string>): string => properties[TIMEZONE_PROPERTY] ?? DEFAULT_TIMEZONE;

/**
 * The properties a new collection is created with, as Milvus's rootcoord sets them: a
 * `timezone` is always among them, the database's when the request names none (else UTC).
 */
export function withTimezone(properties: Record<string, string>, databaseProperties: Record<string, string>): Record<string, string> {
  if (TIMEZONE_PROPERTY in properties) return properties;
  return { ...properties, [TIMEZONE_PROPERTY]: databaseProperties[TIMEZONE_PROPERTY] ?? DEFAULT_TIMEZONE };
}

/** Refuses a `timezone` property (of a collection or a database) that names no IANA time zone, as Milvus does. */
export function validateTimezoneProperty(properties: Record<string, string>): void {
  const tz = properties[TIMEZONE_PROPERTY];
  if (tz !== undefined) timestamptzParameter(() => checkTimezone(tz));
}

/** Refuses properties Milvus refuses (its proxy's timezone and validateCollectionTTL checks), with its messages. */
export function validateProperties(properties: Record<string, string>): void {
  validateTimezoneProperty(properties);
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

import { DateTime, IANAZone } from 'luxon';

/**
 * Timestamptz values as Milvus 2.6 handles them (its pkg/util/timestamptz): stored as UTC
 * microseconds since the epoch (an Int64), written as ISO 8601 strings with or without an
 * offset (without one, the time is read in a default time zone: the collection's `timezone`
 * property, else UTC), read back as RFC 3339 strings in a time zone of the reader's choosing.
 * Time zone rules come from luxon (the platform's IANA database); the only arithmetic here is
 * in UTC, where a day is always 86,400 seconds.
 */

/** The collection (and query/search parameter) key naming a time zone. */
export const TIMEZONE_KEY = 'timezone';
/** Milvus's common.DefaultTimezone. */
export const DEFAULT_TIMEZONE = 'UTC';

/** Milvus's bounds on an explicit UTC offset, in hours ([-12, +14]). */
const MIN_OFFSET_HOURS = -12;
const MAX_OFFSET_HOURS = 14;

const MICROS_PER_SECOND = 1_000_000n;
const MICROS_PER_MILLI = 1000n;

/** A timestamp or time zone Milvus refuses; the message is Milvus's. */
export class TimestamptzError extends Error {
  override readonly name = 'TimestamptzError';
}

/**
 * Whether `tz` names a time zone, as Go's time.LoadLocation (which Milvus uses) accepts it: an
 * IANA name (or an alias the database keeps), spelled with its own capitals.
 */
export function isValidTimezone(tz: string): boolean {
  if (tz === '' || !IANAZone.isValidZone(tz)) return false;
  const canonical = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  // Intl matches names case-insensitively; the zone files Go reads do not.
  return canonical === tz || canonical.toLowerCase() !== tz.toLowerCase();
}

/** Refuses a time zone Milvus refuses, with its message. */
export function checkTimezone(tz: string): void {
  if (!isValidTimezone(tz)) throw new TimestamptzError(`unknown or invalid IANA Time Zone ID: ${tz}`);
}

/**
 * The layouts Milvus parses (Go's RFC3339Nano; `YYYY-MM-DD HH:MM:SS` with an offset, `Z`, or a
 * short `±HH` offset; the same without any, read in the default zone). Fractions of a second
 * may have up to nine digits, as Go reads them; microseconds are kept.
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})([T ])(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2}|[+-]\d{2})?$/;

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Microseconds within the second. */
  micros: bigint;
}

const invalidString = (input: string) => new TimestamptzError(`invalid timestamp string: '${input}'. Does not match any known format`);

/** The local (wall-clock) instant of `f` read as if in UTC, in ms, or undefined for a date or time that does not exist. */
function wallClockMillis(f: Fields): number | undefined {
  // Luxon reads hour 24 as the end of the day; Go refuses it, as it refuses second 60.
  if (f.hour > 23 || f.minute > 59 || f.second > 59) return undefined;
  const dt = DateTime.utc(f.year, f.month, f.day, f.hour, f.minute, f.second);
  return dt.isValid ? dt.toMillis() : undefined;
}

/**
 * The UTC instant of a wall-clock time in `zone`, resolved as Go's time.Date resolves it:
 * the offset in force at the wall-clock time read as UTC, unless the instant that gives falls
 * under another offset (a transition lies between), in which case that other offset. So a
 * time skipped by a spring-forward gap takes the offset after the transition, and a time
 * repeated by a fall-back takes the earlier (summer) offset.
 */
function zonedMillis(wall: number, zone: IANAZone): number {
  const guess = zone.offset(wall);
  const utc = wall - guess * 60_000;
  const actual = zone.offset(utc);
  return actual === guess ? utc : wall - actual * 60_000;
}

/** Parses a Timestamptz string into UTC microseconds; `defaultZone` applies to a string without an offset. */
export function parseTimestamptz(input: string, defaultZone: string): bigint {
  const m = TIMESTAMP.exec(input);
  if (!m) throw invalidString(input);
  const [, y, mo, d, sep, h, mi, s, frac, offset] = m;
  // Go's RFC 3339 layout needs the 'T'; the space-separated layouts need an offset, `Z`, or none.
  const fields: Fields = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: Number(s),
    micros: BigInt((frac ?? '').padEnd(6, '0').slice(0, 6)),
  };
  const wall = wallClockMillis(fields);
  if (wall === undefined) throw invalidString(input);
  let millis: number;
  if (offset === undefined) {
    checkDefaultZone(defaultZone);
    millis = zonedMillis(wall, IANAZone.create(defaultZone));
  } else {
    const minutes = offsetMinutes(offset, sep === 'T', input);
    millis = wall - minutes * 60_000;
  }
  return BigInt(millis) * MICROS_PER_MILLI + fields.micros;
}

function checkDefaultZone(zone: string): void {
  if (!isValidTimezone(zone)) throw new TimestamptzError(`invalid default timezone string '${zone}'`);
}

/** An explicit offset in minutes, within Go's and Milvus's bounds. */
function offsetMinutes(offset: string, rfc3339: boolean, input: string): number {
  if (offset === 'Z') return 0;
  // RFC 3339 has no short offsets (`+08`); the space-separated PostgreSQL form does.
  if (rfc3339 && offset.length === 3) throw invalidString(input);
  const sign = offset[0] === '-' ? -1 : 1;
  const hours = Number(offset.slice(1, 3));
  const minutes = offset.length > 3 ? Number(offset.slice(4, 6)) : 0;
  // Go refuses offsets of 24 hours or more, or 60 minutes or more, as no layout at all.
  if (hours >= 24 || minutes >= 60) throw invalidString(input);
  const total = sign * (hours * 60 + minutes);
  if (total > MAX_OFFSET_HOURS * 60 || total < MIN_OFFSET_HOURS * 60) {
    // Go's integer division: -12:30 is hour -12.
    const hour = Math.trunc(total / 60);
    throw new TimestamptzError(`UTC offset hour ${hour} is out of the valid range [${MIN_OFFSET_HOURS}, ${MAX_OFFSET_HOURS}]`);
  }
  return total;
}

/** Floor division and remainder of microseconds into whole seconds and the microseconds within one. */
function splitSeconds(micros: bigint): { seconds: bigint; within: bigint } {
  let seconds = micros / MICROS_PER_SECOND;
  let within = micros % MICROS_PER_SECOND;
  if (within < 0n) {
    seconds -= 1n;
    within += MICROS_PER_SECOND;
  }
  return { seconds, within };
}

/**
 * UTC microseconds as Milvus outputs them: RFC 3339 in `zone`, `Z` for a zero offset, the
 * fraction of a second up to microseconds without trailing zeros (none for a whole second).
 */
export function formatTimestamptz(micros: bigint, zone: string): string {
  const { seconds, within } = splitSeconds(micros);
  const dt = DateTime.fromMillis(Number(seconds) * 1000, { zone });
  const fraction = within === 0n ? '' : `.${within.toString().padStart(6, '0').replace(/0+$/, '')}`;
  const offset = dt.offset === 0 ? 'Z' : dt.toFormat('ZZ');
  return `${dt.toFormat("yyyy-MM-dd'T'HH:mm:ss")}${fraction}${offset}`;
}

/** An ISO 8601 duration as Milvus's filter reads it (`P1Y2M3DT4H5M6S`, every part optional). */
export interface Interval {
  years: number;
  months: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Parses an INTERVAL string; Milvus's message for one it refuses. */
export function parseInterval(text: string): Interval {
  const m = DURATION.exec(text);
  if (!m) throw new TimestamptzError(`invalid ISO 8601 duration: ${text}`);
  const part = (i: number) => Number(m[i] ?? 0);
  return { years: part(1), months: part(2), days: part(3), hours: part(4), minutes: part(5), seconds: part(6) };
}

/** Whether an interval is a fixed number of microseconds (no years or months, whose length varies). */
export const isFixedInterval = (i: Interval) => i.years === 0 && i.months === 0;

/** The microseconds of a fixed interval (in UTC a day is always 86,400 seconds). */
export function fixedIntervalMicros(i: Interval): bigint {
  const seconds = ((BigInt(i.days) * 24n + BigInt(i.hours)) * 60n + BigInt(i.minutes)) * 60n + BigInt(i.seconds);
  return seconds * MICROS_PER_SECOND;
}

/**
 * `micros` plus (`sign` 1) or minus (-1) an interval, as Milvus's segcore computes it: the
 * UTC calendar fields of the time, each moved by the interval's, normalized as C's timegm
 * normalizes them (January 31 plus one month is March 3, or 2 in a leap year), the
 * microseconds within the second kept.
 */
export function shiftByInterval(micros: bigint, i: Interval, sign: 1 | -1): bigint {
  const { seconds, within } = splitSeconds(micros);
  const d = new Date(Number(seconds) * 1000);
  // Date's UTC setters normalize overflowing fields exactly as timegm does.
  d.setUTCFullYear(d.getUTCFullYear() + sign * i.years, d.getUTCMonth() + sign * i.months, d.getUTCDate() + sign * i.days);
  d.setUTCHours(d.getUTCHours() + sign * i.hours, d.getUTCMinutes() + sign * i.minutes, d.getUTCSeconds() + sign * i.seconds);
  return BigInt(d.getTime() / 1000) * MICROS_PER_SECOND + within;
}

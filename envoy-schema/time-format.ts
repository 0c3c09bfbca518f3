/**
 * google.protobuf.Duration and Timestamp: their proto3 JSON strings and the arithmetic the
 * validation rules need. Kept apart because the parser, the rules and the decoder all use them.
 */

/** ±10,000 years, the range protobuf allows for a Duration. */
export const MAX_DURATION_SECONDS = 315_576_000_000;
/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range protobuf allows for a Timestamp. */
export const MIN_TIMESTAMP_SECONDS = -62_135_596_800;
export const MAX_TIMESTAMP_SECONDS = 253_402_300_799;

export interface SecondsNanos {
  seconds: number;
  nanos: number;
}

const DURATION_RE = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;

/** "1.5s", "-0.010s", "300s" → seconds and nanos with the same sign; an error text otherwise. */
export function parseDuration(text: string): SecondsNanos | string {
  const m = DURATION_RE.exec(text);
  if (!m) return `invalid Duration "${text}": expected seconds with up to 9 fractional digits and an "s" suffix, like "1.5s"`;
  const seconds = Number(m[2]);
  if (seconds > MAX_DURATION_SECONDS) return `Duration "${text}" is out of range (at most ${MAX_DURATION_SECONDS}s)`;
  const nanos = m[3] ? Number(m[3].padEnd(9, '0')) : 0;
  // "-0.5s" has no sign on its seconds (there is no -0); the nanos carry it.
  return m[1] ? { seconds: seconds === 0 ? 0 : -seconds, nanos: nanos === 0 ? 0 : -nanos } : { seconds, nanos };
}

/** Protobuf's canonical text: 0, 3, 6 or 9 fractional digits. */
export function formatDuration(seconds: number, nanos: number): string {
  const negative = seconds < 0 || nanos < 0;
  return `${negative ? '-' : ''}${Math.abs(seconds)}${fraction(Math.abs(nanos))}s`;
}

const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** RFC 3339 ("1972-01-01T10:00:20.021Z", or with an offset) → seconds since the epoch and nanos. */
export function parseTimestamp(text: string): SecondsNanos | string {
  const m = TIMESTAMP_RE.exec(text);
  const bad = `invalid Timestamp "${text}": expected RFC 3339 like "1972-01-01T10:00:20.021Z"`;
  if (!m) return bad;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return bad;
  }
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  let seconds = date.getTime() / 1000;
  if (m[9]) {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > 23 || offsetMinutes > 59) return bad;
    const offset = (offsetHours * 60 + offsetMinutes) * 60;
    seconds += m[9] === '+' ? -offset : offset;
  }
  if (seconds < MIN_TIMESTAMP_SECONDS || seconds > MAX_TIMESTAMP_SECONDS) {
    return `Timestamp "${text}" is out of range (0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z)`;
  }
  return { seconds, nanos: m[7] ? Number(m[7].padEnd(9, '0')) : 0 };
}

export function formatTimestamp(seconds: number, nanos: number): string {
  // Within the Timestamp range, toISOString renders the year as four digits.
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}${fraction(nanos)}Z`;
}

function fraction(nanos: number): string {
  if (nanos === 0) return '';
  if (nanos % 1_000_000 === 0) return `.${String(nanos / 1_000_000).padStart(3, '0')}`;
  if (nanos % 1000 === 0) return `.${String(nanos / 1000).padStart(6, '0')}`;
  return `.${String(nanos).padStart(9, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Seconds (number or Long-like) and nanos as one BigInt of nanoseconds, for exact comparisons. */
export function totalNanos(seconds: unknown, nanos: unknown): bigint {
  return BigInt(String(seconds ?? 0)) * 1_000_000_000n + BigInt(Number(nanos ?? 0));
}

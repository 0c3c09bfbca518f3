/**
 * Timestamptz values and filters: parsing as Milvus's proxy parses (offsets, the default time
 * zone, DST edges, its refusals), output formatting, INTERVAL arithmetic as segcore does it,
 * and filters compared with a reference computed here, scanned and answered from the index.
 */
import { describe, expect, it } from 'vitest';
import type { ColumnBatch } from '../../core/columns.js';
import { DataType } from '../../core/schema.js';
import {
  formatTimestamptz,
  isValidTimezone,
  parseInterval,
  parseTimestamptz,
  shiftByInterval,
  TimestamptzError,
} from '../../core/timestamptz.js';
import { compileFilter, FilterError } from '../../filter/index.js';
import { buildScalarIndex } from '../../filter/scalar-index.js';
import { batchOf, field, matching, schemaOf } from './fixtures.js';

const micros = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof TimestamptzError || e instanceof FilterError) return e.message;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('parseTimestamptz', () => {
  it('reads an explicit offset or Z whatever the default zone', () => {
    const at = micros('2025-01-01T00:00:00Z');
    expect(parseTimestamptz('2025-01-01T00:00:00Z', 'Asia/Tokyo')).toBe(at);
    expect(parseTimestamptz('2025-01-01T08:00:00+08:00', 'America/New_York')).toBe(at);
    expect(parseTimestamptz('2024-12-31T19:00:00-05:00', 'UTC')).toBe(at);
    // PostgreSQL style: a space, and a short offset.
    expect(parseTimestamptz('2025-01-01 08:00:00+08', 'UTC')).toBe(at);
    expect(parseTimestamptz('2025-01-01 00:00:00Z', 'Asia/Tokyo')).toBe(at);
  });

  it('reads a string without an offset in the default zone', () => {
    expect(parseTimestamptz('2025-01-01T08:00:00', 'Asia/Shanghai')).toBe(micros('2025-01-01T00:00:00Z'));
    expect(parseTimestamptz('2025-01-01 08:00:00', 'UTC')).toBe(micros('2025-01-01T08:00:00Z'));
    expect(parseTimestamptz('2025-07-01 12:00:00', 'Europe/Paris')).toBe(micros('2025-07-01T10:00:00Z'));
  });

  it('keeps microseconds and truncates finer digits', () => {
    expect(parseTimestamptz('2025-01-01T00:00:00.123456789Z', 'UTC')).toBe(micros('2025-01-01T00:00:00Z') + 123456n);
    expect(parseTimestamptz('2025-01-01T00:00:00.5Z', 'UTC')).toBe(micros('2025-01-01T00:00:00Z') + 500000n);
  });

  it('resolves DST gaps and overlaps as Go does', () => {
    // 02:30 does not exist on 2025-03-09 in New York: Go's time.Date lands on 01:30 EST.
    expect(parseTimestamptz('2025-03-09 02:30:00', 'America/New_York')).toBe(micros('2025-03-09T06:30:00Z'));
    // 01:30 happens twice on 2025-11-02: the first (EDT) is taken.
    expect(parseTimestamptz('2025-11-02 01:30:00', 'America/New_York')).toBe(micros('2025-11-02T05:30:00Z'));
    // Just either side of the spring transition.
    expect(parseTimestamptz('2025-03-09 01:59:59', 'America/New_York')).toBe(micros('2025-03-09T06:59:59Z'));
    expect(parseTimestamptz('2025-03-09 03:00:00', 'America/New_York')).toBe(micros('2025-03-09T07:00:00Z'));
  });

  it("refuses what Milvus refuses, with Milvus's messages", () => {
    for (const bad of [
      'invalid_time_format',
      '2025-04-31 00:00:00',
      '2025-02-29 00:00:00',
      '2025-01-01T00:00:00+24:00',
      '2025-01-01T24:00:00Z',
    ]) {
      expect(refusal(() => parseTimestamptz(bad, 'UTC'))).toBe(`invalid timestamp string: '${bad}'. Does not match any known format`);
    }
    expect(refusal(() => parseTimestamptz('2025-01-01T00:00:00+15:00', 'UTC'))).toBe(
      'UTC offset hour 15 is out of the valid range [-12, 14]',
    );
    expect(refusal(() => parseTimestamptz('2025-01-01T00:00:00-12:30', 'UTC'))).toBe(
      'UTC offset hour -12 is out of the valid range [-12, 14]',
    );
    expect(refusal(() => parseTimestamptz('2025-01-01 00:00:00', 'Mars/Olympus'))).toBe("invalid default timezone string 'Mars/Olympus'");
  });
});

describe('time zones', () => {
  it('accepts IANA names as Go loads them', () => {
    expect(['UTC', 'Asia/Shanghai', 'America/Los_Angeles', 'US/Eastern'].every(isValidTimezone)).toBe(true);
    expect(['', 'utc', 'Mars/Olympus', '+08:00'].some(isValidTimezone)).toBe(false);
  });
});

describe('formatTimestamptz', () => {
  it('writes RFC 3339 in the zone asked, Z for a zero offset, no trailing zeros', () => {
    const t = micros('2025-01-01T00:00:00Z');
    expect(formatTimestamptz(t, 'UTC')).toBe('2025-01-01T00:00:00Z');
    expect(formatTimestamptz(t + 123450n, 'Asia/Shanghai')).toBe('2025-01-01T08:00:00.12345+08:00');
    expect(formatTimestamptz(t, 'America/Los_Angeles')).toBe('2024-12-31T16:00:00-08:00');
    // London in winter is at offset zero: Go writes Z.
    expect(formatTimestamptz(t, 'Europe/London')).toBe('2025-01-01T00:00:00Z');
    expect(formatTimestamptz(-1n, 'UTC')).toBe('1969-12-31T23:59:59.999999Z');
  });

  it('round-trips through parsing', () => {
    for (const s of ['2025-03-09T01:30:00-05:00', '2025-11-02T01:30:00-04:00', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999999Z']) {
      expect(formatTimestamptz(parseTimestamptz(s, 'UTC'), s.endsWith('Z') ? 'UTC' : 'America/New_York')).toBe(s);
    }
  });
});

describe('INTERVAL', () => {
  it('parses ISO 8601 durations as Milvus does', () => {
    expect(parseInterval('P1Y2M3DT4H5M6S')).toEqual({ years: 1, months: 2, days: 3, hours: 4, minutes: 5, seconds: 6 });
    expect(parseInterval('PT2M')).toEqual({ years: 0, months: 0, days: 0, hours: 0, minutes: 2, seconds: 0 });
    for (const bad of ['1D', 'P1H', 'P1Y2X', '']) expect(refusal(() => parseInterval(bad))).toBe(`invalid ISO 8601 duration: ${bad}`);
  });

  it('moves UTC calendar fields, normalized as timegm normalizes them', () => {
    const shift = (iso: string, d: string, sign: 1 | -1) =>
      formatTimestamptz(shiftByInterval(parseTimestamptz(iso, 'UTC'), parseInterval(d), sign), 'UTC');
    expect(shift('2025-01-31T10:00:00.5Z', 'P1M', 1)).toBe('2025-03-03T10:00:00.5Z');
    expect(shift('2024-01-31T00:00:00Z', 'P1M', 1)).toBe('2024-03-02T00:00:00Z');
    expect(shift('2024-02-29T00:00:00Z', 'P1Y', 1)).toBe('2025-03-01T00:00:00Z');
    expect(shift('2025-03-01T00:00:00Z', 'P1DT1H', -1)).toBe('2025-02-27T23:00:00Z');
  });
});

describe('Timestamptz filters', () => {
  const schema = schemaOf([
    field('id', DataType.Int64, { isPrimaryKey: true }),
    field('ts', DataType.Timestamptz, { nullable: true }),
    field('n', DataType.Int64),
  ]);
  const times = [
    '2024-12-31T23:00:00Z',
    '2025-01-01T00:00:00Z',
    '2025-01-31T10:00:00Z',
    '2025-02-28T12:00:00.25Z',
    null,
    '2025-03-09T06:30:00Z',
    '2025-06-15T00:00:00Z',
    '2025-12-31T23:59:59.999999Z',
  ];
  const values = times.map((t) => (t === null ? null : parseTimestamptz(t, 'UTC')));
  const batch = batchOf(
    schema,
    values.map((ts, i) => ({ id: i, ts, n: i })),
  );
  const index = buildScalarIndex(batch.column('ts')!, batch.length)!;
  const indexed: ColumnBatch = {
    length: batch.length,
    column: (n) => batch.column(n),
    scalarIndex: (n) => (n === 'ts' ? index : undefined),
  };

  /** The rows whose value passes `test`, nulls never. */
  const reference = (test: (t: bigint) => boolean) => values.flatMap((v, i) => (v !== null && test(v) ? [i] : []));
  const run = (expr: string, timezone?: string) => {
    const f = compileFilter(expr, schema, timezone === undefined ? {} : { timezone });
    const scanned = matching(f.evaluate(batch));
    expect(matching(f.evaluate(indexed))).toEqual(scanned);
    return scanned;
  };
  const jan1 = micros('2025-01-01T00:00:00Z');

  it('compares with ISO literals either side, offsets honoured', () => {
    expect(run("ts >= ISO '2025-01-01T08:00:00+08:00'")).toEqual(reference((t) => t >= jan1));
    expect(run("ts < iso '2025-01-01T00:00:00Z'")).toEqual(reference((t) => t < jan1));
    expect(run("ISO '2025-01-01T00:00:00Z' == ts")).toEqual(reference((t) => t === jan1));
    expect(run("ISO '2025-01-01T00:00:00Z' < ts")).toEqual(reference((t) => t > jan1));
    expect(run("ts != ISO '2025-01-01T00:00:00Z'")).toEqual(reference((t) => t !== jan1));
  });

  it('reads literals without an offset in the time zone given', () => {
    // Midnight in Shanghai is 16:00 UTC the day before.
    expect(run("ts >= ISO '2025-01-01 00:00:00'", 'Asia/Shanghai')).toEqual(reference((t) => t >= micros('2024-12-31T16:00:00Z')));
    expect(run("ts >= ISO '2025-01-01 00:00:00'")).toEqual(reference((t) => t >= jan1));
  });

  it('takes ranges and in-lists of ISO literals', () => {
    const lo = micros('2025-01-01T00:00:00Z');
    const hi = micros('2025-06-15T00:00:00Z');
    expect(run("ISO '2025-01-01T00:00:00Z' <= ts < ISO '2025-06-15T00:00:00Z'")).toEqual(reference((t) => t >= lo && t < hi));
    expect(run("ts in [ISO '2025-06-15T02:00:00+02:00', ISO '2024-12-31T23:00:00Z']")).toEqual(
      reference((t) => t === micros('2025-06-15T00:00:00Z') || t === micros('2024-12-31T23:00:00Z')),
    );
    expect(run("ts > ISO '2025-01-01T00:00:00Z' and ts < ISO '2025-03-01T00:00:00Z'")).toEqual(
      reference((t) => t > jan1 && t < micros('2025-03-01T00:00:00Z')),
    );
  });

  it('adds and subtracts intervals as segcore does', () => {
    const shifted = (d: string, sign: 1 | -1) => (t: bigint) => shiftByInterval(t, parseInterval(d), sign);
    const feb = micros('2025-03-01T00:00:00Z');
    expect(run("ts + INTERVAL 'P1D' > ISO '2025-03-01T00:00:00Z'")).toEqual(reference((t) => shifted('P1D', 1)(t) > feb));
    expect(run("ts - interval 'PT12H' <= ISO '2025-02-28T00:00:00.25Z'")).toEqual(
      reference((t) => shifted('PT12H', -1)(t) <= micros('2025-02-28T00:00:00.25Z')),
    );
    // Months: January 31 plus a month is March 3, after March 1.
    expect(run("ts + INTERVAL 'P1M' >= ISO '2025-03-01T00:00:00Z'")).toEqual(reference((t) => shifted('P1M', 1)(t) >= feb));
    expect(run("ISO '2026-01-01T00:00:00Z' <= ts + INTERVAL 'P1Y'")).toEqual(
      reference((t) => shifted('P1Y', 1)(t) >= micros('2026-01-01T00:00:00Z')),
    );
    expect(run("ts + INTERVAL 'P1M' == ISO '2025-03-03T10:00:00Z'")).toEqual([2]);
  });

  it('tests null rows with is null', () => {
    expect(run('ts is null')).toEqual([4]);
    expect(run('ts is not null')).toEqual([0, 1, 2, 3, 5, 6, 7]);
    expect(run("not (ts > ISO '2025-01-01T00:00:00Z')")).toEqual(reference((t) => !(t > jan1)));
  });

  it("refuses what Milvus's grammar refuses", () => {
    expect(refusal(() => compileFilter('ts > 1735689600000000', schema))).toMatch(
      /comparisons between Timestamptz and Int64 are not supported/,
    );
    expect(refusal(() => compileFilter("ts == '2025-01-01T00:00:00Z'", schema))).toMatch(
      /comparisons between Timestamptz and VarChar are not supported/,
    );
    expect(refusal(() => compileFilter("n > ISO '2025-01-01T00:00:00Z'", schema))).toMatch(/field 'n' is not a timestamptz datatype/);
    expect(refusal(() => compileFilter("n + INTERVAL 'P1D' > ISO '2025-01-01T00:00:00Z'", schema))).toMatch(
      /field 'n' is not a timestamptz datatype/,
    );
    expect(refusal(() => compileFilter("ts > ISO 'invalid-timestamp'", schema))).toMatch(
      /invalid timestamp string: 'invalid-timestamp'. Does not match any known format/,
    );
    expect(refusal(() => compileFilter("ts > ISO '2025-13-01T00:00:00Z'", schema))).toMatch(/invalid timestamp string/);
    expect(refusal(() => compileFilter("ts + INTERVAL '1D' > ISO '2025-01-01T00:00:00Z'", schema))).toMatch(
      /invalid ISO 8601 duration: 1D/,
    );
    expect(refusal(() => compileFilter("ts in [ISO '2025-01-01T00:00:00Z', 5]", schema))).toMatch(/Timestamptz and Int64/);
    expect(refusal(() => compileFilter('ts > ts', schema))).toMatch(/not supported/);
  });

  it('lets fields be named iso or interval', () => {
    const named = schemaOf([field('id', DataType.Int64, { isPrimaryKey: true }), field('iso', DataType.Timestamptz)]);
    const b = batchOf(named, [{ id: 1, iso: jan1 }]);
    expect(matching(compileFilter("iso >= ISO '2025-01-01T00:00:00Z'", named).evaluate(b))).toEqual([0]);
  });
});

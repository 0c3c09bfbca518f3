import { describe, expect, it } from 'vitest';
import { parseServerOptions, quotaArgs } from '../../cli/options.js';
import { MemoryProtection, RateQuotas, unlimitedRates, type RateKind, type RateQuotaConfig } from '../../milvus/quotas.js';
import { errorStatus } from '../../milvus/status.js';
import { TokenBucket } from '../../runtime/token-bucket.js';

/** A clock the test moves by hand. */
const manualClock = () => {
  let ms = 0;
  return { now: () => ms, advance: (by: number) => (ms += by) };
};

/** How many of `offered` requests of `cost`, spread evenly over `seconds`, a bucket lets through. */
function accepted(bucket: TokenBucket, clock: ReturnType<typeof manualClock>, offered: number, seconds: number, cost = 1): number {
  let n = 0;
  for (let i = 0; i < offered; i++) {
    clock.advance((seconds * 1000) / offered);
    if (bucket.allows(cost)) {
      bucket.take(cost);
      n++;
    }
  }
  return n;
}

describe('TokenBucket', () => {
  it('starts full: one second of allowance at once, then nothing until it refills', () => {
    const clock = manualClock();
    const b = new TokenBucket(20, clock.now);
    for (let i = 0; i < 20; i++) {
      expect(b.allows(1)).toBe(true);
      b.take(1);
    }
    expect(b.allows(1)).toBe(false);
    clock.advance(49);
    expect(b.allows(1)).toBe(false);
    clock.advance(1);
    expect(b.allows(1)).toBe(true);
  });

  it('lets through the configured rate of a steady overload, after the initial burst', () => {
    const clock = manualClock();
    const b = new TokenBucket(20, clock.now);
    accepted(b, clock, 1000, 1); // drains the burst
    expect(accepted(b, clock, 10_000, 10)).toBe(200);
  });

  it('lets through everything below the rate', () => {
    const clock = manualClock();
    const b = new TokenBucket(20, clock.now);
    accepted(b, clock, 1000, 1);
    expect(accepted(b, clock, 100, 10)).toBe(100);
  });

  it('holds at most one second of unused allowance', () => {
    const clock = manualClock();
    const b = new TokenBucket(20, clock.now);
    clock.advance(60_000);
    expect(accepted(b, clock, 1000, 0.001)).toBe(20);
  });

  it('lets a request larger than a second through when full, and the debt is waited out', () => {
    const clock = manualClock();
    const b = new TokenBucket(100, clock.now);
    expect(b.allows(250)).toBe(true);
    b.take(250);
    clock.advance(1490);
    expect(b.allows(1)).toBe(false); // 150 tokens of debt take 1.5 s to pay back
    clock.advance(20);
    expect(b.allows(1)).toBe(true);
    expect(b.allows(100)).toBe(false);
    clock.advance(1000);
    expect(b.allows(100)).toBe(true);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new TokenBucket(0)).toThrow(/positive rate/);
  });
});

const config = (kind: RateKind, limit: RateQuotaConfig[RateKind]): RateQuotaConfig => ({ ...unlimitedRates(), [kind]: limit });

describe('RateQuotas', () => {
  it('refuses above a collection limit with Milvus’s rate-limit status, naming the limit', () => {
    const clock = manualClock();
    const refused: string[] = [];
    const q = new RateQuotas(config('search', { collection: 2 }), { now: clock.now, onRefused: (k, c) => refused.push(`${k}/${c}`) });
    q.charge('a', { search: 1 });
    q.charge('a', { search: 1 });
    let err: unknown;
    try {
      q.charge('a', { search: 1 });
    } catch (e) {
      err = e;
    }
    expect(errorStatus(err)).toMatchObject({
      code: 8,
      error_code: 'RateLimit',
      retriable: true,
      reason:
        'request is rejected by the rate limiter: search above quotaAndLimits.dql.searchRate.collection.max of collection a (2 vectors/s), please retry later: rate limit exceeded[rate=2]',
    });
    expect(refused).toEqual(['search/a']);
    // Another collection has its own allowance.
    q.charge('b', { search: 2 });
  });

  it('shares the cluster-wide limit between collections', () => {
    const q = new RateQuotas(config('query', { cluster: 3 }), { now: manualClock().now });
    q.charge('a', { query: 1 });
    q.charge('b', { query: 1 });
    q.charge('c', { query: 1 });
    expect(() => q.charge('d', { query: 1 })).toThrow(/quotaAndLimits\.dql\.queryRate\.max \(3 requests\/s\)/);
  });

  it('counts DML rates in MB/s of request bytes, and a refused write takes nothing from any bucket', () => {
    const clock = manualClock();
    const q = new RateQuotas({ ...unlimitedRates(), insert: { cluster: 1 }, rows: { collection: 10 } }, { now: clock.now });
    q.charge('a', { insert: 1, rows: 6 });
    // Refused by its rows: its bytes are not taken either.
    expect(() => q.charge('a', { rows: 6, insert: 1024 * 1024 })).toThrow(
      /mishards\.dml\.rowsRate\.collection\.max of collection a \(10 rows\/s\)/,
    );
    q.charge('b', { insert: 1024 * 1024 - 1, rows: 1 });
    expect(() => q.charge('c', { insert: 1, rows: 1 })).toThrow(/rate=1048576\]$/);
    clock.advance(1000);
    q.charge('b', { insert: 1024 * 1024, rows: 1 });
  });

  it('lets everything through when unlimited', () => {
    const q = new RateQuotas(unlimitedRates());
    for (let i = 0; i < 1000; i++) q.charge('a', { search: 16384, query: 1, insert: 1e9, rows: 1e6 });
  });

  it('takes new limits at run time: a changed kind starts over at its new rate, the others keep their state', () => {
    const clock = manualClock();
    const q = new RateQuotas({ ...unlimitedRates(), search: { collection: 2 }, query: { cluster: 1 } }, { now: clock.now });
    q.charge('a', { search: 2, query: 1 });
    q.reconfigure({ ...unlimitedRates(), search: { collection: 5 }, query: { cluster: 1 } });
    // search: a full bucket of the new rate; query: still spent.
    q.charge('a', { search: 5 });
    expect(() => q.charge('a', { search: 1 })).toThrow(/collection a \(5 vectors\/s\)/);
    expect(() => q.charge('a', { query: 1 })).toThrow(/queryRate\.max \(1 requests\/s\)/);
    q.reconfigure(unlimitedRates());
    for (let i = 0; i < 100; i++) q.charge('a', { search: 100, query: 1 });
  });
});

describe('MemoryProtection', () => {
  it('refuses writes above the high water level (9, ForceDeny) and lets them through at or below it', () => {
    let used = 960;
    const refused: string[] = [];
    const m = new MemoryProtection(
      0.95,
      () => ({ usedBytes: used, totalBytes: 1000 }),
      (k, c) => refused.push(`${k}/${c}`),
    );
    let err: unknown;
    try {
      m.check('a');
    } catch (e) {
      err = e;
    }
    expect(errorStatus(err)).toMatchObject({
      code: 9,
      error_code: 'ForceDeny',
      retriable: false,
      reason:
        'writes are refused while the writer uses 960 bytes of memory, above dataNodeMemoryHighWaterLevel 0.95 of 1000 bytes: quota exceeded[reason=memory quota exceeded, please allocate more resources]',
    });
    expect(refused).toEqual(['memory/a']);
    used = 950;
    m.check('a');
  });
});

describe('quota options', () => {
  it('reads flags and MISHARDS_ variables (flags win), leaves the rest unlimited, and passes them on unchanged', () => {
    const o = parseServerOptions(['--quota-search-rate-collection', '20', '--quota-insert-rate', '0.5'], {
      MISHARDS_QUOTA_SEARCH_RATE_COLLECTION: '99',
      MISHARDS_QUOTA_ROWS_RATE: '1000',
    });
    expect(o.rates).toEqual({ ...unlimitedRates(), search: { collection: 20 }, insert: { cluster: 0.5 }, rows: { cluster: 1000 } });
    expect(o.memoryHighWaterLevel).toBe(0.95);
    expect(parseServerOptions(quotaArgs(o), {}).rates).toEqual(o.rates);
  });

  it('refuses a rate that is not a positive number and a level outside (0, 1]', () => {
    expect(() => parseServerOptions(['--quota-query-rate', '0'], {})).toThrow(/--quota-query-rate must be a positive number/);
    expect(() => parseServerOptions(['--quota-memory-high-water-level', '1.5'], {})).toThrow(/must be in \(0, 1\]/);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { Debouncer } from '../../core/debouncer.js';
import { RemovalGuard } from '../../control-plane/removal-guard.js';

describe('the mass-removal guard', () => {
  let now = 0;
  const guard = () => new RemovalGuard({ maxRemovedFraction: 0.5, minEndpoints: 4, holdMs: 30_000, now: () => now });

  it('lets small removals, additions and small clusters through', () => {
    const g = guard();
    expect(g.check(10, 6)).toEqual({ push: true });
    expect(g.check(10, 20)).toEqual({ push: true });
    expect(g.check(3, 0)).toEqual({ push: true });
  });

  it('holds a snapshot removing most endpoints, then pushes it when the removal persists', () => {
    const g = guard();
    now = 1000;
    const held = g.check(10, 4);
    expect(held).toMatchObject({ push: false, retryInMs: 30_000 });
    expect(held.push === false && held.reason).toMatch(/remove 6 of 10 endpoints/);
    now = 21_000;
    expect(g.check(10, 4)).toMatchObject({ push: false, retryInMs: 10_000 });
    now = 31_000;
    expect(g.check(10, 4)).toEqual({ push: true, releasedAfterHold: true });
  });

  it('starts the hold again after the removal went away', () => {
    const g = guard();
    now = 0;
    expect(g.check(10, 2).push).toBe(false);
    now = 20_000;
    expect(g.check(10, 9).push).toBe(true);
    now = 40_000;
    expect(g.check(10, 2)).toMatchObject({ push: false, retryInMs: 30_000 });
  });
});

describe('the debouncer', () => {
  afterEach(() => vi.useRealTimers());

  it('runs once a burst goes quiet, and at the latest maxMs after its first trigger', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const d = new Debouncer(fn, 20, 100);
    d.trigger();
    vi.advanceTimersByTime(15);
    d.trigger();
    vi.advanceTimersByTime(15);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(5);
    expect(fn).toHaveBeenCalledTimes(1);
    // A steady stream of triggers every 10 ms still fires every 100 ms.
    for (let t = 0; t < 250; t += 10) {
      d.trigger();
      vi.advanceTimersByTime(10);
    }
    expect(fn).toHaveBeenCalledTimes(3);
  });
});

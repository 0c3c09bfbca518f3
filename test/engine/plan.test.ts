import { expect, it } from 'vitest';
import { overFetch, planSearch } from '../../engine/plan.js';

it('widens the beam by 1 / selectivity, capped at the segment size', () => {
  expect(overFetch(100_000, 100_000, 10, 64)).toBe(64);
  expect(overFetch(100_000, 50_000, 10, 64)).toBe(128);
  expect(overFetch(100_000, 10_000, 10, 64)).toBe(640);
  expect(overFetch(100_000, 10_000, 100, 64)).toBe(1000);
  expect(overFetch(1000, 1, 10, 64)).toBe(1000);
});

it('scans exactly when few rows pass or the segment is small, and uses the graph otherwise', () => {
  const rows = 100_000;
  expect(planSearch(rows, 100, 10, 64, 16).exact).toBe(true); // 0.1%
  expect(planSearch(rows, 1000, 10, 64, 16).exact).toBe(true); // 1%
  expect(planSearch(rows, 4000, 10, 64, 16).exact).toBe(true); // 4%: scan ~ 4000 rows, beam 1600
  expect(planSearch(rows, 4000, 10, 64, 4).exact).toBe(false); // a sparse graph is cheaper to walk
  expect(planSearch(rows, 10_000, 10, 64, 16).exact).toBe(false); // 10%
  expect(planSearch(rows, 50_000, 10, 64, 16).exact).toBe(false);
  expect(planSearch(rows, rows, 10, 64, 16).exact).toBe(false);
  expect(planSearch(200, 200, 10, 64, 16).exact).toBe(true); // a tiny segment
  expect(planSearch(rows, rows, 16384, 64, 16).exact).toBe(false);
  expect(planSearch(rows, 20_000, 16384, 64, 16).exact).toBe(true); // the beam would span the segment
});

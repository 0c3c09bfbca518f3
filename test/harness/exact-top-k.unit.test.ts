import { describe, expect, it } from 'vitest';
import { exactTopK } from './cluster.js';

// Row 2 is a near-tie of row 1 for q (its distance differs by 1e-7, below float32 resolution).
const q = [0, 0];
const rows = new Map<number, number[]>([
  [1, [1, 0]],
  [2, [0, Math.sqrt(1 + 1e-7)]],
  [3, [2, 0]],
  [4, [3, 0]],
]);

describe('exactTopK', () => {
  it('is the exact ranking when no answer is given', () => {
    expect(exactTopK(rows, q, 3)).toEqual([1, 2, 3]);
  });

  it('lets near-tied rows stand in either order', () => {
    expect(exactTopK(rows, q, 3, [2, 1, 3])).toEqual([2, 1, 3]);
  });

  it('keeps the exact row where the answer differs by more than a near-tie', () => {
    expect(exactTopK(rows, q, 3, [1, 3, 2])).toEqual([1, 2, 3]);
    expect(exactTopK(rows, q, 3, [1, 2, 4])).toEqual([1, 2, 3]);
  });

  it('does not accept one row twice for two tied places', () => {
    expect(exactTopK(rows, q, 2, [2, 2])).toEqual([2, 1]);
  });
});

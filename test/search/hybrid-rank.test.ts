import { describe, expect, it } from 'vitest';
import { parseRanker, prepareHybridSearch } from '../../milvus/hybrid-request.js';
import { DEFAULT_REQUEST_LIMITS } from '../../milvus/request-limits.js';
import { MilvusError } from '../../milvus/status.js';
import { fuseRankings, normalizeScore, type Ranker } from '../../search/hybrid-rank.js';

/** The fused keys and scores, for comparing with hand-computed answers. */
const fuse = <K extends bigint | string>(lists: [K, number][][], ranker: Ranker, metric: 'L2' | 'IP' | 'COSINE', limit = 10, offset = 0) =>
  fuseRankings(
    lists.map((l) => l.map(([key, score]) => ({ key, score }))),
    ranker,
    lists.map(() => metric),
    limit,
    offset,
  );

describe('hybrid search ranker', () => {
  it('RRF sums 1 / (k + rank) with ranks from 1 and pages the fused list', () => {
    const lists: [bigint, number][][] = [
      [
        [1n, 0.9],
        [2n, 0.8],
        [3n, 0.7],
      ],
      [
        [3n, 0.95],
        [1n, 0.5],
        [4n, 0.1],
      ],
    ];
    const out = fuse(lists, { strategy: 'rrf', k: 60 }, 'IP');
    expect(out.map((h) => h.key)).toEqual([1n, 3n, 2n, 4n]);
    expect(out[0]!.score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(out[1]!.score).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(out[2]!.score).toBeCloseTo(1 / 62, 12);
    expect(out[3]!.score).toBeCloseTo(1 / 63, 12);
    // Where each hit was first found (its output fields come from there).
    expect(out.map((h) => [h.list, h.pos])).toEqual([
      [0, 0],
      [0, 2],
      [0, 1],
      [1, 2],
    ]);
    expect(fuse(lists, { strategy: 'rrf', k: 60 }, 'IP', 2, 1).map((h) => h.key)).toEqual([3n, 2n]);
    // Scores do not matter to RRF, only ranks (the same lists under L2 fuse the same way).
    expect(fuse(lists, { strategy: 'rrf', k: 60 }, 'L2').map((h) => h.key)).toEqual([1n, 3n, 2n, 4n]);
  });

  it('breaks ties by primary key order: numeric for Int64 keys, lexical for VarChar', () => {
    expect(
      fuse(
        [
          [
            [10n, 1],
            [2n, 1],
          ],
          [
            [2n, 1],
            [10n, 1],
          ],
        ],
        { strategy: 'rrf', k: 1 },
        'IP',
      ).map((h) => h.key),
    ).toEqual([2n, 10n]);
    expect(
      fuse(
        [
          [
            ['b', 1],
            ['a', 1],
          ],
          [
            ['a', 1],
            ['b', 1],
          ],
        ],
        { strategy: 'rrf', k: 1 },
        'IP',
      ).map((h) => h.key),
    ).toEqual(['a', 'b']);
  });

  it('normalizes each metric onto [0, 1], larger better', () => {
    expect(normalizeScore('IP', 0)).toBe(0.5);
    expect(normalizeScore('IP', 1)).toBeCloseTo(0.75, 12);
    expect(normalizeScore('COSINE', -1)).toBe(0);
    expect(normalizeScore('COSINE', 0.5)).toBe(0.75);
    expect(normalizeScore('L2', 0)).toBe(1);
    expect(normalizeScore('L2', 1)).toBeCloseTo(0.5, 12);
    expect(normalizeScore('L2', 4)).toBeLessThan(normalizeScore('L2', 1));
    expect(normalizeScore('BM25', 0)).toBe(0);
    expect(normalizeScore('BM25', 1)).toBeCloseTo(0.5, 12);
  });

  it('Weighted normalizes each list by its own metric (a BM25 search with an L2 one)', () => {
    const out = fuseRankings(
      [
        [
          { key: 1n, score: 1 },
          { key: 2n, score: 0.5 },
        ],
        [
          { key: 2n, score: 0 },
          { key: 1n, score: 1 },
        ],
      ],
      { strategy: 'weighted', weights: [0.5, 0.5], normScore: true },
      ['BM25', 'L2'],
      10,
      0,
    );
    const bm25 = (s: number) => (2 * Math.atan(s)) / Math.PI;
    const l2 = (d: number) => 1 - (2 * Math.atan(d)) / Math.PI;
    expect(out.map((h) => h.key)).toEqual([2n, 1n]);
    expect(out[0]!.score).toBeCloseTo(0.5 * bm25(0.5) + 0.5 * l2(0), 12);
    expect(out[1]!.score).toBeCloseTo(0.5 * bm25(1) + 0.5 * l2(1), 12);
  });

  it('Weighted sums weight * normalized score (IP)', () => {
    const out = fuse(
      [
        [
          [1n, 1],
          [2n, 0],
        ],
        [
          [2n, 1],
          [3n, -1],
        ],
      ],
      { strategy: 'weighted', weights: [0.25, 0.75], normScore: true },
      'IP',
    );
    // 2: 0.25 * 0.5 + 0.75 * 0.75; 1: 0.25 * 0.75; 3: 0.75 * 0.25 (a tie with 1: key order).
    expect(out.map((h) => h.key)).toEqual([2n, 1n, 3n]);
    expect(out.map((h) => h.score)).toEqual([expect.closeTo(0.6875, 12), expect.closeTo(0.1875, 12), expect.closeTo(0.1875, 12)]);
  });

  it('Weighted turns L2 distances into larger-better scores and COSINE into (1 + s) / 2', () => {
    const l2 = fuse(
      [
        [
          [1n, 0],
          [2n, 1],
        ],
        [[2n, 0]],
      ],
      { strategy: 'weighted', weights: [1, 0.5], normScore: true },
      'L2',
    );
    expect(l2.map((h) => [h.key, h.score])).toEqual([
      [1n, 1],
      [2n, expect.closeTo(1, 12)],
    ]);
    const cos = fuse(
      [
        [
          ['x', 0.5],
          ['y', 0.2],
        ],
        [['y', 0.9]],
      ],
      { strategy: 'weighted', weights: [0.6, 0.4], normScore: true },
      'COSINE',
    );
    // y: 0.6 * 0.6 + 0.4 * 0.95 = 0.74; x: 0.6 * 0.75 = 0.45.
    expect(cos.map((h) => [h.key, h.score])).toEqual([
      ['y', expect.closeTo(0.74, 12)],
      ['x', expect.closeTo(0.45, 12)],
    ]);
  });

  it('Weighted without normalization weights raw similarities', () => {
    const out = fuse(
      [
        [
          [1n, 3],
          [2n, 2],
        ],
        [[2n, 4]],
      ],
      { strategy: 'weighted', weights: [1, 0.5], normScore: false },
      'IP',
    );
    // 2: 1 * 2 + 0.5 * 4; 1: 1 * 3.
    expect(out.map((h) => [h.key, h.score])).toEqual([
      [2n, 4],
      [1n, 3],
    ]);
  });
});

describe('HybridSearch request parsing', () => {
  const reason = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(MilvusError);
      expect((e as MilvusError).code).toBe(1100);
      return (e as Error).message;
    }
    throw new Error('expected a Milvus error');
  };

  it('reads rrf (k defaults to 60) and weighted (norm_score defaults to true)', () => {
    expect(parseRanker('rrf', '{"k": 10}', 2)).toEqual({ strategy: 'rrf', k: 10 });
    expect(parseRanker(undefined, undefined, 2)).toEqual({ strategy: 'rrf', k: 60 });
    expect(parseRanker('RRF', '{}', 1)).toEqual({ strategy: 'rrf', k: 60 });
    expect(parseRanker('weighted', '{"weights": [0.2, 0.8]}', 2)).toEqual({ strategy: 'weighted', weights: [0.2, 0.8], normScore: true });
    expect(parseRanker('weighted', '{"weights": [1], "norm_score": false}', 1)).toEqual({
      strategy: 'weighted',
      weights: [1],
      normScore: false,
    });
  });

  it('refuses bad rankers with a clear reason', () => {
    expect(reason(() => parseRanker('max', '{}', 2))).toMatch(/unknown rank strategy "max": use rrf or weighted/);
    expect(reason(() => parseRanker('weighted', '{"weights": [0.5]}', 2))).toMatch(/1 weights for 2 search requests/);
    expect(reason(() => parseRanker('weighted', '{}', 2))).toMatch(/needs params.weights/);
    expect(reason(() => parseRanker('weighted', '{"weights": [2, 0.5]}', 2))).toMatch(/range \[0, 1\]/);
    expect(reason(() => parseRanker('rrf', '{"k": -1}', 2))).toMatch(/k of the rrf ranker/);
    expect(reason(() => parseRanker('rrf', 'nope', 2))).toMatch(/not valid JSON/);
  });

  it('refuses a hybrid search without requests', () => {
    expect(reason(() => prepareHybridSearch({} as any, {} as any, { requests: [], rank_params: [] }, DEFAULT_REQUEST_LIMITS, {}))).toMatch(
      /at least one search request/,
    );
  });
});

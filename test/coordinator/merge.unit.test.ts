import { describe, expect, it } from 'vitest';
import { DataType } from '../../core/schema.js';
import type { MetricType } from '../../engine/engine.js';
import { readPartial, type PartialView } from '../../milvus/partial-result.js';
import { DataNodeService } from '../../proto/data-node.js';
import { gatherFieldsData, gatherIds, mergeQueryRows, mergeSearchResults, type Pick } from '../../ext-proc/coordinator/merge.js';
import { field } from '../filter/fixtures.js';
import { prng } from '../harness/prng.js';
import { partial, type NodeHit, type Output } from './partials.js';

/** The coordinator's merge of partial answers, without any process (partials.ts). */

type Hit = NodeHit;

/** A picked page as [key, score] pairs. */
function read(partials: PartialView[], page: Pick[]): [string, number][] {
  const keys: string[] = gatherIds(partials, page, true).int_id!.data;
  return page.map((p, i) => [keys[i]!, partials[p.partial]!.scores[p.row]!]);
}

describe('search merge', () => {
  it('takes L2 distances ascending across partials', () => {
    const parts = [
      partial([
        [
          [1, 0.5, 1],
          [2, 2.5, 1],
          [3, 4, 1],
        ],
      ]),
      partial([
        [
          [10, 0.25, 1],
          [11, 3, 1],
        ],
      ]),
      partial([[[20, 1, 1]]]),
    ];
    const [page] = mergeSearchResults(parts, 1, 4, 0, 'L2');
    expect(read(parts, page!)).toEqual([
      ['10', 0.25],
      ['1', 0.5],
      ['20', 1],
      ['2', 2.5],
    ]);
  });

  it.each<MetricType>(['IP', 'COSINE'])('takes %s similarities descending across partials', (metric) => {
    const parts = [
      partial([
        [
          [1, 0.75, 1],
          [2, 0.25, 1],
        ],
      ]),
      partial([
        [
          [10, 0.875, 1],
          [11, 0.5, 1],
          [12, -0.5, 1],
        ],
      ]),
    ];
    const [page] = mergeSearchResults(parts, 1, 4, 0, metric);
    expect(read(parts, page!)).toEqual([
      ['10', 0.875],
      ['1', 0.75],
      ['11', 0.5],
      ['2', 0.25],
    ]);
  });

  it('breaks equal scores by partial, then by position, the same way every time', () => {
    const parts = [
      partial([
        [
          [5, 1, 1],
          [6, 1, 1],
        ],
      ]),
      partial([
        [
          [1, 1, 1],
          [2, 1, 1],
        ],
      ]),
    ];
    const [page] = mergeSearchResults(parts, 1, 4, 0, 'L2');
    expect(page).toEqual([
      { partial: 0, row: 0 },
      { partial: 0, row: 1 },
      { partial: 1, row: 0 },
      { partial: 1, row: 1 },
    ]);
  });

  it('returns the page [offset, offset + topk) of the merged order', () => {
    // Each node answered with its best topk + offset = 5.
    const parts = [
      partial([
        [
          [1, 1, 1],
          [3, 3, 1],
          [5, 5, 1],
          [7, 7, 1],
          [9, 9, 1],
        ],
      ]),
      partial([
        [
          [2, 2, 1],
          [4, 4, 1],
          [6, 6, 1],
          [8, 8, 1],
          [10, 10, 1],
        ],
      ]),
    ];
    expect(read(parts, mergeSearchResults(parts, 1, 2, 3, 'L2')[0]!)).toEqual([
      ['4', 4],
      ['5', 5],
    ]);
    expect(read(parts, mergeSearchResults(parts, 1, 5, 0, 'L2')[0]!).map(([k]) => k)).toEqual(['1', '2', '3', '4', '5']);
    // Fewer hits than the offset: an empty page, not an error.
    const few = [partial([[[1, 1, 1]]])];
    expect(mergeSearchResults(few, 1, 3, 2, 'L2')).toEqual([[]]);
  });

  it('merges each of nq queries over its own hits', () => {
    // Node A found nothing for query 1; node B nothing for query 0.
    const parts = [
      partial([
        [
          [1, 0.5, 1],
          [2, 0.75, 1],
        ],
        [],
        [[3, 0.25, 1]],
      ]),
      partial([
        [],
        [
          [4, 0.5, 1],
          [5, 1.5, 1],
        ],
        [
          [6, 0.125, 1],
          [7, 9, 1],
        ],
      ]),
    ];
    const pages = mergeSearchResults(parts, 3, 2, 0, 'L2');
    expect(pages.map((page) => read(parts, page).map(([k]) => k))).toEqual([
      ['1', '2'],
      ['4', '5'],
      ['6', '3'],
    ]);
  });

  it('merges empty partials and no partials into empty pages', () => {
    expect(mergeSearchResults([], 2, 5, 0, 'IP')).toEqual([[], []]);
    const empty = partial([[], []]);
    const parts = [empty, partial([[[1, 0.5, 1]], []]), empty];
    expect(mergeSearchResults(parts, 2, 5, 0, 'IP')).toEqual([[{ partial: 1, row: 0 }], []]);
  });

  it('keeps one hit per primary key, the newest write, ranked by its own score', () => {
    // Key 7 was written at ts 1 (node A) and re-inserted at ts 5 (node B) with another vector.
    const parts = [
      partial([
        [
          [7, 0.125, 1],
          [1, 0.25, 1],
          [2, 0.5, 1],
        ],
      ]),
      partial([
        [
          [3, 0.375, 2],
          [7, 0.4375, 5],
          [4, 0.75, 1],
        ],
      ]),
    ];
    const [page] = mergeSearchResults(parts, 1, 4, 0, 'L2');
    expect(read(parts, page!)).toEqual([
      ['1', 0.25],
      ['3', 0.375],
      ['7', 0.4375],
      ['2', 0.5],
    ]);
    expect(page![2]).toEqual({ partial: 1, row: 1 });
  });

  it('drops an older write ranked after the newer one', () => {
    const parts = [
      partial([
        [
          [7, 0.875, 4],
          [1, 0.5, 1],
        ],
      ]),
      partial([
        [
          [7, 0.75, 2],
          [2, 0.625, 1],
        ],
      ]),
    ];
    const [page] = mergeSearchResults(parts, 1, 3, 0, 'IP');
    expect(read(parts, page!)).toEqual([
      ['7', 0.875],
      ['2', 0.625],
      ['1', 0.5],
    ]);
    expect(page![0]).toEqual({ partial: 0, row: 0 });
  });

  it('counts a key once towards topk + offset, whichever write wins', () => {
    // Without dedup the page would stop at 1, 1, 2; with it the third distinct key is 3.
    const parts = [
      partial([
        [
          [1, 1, 1],
          [2, 3, 1],
          [3, 4, 1],
        ],
      ]),
      partial([
        [
          [1, 2, 2],
          [4, 5, 1],
        ],
      ]),
    ];
    const [page] = mergeSearchResults(parts, 1, 3, 0, 'L2');
    expect(read(parts, page!)).toEqual([
      ['1', 2],
      ['2', 3],
      ['3', 4],
    ]);
  });

  it('tells Int64 keys apart beyond 2^53 and VarChar keys by their text', () => {
    const big = [partial([[[9007199254740993n, 0.5, 1]]]), partial([[[9007199254740992n, 0.25, 1]]])];
    const [page] = mergeSearchResults(big, 1, 5, 0, 'L2');
    expect(gatherIds(big, page!, true)).toEqual({ int_id: { data: ['9007199254740992', '9007199254740993'] } });

    const text = [
      partial([
        [
          ['a', 0.5, 1],
          ['7', 0.25, 1],
        ],
      ]),
      partial([
        [
          ['A', 0.75, 1],
          ['a', 0.125, 3],
        ],
      ]),
    ];
    const [textPage] = mergeSearchResults(text, 1, 5, 0, 'IP');
    expect(gatherIds(text, textPage!, false)).toEqual({ str_id: { data: ['A', '7', 'a'] } });
    expect(textPage![2]).toEqual({ partial: 1, row: 1 });
  });
});

describe('search merge against brute force', () => {
  /**
   * The merge's contract, computed the slow way: every hit of every partial sorted in the
   * metric's order (ties by partial, then position); the shortest prefix holding topk + offset
   * distinct keys (the merge cannot look further); per key its newest write in that prefix
   * (the first of equal stamps), ranked where that write stands; the page of that list.
   */
  function reference(partials: PartialView[], nq: number, topk: number, offset: number, metric: MetricType): Pick[][] {
    const sign = metric === 'L2' ? 1 : -1;
    return Array.from({ length: nq }, (_, q) => {
      const hits: (Pick & { key: string; score: number; ts: number })[] = [];
      partials.forEach((p, i) => {
        const start = p.topks.slice(0, q).reduce((n, k) => n + k, 0);
        for (let row = start; row < start + (p.topks[q] ?? 0); row++) {
          hits.push({ partial: i, row, key: String(p.keys[row]), score: p.scores[row]!, ts: p.timestamps[row]! });
        }
      });
      hits.sort((a, b) => sign * (a.score - b.score) || a.partial - b.partial || a.row - b.row);
      const newest = new Map<string, (typeof hits)[number]>();
      for (const h of hits) {
        const prev = newest.get(h.key);
        if (!prev || h.ts > prev.ts) newest.set(h.key, h);
        if (newest.size === topk + offset) break;
      }
      return hits
        .filter((h) => newest.get(h.key) === h)
        .slice(offset, offset + topk)
        .map(({ partial, row }) => ({ partial, row }));
    });
  }

  /**
   * Partials as nodes produce them: per query at most topk + offset hits, sorted, one per key;
   * keys from a small pool so they repeat across partials; coarse scores so they tie.
   */
  function randomCase(seed: number) {
    const next = prng(seed);
    const int = (n: number) => Math.floor(next() * n);
    const metric = (['L2', 'IP', 'COSINE'] as const)[int(3)]!;
    const nq = 1 + int(3);
    const topk = 1 + int(8);
    const offset = int(4);
    const varchar = next() < 0.5;
    const pool = 4 + int(30);
    const partials = Array.from({ length: int(5) }, () =>
      partial(
        Array.from({ length: nq }, () => {
          const keys = [...new Set(Array.from({ length: int(topk + offset + 1) }, () => int(pool)))];
          const hits = keys.map((k): Hit => [varchar ? `k${k}` : k, int(8) / 4 - (metric === 'L2' ? 0 : 1), 1 + int(4)]);
          return hits.sort((a, b) => (metric === 'L2' ? a[1] - b[1] : b[1] - a[1]));
        }),
      ),
    );
    return { partials, nq, topk, offset, metric };
  }

  it('matches the brute-force merge on 2000 seeded random cases', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const { partials, nq, topk, offset, metric } = randomCase(seed);
      const got = mergeSearchResults(partials, nq, topk, offset, metric);
      expect(got, `seed ${seed}`).toEqual(reference(partials, nq, topk, offset, metric));
      // Whatever the duplicates, a page lists each key once, in the metric's order.
      for (const page of got) {
        const keys = page.map((p) => partials[p.partial]!.keys[p.row]);
        expect(new Set(keys).size, `seed ${seed}`).toBe(keys.length);
        const scores = page.map((p) => partials[p.partial]!.scores[p.row]!);
        const sorted = [...scores].sort((a, b) => (metric === 'L2' ? a - b : b - a));
        expect(scores, `seed ${seed}`).toEqual(sorted);
      }
    }
  });
});

describe('query merge', () => {
  it('orders Int64 keys numerically, one row per key: its newest write', () => {
    const parts = [
      partial([
        [
          [10, 0, 1],
          [-3, 0, 1],
          [9007199254740993n, 0, 1],
        ],
      ]),
      partial([
        [
          [2, 0, 1],
          [10, 0, 7],
          [9007199254740992n, 0, 1],
        ],
      ]),
    ];
    const picks = mergeQueryRows(parts);
    expect(gatherIds(parts, picks, true).int_id!.data).toEqual(['-3', '2', '10', '9007199254740992', '9007199254740993']);
    expect(picks[2]).toEqual({ partial: 1, row: 1 });
  });

  it('orders VarChar keys by their text and keeps the newest write wherever it comes first', () => {
    const parts = [
      partial([
        [
          ['b', 0, 9],
          ['a', 0, 1],
        ],
      ]),
      partial([
        [
          ['b', 0, 3],
          ['B', 0, 1],
        ],
      ]),
    ];
    const picks = mergeQueryRows(parts);
    expect(gatherIds(parts, picks, false).str_id!.data).toEqual(['B', 'a', 'b']);
    expect(picks[2]).toEqual({ partial: 0, row: 0 });
  });

  it('merges no rows into none', () => {
    expect(mergeQueryRows([partial([[]]), partial([[]])])).toEqual([]);
    expect(mergeQueryRows([])).toEqual([]);
  });
});

describe('output columns of the picked rows', () => {
  const scalar = (name: string, values: (number | null)[], nullable = false): Output => ({
    field: field(name, DataType.Int64, { fieldId: 101, nullable }),
    values,
  });
  const vector = (values: number[][]): Output => ({ field: field('v', DataType.FloatVector, { fieldId: 102, dim: 2 }), values });
  const tags = (values: string[][]): Output => ({
    field: field('tags', DataType.Array, { fieldId: 103, elementType: DataType.VarChar }),
    values,
  });
  const numbers = (name: string, type: DataType, values: unknown[]): Output => ({ field: field(name, type), values });

  it('gathers scalars, whole vectors and arrays row by row from the partial that holds each', () => {
    const a = partial(
      [
        [
          [1, 0.5, 1],
          [2, 0.75, 1],
        ],
      ],
      [
        scalar('n', [10, 20]),
        vector([
          [1, 2],
          [3, 4],
        ]),
        tags([['x'], ['y', 'z']]),
      ],
    );
    const b = partial([[[3, 0.25, 1]]], [scalar('n', [30]), vector([[5, 6]]), tags([[]])]);
    const fields = gatherFieldsData(
      [a, b],
      [
        { partial: 1, row: 0 },
        { partial: 0, row: 1 },
      ],
    );
    // The primary key is always returned, after the requested fields.
    expect(fields.map((f) => f.field_name)).toEqual(['n', 'v', 'tags', 'id']);
    expect(fields[0]!.scalars!.long_data!.data).toEqual(['30', '20']);
    expect(fields[1]!.vectors).toEqual({ dim: '2', float_vector: { data: new Float32Array([5, 6, 3, 4]) } });
    expect(fields[2]!.scalars!.array_data!.element_type).toBe('VarChar');
    expect(fields[2]!.scalars!.array_data!.data.map((v) => v.string_data!.data)).toEqual([[], ['y', 'z']]);
    expect(fields[3]!.scalars!.long_data!.data).toEqual(['3', '2']);
    expect(fields.every((f) => f.valid_data.length === 0)).toBe(true);
    expect(fields.map((f) => [f.type, f.field_id])).toEqual([
      ['Int64', '101'],
      ['FloatVector', '102'],
      ['Array', '103'],
      ['Int64', '100'],
    ]);
  });

  it('gathers every fixed-width type exactly', () => {
    const outputs = (row: number) => [
      numbers('b', DataType.Bool, [row % 2 === 0]),
      numbers('i8', DataType.Int8, [-row]),
      numbers('i32', DataType.Int32, [2 ** 31 - 1 - row]),
      numbers('i64', DataType.Int64, [2n ** 63n - 1n - BigInt(row)]),
      numbers('f', DataType.Float, [Math.fround(0.1 * row)]),
      numbers('d', DataType.Double, [0.1 * row]),
    ];
    const parts = [partial([[[1, 0.5, 1]]], outputs(1)), partial([[[2, 0.25, 1]]], outputs(2))];
    const fields = gatherFieldsData(parts, [
      { partial: 1, row: 0 },
      { partial: 0, row: 0 },
    ]);
    const byName = Object.fromEntries(fields.map((f) => [f.field_name, f.scalars]));
    expect(byName.b!.bool_data!.data).toEqual([true, false]);
    expect(byName.i8!.int_data!.data).toEqual([-2, -1]);
    expect(byName.i32!.int_data!.data).toEqual([2 ** 31 - 3, 2 ** 31 - 2]);
    expect(byName.i64!.long_data!.data).toEqual(['9223372036854775805', '9223372036854775806']);
    expect(byName.f!.float_data!.data).toEqual([Math.fround(0.2), Math.fround(0.1)]);
    expect(byName.d!.double_data!.data).toEqual([0.2, 0.1]);
  });

  it('carries validity for nullable fields, even when an empty partial comes first', () => {
    const empty = partial([[]], [scalar('n', [], true)]);
    const a = partial(
      [
        [
          [1, 0.5, 1],
          [2, 0.75, 1],
        ],
      ],
      [scalar('n', [10, null], true)],
    );
    const [field] = gatherFieldsData(
      [empty, a],
      [
        { partial: 1, row: 1 },
        { partial: 1, row: 0 },
      ],
    );
    expect(field!.valid_data).toEqual([false, true]);
    expect(field!.scalars!.long_data!.data).toEqual(['0', '10']);
  });

  it('reads keys, scores and stamps that start at any byte of the message', () => {
    // A received message's fields start wherever they fall; typed arrays need aligned starts.
    const at1 = (bytes: number, write: (b: Buffer) => void) => {
      const b = Buffer.alloc(bytes + 1);
      write(b);
      return b.subarray(1);
    };
    const p = readPartial(
      {
        topks: [1],
        int_ids: at1(8, (b) => b.writeBigInt64LE(-(2n ** 62n), 1)),
        str_ids: [],
        scores: at1(4, (b) => b.writeFloatLE(0.375, 1)),
        timestamps: at1(8, (b) => b.writeDoubleLE(1.5, 1)),
        columns: [],
        group_values: null,
        order_values: [],
      },
      true,
    );
    expect([p.keys[0], p.scores[0], p.timestamps[0]]).toEqual([-(2n ** 62n), 0.375, 1.5]);
  });

  it('refuses a partial whose columns do not add up to its rows', () => {
    const method = DataNodeService.service.SearchSegments;
    const response = method.responseDeserialize(
      method.responseSerialize({ status: { code: 0, reason: '' }, partial: { topks: [2], int_ids: Buffer.alloc(8) } }),
    );
    expect(() => readPartial(response.partial, true)).toThrow('malformed partial answer from a data node: ids: 8 bytes for 2 rows');
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { float32ToBFloat16, float32ToFloat16, halfTable } from '../../core/half-float.js';
import type { MetricType } from '../../core/vector-types.js';
import { rowNorms } from '../../engine/block-scorer.js';
import { exactSearch } from '../../engine/flat.js';
import { createEngine } from '../../engine/index.js';
import { sparseSetFromRows, type DenseVectors, type VectorSet } from '../../engine/vectors.js';

/**
 * The exact scan of every kind of vector against a naive reference written here: float16,
 * bfloat16 and int8 rows decoded one value at a time and scored in double precision; binary
 * rows bit by bit; sparse rows through a map. Through the engine (worker and inline paths) and
 * with allowed rows.
 */
const engine = createEngine({ threads: 2 });
afterAll(() => engine.close());

const ROWS = 700;
const DIM = 24;
const NQ = 5;
const K = 12;

const wave = (i: number, j: number) => Math.sin(i * 0.37 + j * 1.3) * 3 + Math.cos(i * j * 0.01);

function refFloat(metric: MetricType, a: number[], b: number[]): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  let l2 = 0;
  for (let j = 0; j < a.length; j++) {
    d += a[j]! * b[j]!;
    na += a[j]! * a[j]!;
    nb += b[j]! * b[j]!;
    l2 += (a[j]! - b[j]!) ** 2;
  }
  if (metric === 'L2') return l2;
  if (metric === 'IP') return d;
  return na === 0 || nb === 0 ? 0 : d / Math.sqrt(na * nb);
}

const bitsOf = (bytes: number[]) => bytes.flatMap((b) => Array.from({ length: 8 }, (_, k) => (b >> k) & 1));
function refBinary(metric: MetricType, a: number[], b: number[]): number {
  const x = bitsOf(a);
  const y = bitsOf(b);
  const differ = x.filter((v, i) => v !== y[i]).length;
  if (metric === 'HAMMING') return differ;
  const both = x.filter((v, i) => v && y[i]).length;
  const either = x.filter((v, i) => v || y[i]).length;
  return either === 0 ? 0 : 1 - both / either;
}

/** The reference top k: scores of the best rows, best first, and each row's score. */
function reference(
  rows: unknown[],
  queries: unknown[],
  k: number,
  metric: MetricType,
  score: (q: unknown, r: unknown) => number | undefined,
  allowed?: Uint8Array,
) {
  const larger = metric === 'IP' || metric === 'COSINE';
  return queries.map((q) => {
    const all = rows
      .map((r, i) => ({ i, s: allowed && !allowed[i] ? undefined : score(q, r) }))
      .filter((h): h is { i: number; s: number } => h.s !== undefined)
      .sort((a, b) => (larger ? b.s - a.s : a.s - b.s) || a.i - b.i);
    return { top: all.slice(0, k).map((h) => h.s), byRow: new Map(all.map((h) => [h.i, h.s])) };
  });
}

/** The engine's answer equals the reference: the best scores (ties either way) and each hit's own score. */
function expectExact(got: { offsets: Int32Array[]; scores: Float32Array[] }, want: ReturnType<typeof reference>) {
  want.forEach((w, q) => {
    expect(Array.from(got.scores[q]!)).toEqual(w.top.map((s) => expect.closeTo(s, 4)));
    for (const [j, o] of got.offsets[q]!.entries()) expect(got.scores[q]![j]).toBeCloseTo(w.byRow.get(o)!, 4);
  });
}

interface Kind {
  name: string;
  metrics: MetricType[];
  set: (rows: number, seed: number) => { set: VectorSet; plain: unknown[] };
  score: (metric: MetricType) => (q: unknown, r: unknown) => number | undefined;
}

function halfKind(element: 'float16' | 'bfloat16'): Kind {
  const encode = element === 'float16' ? float32ToFloat16 : float32ToBFloat16;
  const table = halfTable(element);
  return {
    name: element,
    metrics: ['L2', 'IP', 'COSINE'],
    set: (rows, seed) => {
      const values = new Uint16Array(rows * DIM);
      for (let i = 0; i < values.length; i++) values[i] = encode(wave(seed + Math.floor(i / DIM), i % DIM));
      const plain = Array.from({ length: rows }, (_, r) => Array.from(values.subarray(r * DIM, (r + 1) * DIM), (h) => table[h]!));
      return { set: { element, dim: DIM, values }, plain };
    },
    score: (metric) => (q, r) => refFloat(metric, q as number[], r as number[]),
  };
}

const kinds: Kind[] = [
  halfKind('float16'),
  halfKind('bfloat16'),
  {
    name: 'int8',
    metrics: ['L2', 'IP', 'COSINE'],
    set: (rows, seed) => {
      const values = Int8Array.from({ length: rows * DIM }, (_, i) => Math.round(wave(seed + Math.floor(i / DIM), i % DIM) * 40));
      // One all-zero row: COSINE scores it 0.
      values.fill(0, 0, DIM);
      const plain = Array.from({ length: rows }, (_, r) => Array.from(values.subarray(r * DIM, (r + 1) * DIM)));
      return { set: { element: 'int8', dim: DIM, values }, plain };
    },
    score: (metric) => (q, r) => refFloat(metric, q as number[], r as number[]),
  },
  {
    name: 'binary',
    metrics: ['HAMMING', 'JACCARD'],
    set: (rows, seed) => {
      const bytes = DIM / 8;
      const values = Uint8Array.from(
        { length: rows * bytes },
        (_, i) => (Math.abs(wave(seed + Math.floor(i / bytes), i % bytes)) * 997) & 0xff,
      );
      // An empty row: JACCARD with an empty query is 0.
      values.fill(0, bytes, 2 * bytes);
      const plain = Array.from({ length: rows }, (_, r) => Array.from(values.subarray(r * bytes, (r + 1) * bytes)));
      return { set: { element: 'binary', dim: DIM, values }, plain };
    },
    score: (metric) => (q, r) => refBinary(metric, q as number[], r as number[]),
  },
  {
    name: 'sparse',
    metrics: ['IP'],
    set: (rows, seed) => {
      const plain: Map<number, number>[] = [];
      const wire = Array.from({ length: rows }, (_, r) => {
        const entries: [number, number][] = [];
        for (let j = 0; j < 60; j++)
          if ((seed + r * 5 + j * 7) % 13 === 0) entries.push([j * 1000 + (r % 3), Math.fround(Math.abs(wave(r, j)))]);
        plain.push(new Map(entries));
        const bytes = new Uint8Array(entries.length * 8);
        const view = new DataView(bytes.buffer);
        entries.forEach(([i, v], n) => {
          view.setUint32(n * 8, i, true);
          view.setFloat32(n * 8 + 4, v, true);
        });
        return bytes;
      });
      return { set: sparseSetFromRows(wire), plain };
    },
    score: () => (q, r) => {
      let s = 0;
      for (const [i, v] of q as Map<number, number>) s += v * ((r as Map<number, number>).get(i) ?? 0);
      return s > 0 ? s : undefined;
    },
  },
];

describe.each(kinds)('exact search of $name vectors', (kind) => {
  const data = kind.set(ROWS, 0);
  const queries = kind.set(NQ, 5000);
  for (const metric of kind.metrics) {
    it(`${metric}: the engine's FLAT index equals the reference, with and without allowed rows`, async () => {
      const index = await engine.build(data.set, metric, 'FLAT');
      try {
        const want = reference(data.plain, queries.plain, K, metric, kind.score(metric));
        expectExact(await index.search({ queries: queries.set, nq: NQ, k: K }), want);
        const allowed = Uint8Array.from({ length: ROWS }, (_, i) => (i % 3 === 1 ? 1 : 0));
        const filtered = reference(data.plain, queries.plain, K, metric, kind.score(metric), allowed);
        expectExact(await index.search({ queries: queries.set, nq: NQ, k: K, allowed }), filtered);
        // The same scan on this thread (the inline path and the workers share one scorer).
        const norms = metric === 'COSINE' ? rowNorms(data.set as DenseVectors, new Float64Array(ROWS)) : undefined;
        expectExact(exactSearch({ vectors: data.set, metric, ...(norms ? { norms } : {}) }, queries.set, NQ, K), want);
      } finally {
        await index.close();
      }
    });
  }
});

describe('half-precision conversions', () => {
  it('round float32 to the nearest float16 and bfloat16, ties to even', () => {
    const f16 = halfTable('float16');
    const bf16 = halfTable('bfloat16');
    // Every finite half is the nearest to itself, and the midpoint between two neighbours goes to the even one.
    for (let h = 0; h < 0x7c00; h += 7) {
      expect(float32ToFloat16(f16[h]!)).toBe(h);
      if (h + 1 < 0x7c00) {
        const mid = (f16[h]! + f16[h + 1]!) / 2;
        expect(float32ToFloat16(mid)).toBe(h % 2 === 0 ? h : h + 1);
      }
    }
    expect(float32ToFloat16(65520)).toBe(0x7c00);
    expect(float32ToFloat16(-(2 ** -26))).toBe(0x8000);
    for (let h = 0; h < 0x7f80; h += 13) expect(float32ToBFloat16(bf16[h]!)).toBe(h);
    expect(float32ToBFloat16(1 + 2 ** -8)).toBe(0x3f80);
    expect(float32ToBFloat16(1 + 3 * 2 ** -8)).toBe(0x3f82);
  });
});

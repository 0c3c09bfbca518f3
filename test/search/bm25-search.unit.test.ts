import { describe, expect, it } from 'vitest';
import type { Column } from '../../core/columns.js';
import { DataType } from '../../core/schema.js';
import { compileFilter } from '../../filter/index.js';
import { prepareBm25Query, searchBm25Locally } from '../../milvus/bm25-request.js';
import { computeFunctionOutputs } from '../../milvus/function-outputs.js';
import { PlaceholderGroupMessage } from '../../milvus/proto.js';
import { termStatistics } from '../../search/bm25-search.js';
import { GrowingSegment } from '../../segment/growing.js';
import { termHash } from '../../text/term-hash.js';
import { prng } from '../harness/prng.js';
import { collectionSchema, fieldSchema } from '../harness/schemas.js';

/**
 * BM25 over in-process segments against a naive BM25: statistics of visible rows only
 * (deletes), and a growing segment's index extended as rows arrive after it was first used.
 */
const schema = {
  ...collectionSchema('docs', [
    fieldSchema(100, 'id', DataType.Int64, { isPrimaryKey: true }),
    fieldSchema(101, 'text', DataType.VarChar, { maxLength: 512, enableAnalyzer: true }),
    fieldSchema(102, 'sparse', DataType.SparseFloatVector, { isFunctionOutput: true }),
    fieldSchema(103, 'v', DataType.FloatVector, { dim: 2 }),
  ]),
  functions: [{ name: 'fn', description: '', type: 'BM25' as const, inputField: 'text', outputField: 'sparse' }],
};
const sparse = schema.fields.find((f) => f.name === 'sparse')!;

const next = prng(11);
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'eps', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu'];
const texts = Array.from({ length: 300 }, () =>
  Array.from({ length: 1 + Math.floor(next() * 20) }, () => WORDS[Math.floor(WORDS.length * next() ** 1.5)]!).join(' '),
);

function append(seg: GrowingSegment, from: number, to: number, lsn: number): void {
  const columns = new Map<string, Column>([
    ['id', { type: DataType.Int64, values: BigInt64Array.from({ length: to - from }, (_, i) => BigInt(from + i)) }],
    ['text', { type: DataType.VarChar, values: texts.slice(from, to) }],
    ['v', { type: DataType.FloatVector, dim: 2, values: new Float32Array((to - from) * 2) }],
  ]);
  computeFunctionOutputs(schema, columns);
  seg.append(to - from, columns, lsn, 0);
}

function naive(query: string, ids: number[], allowed: (id: number) => boolean = () => true): { id: number; score: number }[] {
  const tf = texts.map((t) => {
    const m = new Map<string, number>();
    for (const w of t.split(' ')) m.set(w, (m.get(w) ?? 0) + 1);
    return m;
  });
  const dl = (id: number) => texts[id]!.split(' ').length;
  const avgdl = ids.reduce((s, id) => s + dl(id), 0) / ids.length;
  const q = new Map<string, number>();
  for (const w of query.split(' ')) q.set(w, (q.get(w) ?? 0) + 1);
  const out: { id: number; score: number }[] = [];
  for (const id of ids.filter(allowed)) {
    let s = 0;
    let hit = false;
    for (const [w, n] of q) {
      const f = tf[id]!.get(w);
      if (!f) continue;
      hit = true;
      const df = ids.filter((d) => tf[d]!.has(w)).length;
      const weight = Math.fround(n * Math.fround(Math.log(1 + (ids.length - df + 0.5) / (df + 0.5))));
      s += (weight * (f * 2.2)) / (f + 1.2 * (0.25 + (0.75 * dl(id)) / avgdl));
    }
    if (hit) out.push({ id, score: s });
  }
  return out.sort((a, b) => b.score - a.score || a.id - b.id);
}

const placeholder = (query: string) =>
  PlaceholderGroupMessage.encode({ placeholders: [{ tag: '$0', type: 'VarChar', values: [Buffer.from(query)] }] });

async function search(segments: GrowingSegment[], query: string, filter?: string) {
  const q = prepareBm25Query(schema, sparse, placeholder(query), []);
  const compiled = compileFilter(filter ?? '', schema);
  const [hits] = await searchBm25Locally(segments, segments, q, 10, { filter: compiled });
  return hits!.map((h) => ({ id: Number(h.pk), score: h.score }));
}

/** The reference's best 10: scores in order, each hit's own score, the same ids unless scores tie at the cut (ties may rank either way). */
function expectSame(got: { id: number; score: number }[], want: { id: number; score: number }[]): void {
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-5 * Math.abs(b);
  const best = want.slice(0, 10);
  expect(got).toHaveLength(best.length);
  got.forEach((h, i) => {
    expect(close(h.score, best[i]!.score)).toBe(true);
    expect(close(h.score, want.find((w) => w.id === h.id)!.score)).toBe(true);
  });
  if (!(want.length > 10 && close(want[9]!.score, want[10]!.score)))
    expect(new Set(got.map((h) => h.id))).toEqual(new Set(best.map((h) => h.id)));
}

describe('BM25 over segments', () => {
  it('counts the visible rows of every segment, and extends a growing index as rows arrive', async () => {
    const a = new GrowingSegment(1, 1, 1, schema);
    const b = new GrowingSegment(2, 1, 1, schema);
    append(a, 0, 100, 1);
    append(b, 100, 180, 2);
    const ids = Array.from({ length: 180 }, (_, i) => i);
    const query = 'gamma mu mu kappa';
    expectSame(await search([a, b], query), naive(query, ids));
    for (const id of [3, 50, 120, 121]) (id < 100 ? a : b).applyDelete(BigInt(id), 10);
    const live = ids.filter((id) => ![3, 50, 120, 121].includes(id));
    const stats = termStatistics([a, b], 'sparse', [termHash('mu')], {});
    expect(stats.rows).toBe(live.length);
    expect(stats.tokens).toBe(live.reduce((s, id) => s + texts[id]!.split(' ').length, 0));
    expect(stats.docFrequency.get(termHash('mu'))).toBe(live.filter((id) => texts[id]!.split(' ').includes('mu')).length);
    expectSame(await search([a, b], query), naive(query, live));
    append(a, 180, 300, 20);
    const all = [...live, ...Array.from({ length: 120 }, (_, i) => 180 + i)];
    expectSame(await search([a, b], query), naive(query, all));
    expectSame(
      await search([a, b], 'lambda eta', 'id % 3 == 1'),
      naive('lambda eta', all, (id) => id % 3 === 1),
    );
  });
});

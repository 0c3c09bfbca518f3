import { describe, expect, it } from 'vitest';
import { DataType } from '../../core/schema.js';
import type { MetricType } from '../../engine/engine.js';
import { completeGroups, mergeGroupedResults } from '../../ext-proc/coordinator/group-merge.js';
import { mergeQueryRows, pickKey } from '../../ext-proc/coordinator/merge.js';
import type { PartialView } from '../../milvus/partial-result.js';
import type { FieldOrder } from '../../search/field-keys.js';
import { selectGroups } from '../../search/grouping.js';
import { field } from '../filter/fixtures.js';
import { prng } from '../harness/prng.js';
import { partial, type NodeHit } from './partials.js';

/**
 * The coordinator's merges for grouping search and query ORDER BY, against brute force over
 * all rows: rows are spread over simulated nodes, each node answers as a data node does
 * (its own grouping, or its own sorted page), the coordinator merges, and the answer must be
 * the one computed over all rows at once, however the rows fall.
 */

const cat = field('cat', DataType.VarChar, { nullable: true });

interface Row {
  pk: number;
  /** Per query; distinct integers, exact in float32. */
  scores: number[];
  cat: string | null;
  node: number;
}

/** Rows of `rows` for query q, best first. */
const ranked = (rows: Row[], q: number, metric: MetricType) =>
  [...rows].sort((a, b) => (metric === 'L2' ? a.scores[q]! - b.scores[q]! : b.scores[q]! - a.scores[q]!));

interface Spec {
  groups: number;
  size: number;
  strict: boolean;
}

/**
 * Milvus's grouping spelled out over a ranked list (strict: each of the first `groups` groups
 * filled to `size`; not strict: hits before the first hit of the `groups`-th group).
 */
function referenceGroups(list: Row[], spec: Spec): number[][] {
  const order: (string | null)[] = [];
  const members = new Map<string | null, number[]>();
  for (const row of list) {
    if (!members.has(row.cat)) {
      if (order.length === spec.groups) continue;
      order.push(row.cat);
      members.set(row.cat, []);
    }
    const m = members.get(row.cat)!;
    if (m.length < spec.size) m.push(row.pk);
    if (!spec.strict && order.length === spec.groups) break;
  }
  return order.map((k) => members.get(k)!);
}

/** One node's grouped answer for `queries`, as a data node computes it over its rows (restricted to `only` when given). */
function nodeAnswer(rows: Row[], queries: number[], spec: Spec, metric: MetricType, only?: Set<string | null>): PartialView {
  const perQuery: NodeHit[][] = [];
  const groupValues: (string | null)[] = [];
  for (const q of queries) {
    const list = ranked(
      rows.filter((r) => !only || only.has(r.cat)),
      q,
      metric,
    );
    const picked = selectGroups(list.length, (i) => list[i]!.cat, spec, list.length);
    // A node sends the selected hits in rank order.
    const hits = picked.members
      .flat()
      .sort((a, b) => a - b)
      .map((i) => list[i]!);
    perQuery.push(hits.map((r) => [r.pk, r.scores[q]!, 1]));
    groupValues.push(...hits.map((r) => r.cat));
  }
  return partial(perQuery, [], { group: { field: cat, values: groupValues } });
}

/** The coordinator's answer: merge, and for strict searches the second round for short groups. */
function coordinatorAnswer(nodes: Row[][], nq: number, spec: Spec, metric: MetricType): { groups: number[][][]; secondRound: boolean } {
  const queries = Array.from({ length: nq }, (_, q) => q);
  const first = nodes.map((rows) => nodeAnswer(rows, queries, spec, metric));
  const { perQuery, incomplete } = mergeGroupedResults(first, nq, spec, metric);
  let all = first;
  const short = queries.filter((q) => incomplete[q]!.length > 0);
  if (short.length) {
    const union = new Set(short.flatMap((q) => incomplete[q]!)) as Set<string | null>;
    const second = nodes.map((rows) => nodeAnswer(rows, short, { groups: union.size, size: spec.size, strict: true }, metric, union));
    completeGroups(perQuery, incomplete, short, second, first.length, spec.size, metric);
    all = [...first, ...second];
  }
  return {
    groups: perQuery.map((q) => q.members.map((m) => m.map((pick) => Number(pickKey(all, pick))))),
    secondRound: short.length > 0,
  };
}

describe('grouping search merge', () => {
  it.each<MetricType>(['L2', 'IP'])('equals grouping over all rows, strict or not, on 600 seeded layouts (%s)', (metric) => {
    const rand = prng(metric === 'L2' ? 3 : 5);
    let secondRounds = 0;
    for (let round = 0; round < 600; round++) {
      const nodes = 1 + Math.floor(rand() * 4);
      const n = Math.floor(rand() * 80);
      const nq = 1 + Math.floor(rand() * 2);
      const distinct = 1 + Math.floor(rand() * 10);
      const perms = Array.from({ length: nq }, () => {
        const p = Array.from({ length: n }, (_, i) => i);
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(rand() * (i + 1));
          [p[i], p[j]] = [p[j]!, p[i]!];
        }
        return p;
      });
      const rows: Row[] = Array.from({ length: n }, (_, i) => {
        // Skewed categories, so that groups have many hits across nodes; null is a group too.
        const c = Math.floor(rand() ** 2 * distinct);
        return { pk: i, scores: perms.map((p) => p[i]!), cat: c === 0 ? null : `c${c}`, node: Math.floor(rand() * nodes) };
      });
      const byNode = Array.from({ length: nodes }, (_, k) => rows.filter((r) => r.node === k));
      const spec: Spec = { groups: 1 + Math.floor(rand() * 5), size: 1 + Math.floor(rand() * 4), strict: rand() < 0.5 };
      const got = coordinatorAnswer(byNode, nq, spec, metric);
      const want = Array.from({ length: nq }, (_, q) => referenceGroups(ranked(rows, q, metric), spec));
      expect(got.groups, `round ${round}: ${nodes} nodes, ${JSON.stringify(spec)}`).toEqual(want);
      if (got.secondRound) secondRounds++;
      // Group size 1 and non-strict answers are exact from the first round.
      if (!spec.strict || spec.size === 1) expect(got.secondRound).toBe(false);
    }
    // The layouts split groups across nodes often enough to need the second round.
    expect(secondRounds).toBeGreaterThan(20);
  });
});

describe('query ORDER BY merge', () => {
  const price = field('price', DataType.Double);
  const score = field('score', DataType.Int32, { nullable: true });

  interface QueryRow {
    pk: number;
    price: number;
    score: number | null;
  }

  /** Brute force: sort by the keys (nulls by `nullsFirst`), ties by primary key. */
  function referenceOrder(rows: QueryRow[], order: FieldOrder[]): number[] {
    const value = (r: QueryRow, f: FieldOrder) => (f.field.name === 'price' ? r.price : r.score);
    return [...rows]
      .sort((a, b) => {
        for (const f of order) {
          const x = value(a, f);
          const y = value(b, f);
          if (x === y) continue;
          if (x === null) return f.nullsFirst ? -1 : 1;
          if (y === null) return f.nullsFirst ? 1 : -1;
          return (x < y ? -1 : 1) * (f.ascending ? 1 : -1);
        }
        return a.pk - b.pk;
      })
      .map((r) => r.pk);
  }

  it('equals sorting all rows, with ties and nulls, on 500 seeded layouts', () => {
    const rand = prng(17);
    const orders: FieldOrder[][] = [
      [{ field: price, ascending: true, nullsFirst: false }],
      [{ field: price, ascending: false, nullsFirst: true }],
      [{ field: score, ascending: true, nullsFirst: false }],
      [{ field: score, ascending: false, nullsFirst: true }],
      [{ field: score, ascending: true, nullsFirst: true }],
      [
        { field: score, ascending: false, nullsFirst: false },
        { field: price, ascending: true, nullsFirst: false },
      ],
    ];
    for (let round = 0; round < 500; round++) {
      const nodes = 1 + Math.floor(rand() * 4);
      const rows: QueryRow[] = Array.from({ length: Math.floor(rand() * 60) }, (_, pk) => ({
        pk,
        // Few distinct values: many ties, broken by primary key.
        price: Math.floor(rand() * 6) / 2,
        score: rand() < 0.25 ? null : Math.floor(rand() * 5),
      }));
      const node = rows.map(() => Math.floor(rand() * nodes));
      const order = orders[round % orders.length]!;
      const limit = 1 + Math.floor(rand() * 10);
      const offset = Math.floor(rand() * 8);
      // Each node answers its own first offset + limit rows in the order.
      const partials = Array.from({ length: nodes }, (_, k) => {
        const own = rows.filter((_, i) => node[i] === k);
        const page = referenceOrder(own, order)
          .slice(0, offset + limit)
          .map((pk) => own.find((r) => r.pk === pk)!);
        return partial([page.map((r) => [r.pk, 0, 1])], [], {
          order: order.map((f) => ({ field: f.field, values: page.map((r) => (f.field.name === 'price' ? r.price : r.score)) })),
        });
      });
      const got = mergeQueryRows(partials, order)
        .slice(offset, offset + limit)
        .map((pick) => Number(pickKey(partials, pick)));
      expect(got, `round ${round}`).toEqual(referenceOrder(rows, order).slice(offset, offset + limit));
    }
  });
});

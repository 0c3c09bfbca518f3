import { describe, expect, it } from 'vitest';
import { DataType } from '../../core/schema.js';
import { compileFilter } from '../../filter/index.js';
import type { FieldKey } from '../../search/field-keys.js';
import { restrictToGroups, selectGroups } from '../../search/grouping.js';
import { batchOf, field, schemaOf } from '../filter/fixtures.js';
import { prng } from '../harness/prng.js';

/**
 * Grouping selection over a ranked stream, against Milvus's rule spelled out plainly: strict
 * fills each of the first `groups` groups to `size`; not strict stops at the first hit of
 * the `groups`-th group.
 */
function reference(keys: FieldKey[], groups: number, size: number, strict: boolean): number[][] {
  const order: FieldKey[] = [];
  const members = new Map<FieldKey, number[]>();
  let end = keys.length;
  if (!strict) {
    const seen = new Set<FieldKey>();
    for (let i = 0; i < keys.length; i++) {
      seen.add(keys[i]!);
      if (seen.size === groups) {
        end = i + 1;
        break;
      }
    }
  }
  for (let i = 0; i < end; i++) {
    const key = keys[i]!;
    if (!members.has(key)) {
      if (order.length === groups) continue;
      order.push(key);
      members.set(key, []);
    }
    const m = members.get(key)!;
    if (m.length < size) m.push(i);
  }
  return order.map((k) => members.get(k)!);
}

describe('selectGroups', () => {
  it('selects as Milvus does, strict or not, on 3000 seeded streams', () => {
    const rand = prng(11);
    for (let round = 0; round < 3000; round++) {
      const n = Math.floor(rand() * 60);
      const distinct = 1 + Math.floor(rand() * 12);
      // Skewed: low keys are common, as categories are; null is a group of its own.
      const keys = Array.from({ length: n }, () => {
        const k = Math.floor(rand() ** 2 * distinct);
        return k === 0 ? null : k;
      });
      const groups = 1 + Math.floor(rand() * 6);
      const size = 1 + Math.floor(rand() * 4);
      for (const strict of [true, false]) {
        const got = selectGroups(n, (i) => keys[i]!, { groups, size, strict }, n);
        expect(got.members, `round ${round} ${strict ? 'strict' : 'loose'}`).toEqual(reference(keys, groups, size, strict));
        expect(got.keys).toEqual(got.members.map((m) => keys[m[0]!]));
        expect(got.settled).toBe(true);
      }
    }
  });

  it('is settled only when it needs no entry past the exact part of the stream', () => {
    const keys = ['a', 'a', 'b', 'a', 'c', 'b', 'c'];
    const at = (i: number) => keys[i]!;
    // Strict, 2 groups of 2: complete at position 5 (b's second hit).
    expect(selectGroups(keys.length, at, { groups: 2, size: 2, strict: true }, 6).settled).toBe(true);
    expect(selectGroups(keys.length, at, { groups: 2, size: 2, strict: true }, 5).settled).toBe(false);
    // Not strict, 3 groups: decided at position 4 (c's first hit).
    expect(selectGroups(keys.length, at, { groups: 3, size: 2, strict: false }, 5).settled).toBe(true);
    expect(selectGroups(keys.length, at, { groups: 3, size: 2, strict: false }, 4).settled).toBe(false);
    // Too few groups: only a complete stream settles it.
    expect(selectGroups(keys.length, at, { groups: 4, size: 1, strict: false }, 7).settled).toBe(true);
    expect(selectGroups(keys.length, at, { groups: 4, size: 1, strict: false }, 6).settled).toBe(false);
  });
});

describe('restrictToGroups', () => {
  it('keeps the rows of the named groups that pass the filter, nulls included', () => {
    const cat = field('cat', DataType.VarChar, { nullable: true });
    const n = field('n', DataType.Int64);
    const schema = schemaOf([field('id', DataType.Int64, { isPrimaryKey: true }), cat, n]);
    const batch = batchOf(schema, [
      { id: 1, cat: 'a', n: 1 },
      { id: 2, cat: 'b', n: 2 },
      { id: 3, cat: null, n: 3 },
      { id: 4, cat: 'a', n: 4 },
      { id: 5, cat: 'c', n: 5 },
    ]);
    const byCat = restrictToGroups(compileFilter('n > 1', schema), cat, new Set<FieldKey>(['a', null]));
    expect([...byCat.evaluate(batch)]).toEqual([0, 0, 1, 1, 0]);
    const byN = restrictToGroups(compileFilter('', schema), n, new Set<FieldKey>([2n, 5n]));
    expect([...byN.evaluate(batch)]).toEqual([0, 1, 0, 0, 1]);
    expect(byN.matchesAll).toBe(false);
  });
});
